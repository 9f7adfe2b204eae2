/**
 * Error bands: `bandFor(setup, level)` picks the regime a setup falls in (regimes.ts), takes the
 * split-conformal quantiles of that regime's leave-one-source-out residuals (conformal.ts,
 * residuals.ts) and `intervalOf` turns them into { low, high } around a prediction.
 *
 * Fall-back: a regime is used when it holds at least max(MIN_ROWS, ⌈2/α − 1⌉) residuals (the
 * fewest that bound a conformal band at level 1 − α) from at least MIN_SOURCES sources (one
 * source's spread misses the offset between sources); otherwise the next coarser regime, down to
 * all rows of the kind. A setup whose GPU generation has no measurement at all — or an MoE model
 * when no MoE model was measured — gets the widest band of the kit — the envelope of every regime's band — and says why; so does a level that no
 * regime has enough rows for (then the band is the full range of the residuals).
 *
 * Source-level widening. Rows of one source share an offset (its software version, its way of
 * measuring), so a regime's quantiles, taken over rows, understate the error a new source — a
 * user's own stack — meets: leaving each row's whole source out of its band (coverage.ts,
 * "strict") covered 72 % of the inference rows at level 0.8, 67 % of the decode rows. The band is
 * therefore conformalised a second time at the level of sources, as conformalized quantile
 * regression does with a base band (Romano, Patterson & Candès 2019, arXiv:1905.03222): each row r
 * of the kind is scored against the base band [lo, hi] its setup gets from the residuals of every
 * *other* source, s = max(lo − r, r − hi) (negative inside, positive by how far it misses); with n
 * scores the widening w is the ⌈(n + 1)·L⌉-th smallest, and the band is [q_lo − w, q_hi + w]
 * (w < 0 narrows a band that over-covers, never past its midpoint). Rows of one source are not
 * exchangeable with each other, so this is an approximate guarantee, not the exact one of
 * conformal.ts; coverage.ts checks it by nesting — a held-out row's widening is computed without it.
 *
 * With residual quantiles q_lo ≤ q_hi of r = ln(predicted time ÷ true time), a predicted time T
 * has the band [T·e^(−q_hi), T·e^(−q_lo)] and a predicted rate R the band [R·e^(q_lo), R·e^(q_hi)];
 * each is widened to contain the prediction itself, so low ≤ value ≤ high always.
 *
 * What the band is: the spread of the kit's error on published measurements of setups like
 * this one, from sources the kit was not fitted to. What it is not: a bound on a deployment
 * whose software stack (kernels, scheduler, quantisation recipe) differs from the published ones.
 */
import { Quantity } from "../quantity.js";
import { format, type Kind } from "../units.js";
import { checkLevel, conformalBand, minResiduals } from "./conformal.js";
import { regimeChain, type Setup } from "./regimes.js";
import { residualsOf, type Residual } from "./residuals.js";

/** The fewest residuals a regime needs before its band is used (coarser regimes otherwise). */
export const MIN_ROWS = 10;

/** The fewest sources a regime's residuals must come from (one source's spread hides the offset between sources). */
export const MIN_SOURCES = 2;

/** The default level of every `.interval()`. */
export const DEFAULT_LEVEL = 0.8;

export interface Band {
  /** Quantiles of r = ln(predicted time ÷ true time) at the level. */
  readonly lo: number;
  readonly hi: number;
  readonly level: number;
  /** The regime key the residuals came from ("widest" for the envelope). */
  readonly regime: string;
  /** Residuals behind the band. */
  readonly rows: number;
  readonly widest: boolean;
  /** Why this regime: a fall-back, a GPU nobody measured, too few rows for the level. */
  readonly note: string;
  /** The source-level widening added to each side (ln units; negative narrows), header. */
  readonly widening: number;
}

type Bands = Map<string, { lo: number; hi: number; rows: number }>;
const memo = new WeakMap<readonly Residual[], Map<string, Bands>>();

/** Each regime's band at `level` over the `kind` rows of `pool`, memoised per pool. */
function regimeBands(pool: readonly Residual[], kind: Setup["kind"], level: number): Bands {
  const byPool = memo.get(pool) ?? memo.set(pool, new Map()).get(pool)!;
  const key = `${kind} ${level}`;
  let out = byPool.get(key);
  if (!out) byPool.set(key, (out = computeBands(pool.filter((r) => r.setup.kind === kind), level)));
  return out;
}

