import { SuanliError, type ErrorCode } from "../errors.js";

/** Fold a user-typed name for lookup: case, spaces, hyphens, underscores and dots do not matter. */
export function foldName(name: string): string {
  return name.toLowerCase().replace(/[\s\-_.]/g, "");
}

/** Levenshtein edit distance (iterative, two rows). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The known names closest to `name` (by edit distance on folded names), best first. */
export function closest(name: string, known: readonly string[], count = 3): string[] {
  const f = foldName(name);
  return [...known]
    .map((k) => {
      const fk = foldName(k);
      const d = fk.includes(f) || f.includes(fk) ? Math.abs(fk.length - f.length) * 0.1 : editDistance(f, fk);
      return { k, d };
    })
    .sort((x, y) => x.d - y.d)
    .slice(0, count)
    .map((x) => x.k);
}

/**
 * A case- and punctuation-insensitive index from names and aliases to entries.
 * `get` throws a SuanliError with did-you-mean suggestions for an unknown name.
 */
export class NameIndex<T> {
  private readonly map = new Map<string, T>();
  constructor(
    private readonly what: string,
    private readonly code: ErrorCode,
    private readonly primaryNames: () => string[],
  ) {}

  add(names: readonly string[], entry: T): void {
    for (const n of names) {
      const key = foldName(n);
      const existing = this.map.get(key);
      if (existing !== undefined && existing !== entry) {
        throw new SuanliError("bad-dataset", `${this.what} name "${n}" is used by two entries`, { value: n });
      }
      this.map.set(key, entry);
    }
  }

  has(name: string): boolean {
    return this.map.has(foldName(name));
  }

  get(name: string): T {
    if (typeof name !== "string" || name.trim() === "") {
      throw new SuanliError(this.code, `${this.what} name must be a non-empty string, got ${JSON.stringify(name)}`, {
        value: name,
        expected: this.primaryNames().join(", "),
      });
    }
    const hit = this.map.get(foldName(name));
    if (hit !== undefined) return hit;
    const known = this.primaryNames();
    const guesses = closest(name, known);
    throw new SuanliError(
      this.code,
      `unknown ${this.what}: "${name}" (did you mean ${guesses.join(" or ")}? known: ${known.join(", ")})`,
      { value: name, expected: known.join(", ") },
    );
  }
}
