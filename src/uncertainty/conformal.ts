/**
 * Split-conformal quantiles of signed residuals (Lei et al. 2018, "Distribution-Free Predictive
 * Inference for Regression", JASA 113:1094; Angelopoulos & Bates 2021, arXiv:2107.07511 §1.1).
 *
 * Given n residuals r₁…rₙ exchangeable with a new one, a two-sided interval at level L = 1 − α
 * takes the lower and upper α/2 tails apart (so a biased model keeps its bias in the band):
 *
 *   k_lo = ⌊(n + 1)·α/2⌋,  k_hi = ⌈(n + 1)·(1 − α/2)⌉,  band = [r₍k_lo₎, r₍k_hi₎]
 *
 * (r₍k₎ the k-th smallest). The (n + 1) is the finite-sample correction: each tail then misses
 * with probability ≤ α/2, so the band covers with probability ≥ L. It needs k_lo ≥ 1 and
 * k_hi ≤ n, i.e. n ≥ 2/α − 1 residuals (9 at L = 0.8); with fewer the band is unbounded and
 * `conformalBand` returns null.
 */
import { SuanliError, show } from "../errors.js";

/** A level in (0, 1), refused naming the value otherwise. */
export function checkLevel(level: unknown): number {
  if (typeof level !== "number" || !Number.isFinite(level) || level <= 0 || level >= 1) {
    throw new SuanliError("bad-argument", `interval level must be a number in (0, 1), e.g. 0.8; got ${show(level)}`, { value: level, expected: "0 < level < 1" });
  }
  return level;
}

/** The fewest residuals that give a bounded band at `level`: ⌈2/α − 1⌉. */
export function minResiduals(level: number): number {
  const alpha = 1 - checkLevel(level);
  return Math.max(1, Math.ceil(2 / alpha - 1 - 1e-9));
}

/** [r₍k_lo₎, r₍k_hi₎] of the residuals at `level` (header), or null when there are too few. */
export function conformalBand(residuals: readonly number[], level: number): { lo: number; hi: number } | null {
  const alpha = 1 - checkLevel(level);
  const n = residuals.length;
  const kLo = Math.floor((n + 1) * (alpha / 2) + 1e-9);
  const kHi = Math.ceil((n + 1) * (1 - alpha / 2) - 1e-9);
  if (kLo < 1 || kHi > n) return null;
  const s = [...residuals].sort((a, b) => a - b);
  return { lo: s[kLo - 1]!, hi: s[kHi - 1]! };
}
