/** The seed article's numeric claims (datasets/article/h20-claims.json), loaded and checked for shape. */
import { SuanliError } from "../errors.js";
import { readJson } from "../data/paths.js";

/**
 * matches / rounding / unit slip / different assumption / arithmetic error: numbers; typo: a name
 * one letter off a real one; does not hold: a qualitative claim the kit's numbers refute.
 */
export const VERDICTS = ["matches", "rounding", "unit slip", "different assumption", "arithmetic error", "typo", "does not hold"] as const;
export type Verdict = (typeof VERDICTS)[number];

export type Stated =
  | { op: "="; value: number | boolean; unit?: string; text: string }
  | { op: ">"; value: number; unit?: string; text: string }
  | { op: "≈"; value: number; tolerance: number; unit?: string; text: string }
  | { op: "range"; min: number; max: number; unit?: string; text: string };

/** A DSL computation named in the data: { fn: "peak", gpu: "H20", precision: "fp16" }. */
export interface ComputeSpec {
  fn: string;
  show?: string;
  [arg: string]: unknown;
}

export interface Claim {
  id: string;
  section: string;
  zh: string;
  en: string;
  stated: Stated;
  compute: ComputeSpec;
  expect: Verdict;
  note?: string;
  variant?: string;
  /** A qualitative claim: when the kit's numbers refute it, the verdict is "does not hold", not "arithmetic error". */
  qualitative?: boolean;
}

export function articleClaims(): Claim[] {
  const raw = readJson("article", "h20-claims.json") as { claims?: Claim[] };
  if (!Array.isArray(raw.claims)) throw new SuanliError("bad-dataset", "article/h20-claims.json has no claims array");
  for (const c of raw.claims) {
    if (!c.id || !c.zh || !c.en || !c.stated || !c.compute?.fn || !(VERDICTS as readonly string[]).includes(c.expect)) {
      throw new SuanliError("bad-dataset", `article claim ${JSON.stringify(c.id)} is missing zh/en/stated/compute/expect`, { value: c.id });
    }
  }
  return raw.claims;
}
