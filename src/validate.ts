/** Input checks at the edge: each names the parameter, the bad value and what is accepted. */
import { SuanliError, show } from "./errors.js";
import { closest, editDistance, foldName } from "./util/names.js";

export function positiveInt(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || !Number.isSafeInteger(value)) {
    throw new SuanliError("bad-argument", `${name} must be a positive integer, got ${show(value)}`, { value, expected: "integer ≥ 1" });
  }
  return value;
}

export function nonNegativeInt(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || !Number.isSafeInteger(value)) {
    throw new SuanliError("bad-argument", `${name} must be a non-negative integer, got ${show(value)}`, { value, expected: "integer ≥ 0" });
  }
  return value;
}

export function positiveNumber(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new SuanliError("bad-argument", `${name} must be a finite number > 0, got ${show(value)}`, { value, expected: "number > 0" });
  }
  return value;
}

/** A fraction in (0, 1]: efficiencies, utilisations. */
export function unitFraction(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > 1) {
    throw new SuanliError("bad-argument", `${name} must be in (0, 1], got ${show(value)}`, { value, expected: "0 < x ≤ 1" });
  }
  return value;
}

/** One of a fixed set of keywords. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw new SuanliError("bad-argument", `${name} must be one of ${allowed.join(", ")}; got ${show(value)}`, {
      value,
      expected: allowed.join(", "),
    });
  }
  return value as T;
}

/** The known name within a small edit distance of `name`, if any (for "did you mean …?"). */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  const best = closest(name, known, 1)[0];
  if (best === undefined) return undefined;
  const d = editDistance(foldName(name), foldName(best));
  return d <= Math.max(2, Math.floor(best.length / 3)) || foldName(best).includes(foldName(name)) ? best : undefined;
}

/**
 * Refuse keys of an options object that `allowed` does not list, with a did-you-mean:
 * a misspelt option must not run silently with its default.
 */
export function checkKeys(o: unknown, allowed: readonly string[], what: string): void {
  if (o === undefined) return;
  if (o === null || typeof o !== "object" || Array.isArray(o)) {
    throw new SuanliError("bad-argument", `${what}: options must be an object, got ${show(o)}`, { value: o, expected: `{ ${allowed.join(", ")} }` });
  }
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      const hint = didYouMean(k, allowed);
      throw new SuanliError("bad-argument", `${what}: unknown option ${show(k)}${hint ? ` (did you mean ${hint}?)` : ""}; accepted: ${allowed.join(", ")}`, { value: k, expected: allowed.join(", ") });
    }
  }
}
