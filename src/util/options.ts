import { SuanliError, show } from "../errors.js";
import { closest } from "./names.js";

/**
 * Refuse an options object that is not a plain object or that carries a key outside `allowed`
 * (a misspelt option would otherwise be ignored silently), suggesting the closest accepted key.
 */
export function checkOptions(o: unknown, allowed: readonly string[], what: string): void {
  if (o === undefined) return;
  if (o === null || typeof o !== "object" || Array.isArray(o)) {
    throw new SuanliError("bad-argument", `${what} must be an object, got ${show(o)}`, { value: o, expected: `{ ${allowed.join(", ")} }` });
  }
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      throw new SuanliError("bad-argument", `unknown ${what} key ${show(k)} (did you mean ${show(closest(k, allowed, 1)[0])}?); accepted: ${allowed.join(", ")}`, {
        value: k,
        expected: allowed.join(", "),
      });
    }
  }
}
