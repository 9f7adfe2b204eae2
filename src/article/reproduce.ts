/**
 * Reproduce the seed article: one row per numeric claim, with the kit's value computed through
 * the DSL, the article's stated value, a verdict and the derivation.
 */
import { articleClaims, VERDICTS, type Verdict } from "./claims.js";
import { compute } from "./computations.js";
import { judge } from "./judge.js";
import { BASE_UNITS } from "../units.js";

export interface ReproductionRow {
  readonly id: string;
  readonly section: string;
  readonly claimZh: string;
  readonly claimEn: string;
  /** What the article says, as written. */
  readonly stated: string;
  /** The kit's value, formatted with its unit. */
  readonly kit: string;
  /** The kit's value as a plain number in its base unit (B, FLOP, s, …; counts and ratios bare). */
  readonly kitValue: number | boolean;
  readonly kitUnit: string;
  readonly verdict: Verdict;
  readonly reason: string;
  readonly note?: string;
  /** The arithmetic: operands substituted, with units. */
  readonly derivation: string;
  readonly derivationMarkdown: string;
}

export function reproduce(): ReproductionRow[] {
  return articleClaims().map((c) => {
    const k = compute(c.compute);
    const j = judge(k, c.stated, c.variant, c.qualitative === true);
    return Object.freeze({
      id: c.id,
      section: c.section,
      claimZh: c.zh,
      claimEn: c.en,
      stated: c.stated.text,
      kit: k.text,
      kitValue: k.value,
      kitUnit: BASE_UNITS[k.kind],
      verdict: j.verdict,
      reason: j.reason,
      ...(c.note ? { note: c.note } : {}),
      derivation: k.derivation,
      derivationMarkdown: k.markdown,
    });
  });
}

/** Verdict counts, e.g. { matches: 22, rounding: 2, … }. */
export function verdictSummary(rows: readonly ReproductionRow[]): Record<Verdict, number> {
  const out = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const r of rows) out[r.verdict]++;
  return out;
}
