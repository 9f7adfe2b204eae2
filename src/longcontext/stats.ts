/**
 * Percentile summaries and progress reporting for the serving simulation.
 * Percentiles use linear interpolation between closest ranks (numpy's default, "linear";
 * Hyndman & Fan 1996 definition 7). An empty sample summarises to zeros with n = 0.
 */
import { progressText } from "../util/progress.js";

export interface Summary {
  readonly n: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** The q-quantile (0 ≤ q ≤ 1) of sorted values `v` (linear interpolation). */
export function quantile(v: ArrayLike<number>, q: number): number {
  if (v.length === 0) return 0;
  const h = (v.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(v.length - 1, lo + 1);
  return v[lo]! + (h - lo) * (v[hi]! - v[lo]!);
}

/** n, mean, p50, p90, p99 and max of `values`. */
export function summarize(values: ArrayLike<number>): Summary {
  const v = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]!;
  const mean = v.length ? sum / v.length : 0;
  return Object.freeze({ n: v.length, mean, p50: quantile(v, 0.5), p90: quantile(v, 0.9), p99: quantile(v, 0.99), max: v.length ? v[v.length - 1]! : 0 });
}

/** What a long simulation reports while it runs. */
export interface Progress {
  readonly steps: number;
  /** Simulated time, s. */
  readonly time: number;
  readonly finished: number;
  readonly total: number;
}

/**
 * A progress callback drawing a text bar on stderr (`\r`-updated; one final line at 100 %).
 * Silent where there is no process.stderr (browsers).
 * @example simulate(e, { …, onProgress: progressBar() })
 */
export function progressBar(width = 30): (p: Progress) => void {
  const out = (globalThis as { process?: { stderr?: { write(s: string): unknown } } }).process?.stderr;
  let last = -1;
  return (p) => {
    if (!out) return;
    const pct = Math.floor((p.total > 0 ? p.finished / p.total : 1) * 100);
    if (pct === last) return;
    last = pct;
    out.write(`\r${progressText("", p.finished, p.total, width)} requests, ${p.steps} steps, t = ${p.time.toFixed(1)} s${pct >= 100 ? "\n" : ""}`);
  };
}
