/**
 * `calibrate(rows)` — fit the achievable fractions (compute, memory, link) to measured runs
 * and report the error before and after.
 *
 * Objective: the median absolute percentage error over the rows, ties broken by the worst
 * (median first, so one odd row cannot drag the fit). Search: coordinate descent over a grid
 * of fractions in (0, 1], refined twice around the best point — the model is cheap to
 * evaluate (a row is a few thousand roofline steps) and has only three knobs.
 */
import { positiveInt } from "../validate.js";
import { DEFAULT_EFFICIENCY, EFFICIENCY_KEYS, withEfficiency, type Efficiency } from "./efficiency.js";
import { absError, measurements, median, predict, type Measurement } from "./measurements.js";

export interface ErrorSummary {
  /** Median |predicted − measured| / measured over rows that could be predicted. */
  readonly median: number;
  readonly worst: number;
  readonly rows: number;
}

export interface Calibration {
  readonly efficiency: Efficiency;
  readonly before: ErrorSummary;
  readonly after: ErrorSummary;
  /** Per row: measured, predicted before and after, and their errors. */
  readonly table: readonly { id: string; metric: string; measured: number; before: number | null; after: number | null; errorBefore: number | null; errorAfter: number | null }[];
}

/** Error summary of `rows` under efficiency `eff`. */
export function errorOf(rows: readonly Measurement[], eff: Efficiency): ErrorSummary {
  const errs: number[] = [];
  for (const r of rows) {
    const p = predict(r, eff).value;
    if (p !== null) errs.push(absError(p, r.value));
  }
  return Object.freeze({ median: errs.length ? median(errs) : 0, worst: errs.length ? Math.max(...errs) : 0, rows: errs.length });
}

const better = (a: ErrorSummary, b: ErrorSummary) => a.median < b.median - 1e-12 || (Math.abs(a.median - b.median) <= 1e-12 && a.worst < b.worst);

/** Fit efficiencies to `rows` (default: the shipped measurements). */
export function calibrate(rows: readonly Measurement[] = measurements(), opts: { start?: Partial<Efficiency>; rounds?: number } = {}): Calibration {
  const start = withEfficiency(DEFAULT_EFFICIENCY, opts.start ?? {});
  const rounds = positiveInt(opts.rounds ?? 3, "rounds");
  const before = errorOf(rows, start);
  let best = start;
  let bestErr = before;
  let step = 0.1;
  for (let round = 0; round < rounds; round++) {
    for (const key of EFFICIENCY_KEYS) {
      for (let k = -4; k <= 4; k++) {
        const v = Math.round((best[key] + k * step) * 1e4) / 1e4;
        if (v <= 0 || v > 1 || k === 0) continue;
        const cand = withEfficiency(best, { [key]: v });
        const err = errorOf(rows, cand);
        if (better(err, bestErr)) {
          best = cand;
          bestErr = err;
        }
      }
    }
    step /= 4;
  }
  const table = rows.map((r) => {
    const b = predict(r, start).value;
    const a = predict(r, best).value;
    return { id: r.id, metric: r.metric, measured: r.value, before: b, after: a, errorBefore: b === null ? null : absError(b, r.value), errorAfter: a === null ? null : absError(a, r.value) };
  });
  return Object.freeze({ efficiency: best, before, after: bestErr, table });
}