function computeBands(pool: readonly Residual[], level: number): Bands {
  const groups = new Map<string, Residual[]>();
  for (const r of pool) for (const k of regimeChain(r.setup)) (groups.get(k) ?? groups.set(k, []).get(k)!).push(r);
  const need = Math.max(MIN_ROWS, minResiduals(level));
  const out = new Map<string, { lo: number; hi: number; rows: number }>();
  for (const [k, group] of groups) {
    if (group.length < need || new Set(group.map((r) => r.source)).size < MIN_SOURCES) continue;
    const rs = group.map((r) => r.residual);
    const b = conformalBand(rs, level);
    if (b) out.set(k, { ...b, rows: rs.length });
  }
  return out;
}

/** The base band: the regime's split-conformal quantiles, before the source-level widening (header). */
function baseBand(setup: Setup, level: number, pool: readonly Residual[]): Omit<Band, "widening" | "level"> {
  const mine = pool.filter((r) => r.setup.kind === setup.kind);
  const bands = regimeBands(pool, setup.kind, level);
  const chain = regimeChain(setup);
  const widest = (note: string) => {
    const all = [...bands.values()];
    const rs = mine.map((r) => r.residual);
    const lo = all.length ? Math.min(...all.map((b) => b.lo)) : rs.length ? Math.min(...rs) : 0;
    const hi = all.length ? Math.max(...all.map((b) => b.hi)) : rs.length ? Math.max(...rs) : 0;
    return { lo, hi, regime: "widest", rows: mine.length, widest: true, note };
  };
  if (!mine.some((r) => r.setup.generation === setup.generation)) {
    return widest(`no published ${setup.kind} measurement on a ${setup.generation} GPU: the widest band of any regime`);
  }
  if (setup.kind === "inference" && setup.moe && !mine.some((r) => r.setup.kind === "inference" && r.setup.moe)) {
    return widest("no published inference measurement of a mixture-of-experts model: the widest band of any regime");
  }
  for (let i = 0; i < chain.length; i++) {
    const b = bands.get(chain[i]!);
    if (!b) continue;
    const own = mine.some((r) => r.setup.gpu === setup.gpu) ? "" : `${setup.gpu} has no measurement of its own; `;
    const fell = i === 0 ? "" : `fewer than ${Math.max(MIN_ROWS, minResiduals(level))} rows from ${MIN_SOURCES} sources in ${chain[0]}: fell back to ${chain[i]}`;
    return { lo: b.lo, hi: b.hi, regime: chain[i]!, rows: b.rows, widest: false, note: (own + fell).replace(/; $/, "") };
  }
  return widest(`no regime has the ${minResiduals(level)} residuals a ${level * 100} % band needs: the range of all ${mine.length} residuals, which covers less than ${level * 100} %`);
}

const without = new WeakMap<readonly Residual[], Map<string, readonly Residual[]>>();

/** `pool` less every row of `source`, memoised so the regime bands of each are computed once. */
function poolWithout(pool: readonly Residual[], source: string): readonly Residual[] {
  const bySource = without.get(pool) ?? without.set(pool, new Map()).get(pool)!;
  let out = bySource.get(source);
  if (!out) bySource.set(source, (out = Object.freeze(pool.filter((r) => r.source !== source))));
  return out;
}

const widenings = new WeakMap<readonly Residual[], Map<string, number>>();

/**
 * The source-level widening of `kind` bands at `level` over `pool` (header): the ⌈(n + 1)·L⌉-th
 * smallest of the n scores max(lo − r, r − hi), each row scored against the base band its setup
 * gets from the pool without its source; 0 with fewer than two sources.
 */
export function sourceWidening(pool: readonly Residual[], kind: Setup["kind"], level: number): number {
  const byPool = widenings.get(pool) ?? widenings.set(pool, new Map()).get(pool)!;
  const key = `${kind} ${level}`;
  let q = byPool.get(key);
  if (q === undefined) {
    const mine = pool.filter((r) => r.setup.kind === kind);
    const scores: number[] = [];
    if (new Set(mine.map((r) => r.source)).size >= 2) {
      for (const r of mine) {
        const b = baseBand(r.setup, level, poolWithout(pool, r.source));
        scores.push(Math.max(b.lo - r.residual, r.residual - b.hi));
      }
    }
    scores.sort((a, b) => a - b);
    const k = Math.ceil((scores.length + 1) * level - 1e-9);
    q = scores.length === 0 ? 0 : scores[Math.min(k, scores.length) - 1]!;
    byPool.set(key, q);
  }
  return q;
}

/**
 * The band for `setup` at `level` from `pool` (default: every LOSO residual of the shipped
 * measurements of the setup's kind). Header: regime choice, fall-backs and the source-level widening.
 */
export function bandFor(setup: Setup, level: number = DEFAULT_LEVEL, pool?: readonly Residual[]): Band {
  checkLevel(level);
  const p = pool ?? residualsOf(setup.kind);
  const base = baseBand(setup, level, p);
  const widening = sourceWidening(p, setup.kind, level);
  let [lo, hi] = [base.lo - widening, base.hi + widening];
  if (lo > hi) lo = hi = (base.lo + base.hi) / 2;
  return Object.freeze({ ...base, lo, hi, level, widening });
}

/** Whether a value is a time (bigger = slower) or a rate (bigger = faster). */
export type Orientation = "time" | "rate";

/** low and high of a prediction `value` under `band` (header), containing `value`. */
export function bounds(value: number, band: Pick<Band, "lo" | "hi">, orientation: Orientation): { low: number; high: number } {
  const [a, b] = orientation === "time" ? [value * Math.exp(-band.hi), value * Math.exp(-band.lo)] : [value * Math.exp(band.lo), value * Math.exp(band.hi)];
  return { low: Math.min(a, value), high: Math.max(b, value) };
}

export interface Interval<K extends Kind = Kind> {
  readonly value: Quantity<K>;
  readonly low: Quantity<K>;
  readonly high: Quantity<K>;
  readonly level: number;
  readonly band: Band;
  /** The band of a number proportional to the value (GPU-hours from a run time): x·low/value … x·high/value. */
  scale(x: number): { readonly low: number; readonly high: number };
  /** The band of a number inversely proportional to the value (tokens/s from a step time): x·value/high … x·value/low. */
  rate(x: number): { readonly low: number; readonly high: number };
  /** "7.2 ms (80 %: 6.5–8.4 ms)". */
  toString(): string;
}

/** The interval of a predicted `value` of `kind` for `setup` at `level`. */
export function intervalOf<K extends Kind>(setup: Setup, value: number, kind: K, orientation: Orientation, level: number = DEFAULT_LEVEL): Interval<K> {
  const band = bandFor(setup, level);
  const { low, high } = bounds(value, band, orientation);
  return Object.freeze({
    value: new Quantity(value, kind),
    low: new Quantity(low, kind),
    high: new Quantity(high, kind),
    level,
    band,
    scale: (x: number) => Object.freeze({ low: value > 0 ? (x * low) / value : x, high: value > 0 ? (x * high) / value : x }),
    rate: (x: number) => Object.freeze({ low: high > 0 ? (x * value) / high : x, high: low > 0 ? (x * value) / low : x }),
    toString: () => withBand(value, low, high, level, (x) => format(x, kind, { digits: 2 })),
  });
}

/**
 * A number with its band: "7.2 ms (80 %: 6.5–8.4 ms)". `fmt` formats one number (default: two
 * significant digits); a unit shared by low and high is printed once.
 */
export function withBand(value: number, low: number, high: number, level: number, fmt: (x: number) => string = (x) => format(x, "count", { digits: 2 })): string {
  const [v, l, h] = [fmt(value), fmt(low), fmt(high)];
  const unit = (s: string) => s.replace(/^[-+\d.,e]+\s*/, "");
  const lo = unit(l) !== "" && unit(l) === unit(h) ? l.slice(0, l.length - unit(l).length).trim() : l;
  return `${v} (${+(checkLevel(level) * 100).toFixed(1)} %: ${lo}–${h})`;
}
