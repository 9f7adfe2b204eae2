/**
 * Request workloads for the serving simulation: a seeded pseudo-random stream (mulberry32, a
 * 32-bit generator by T. Ettinger, public domain), Poisson arrivals (exponential gaps, rate λ
 * requests/s), and prompt/output length distributions — or a given trace. Same seed, same
 * requests, on every platform (integer arithmetic only before the final division).
 */
import { SuanliError, show } from "../errors.js";
import { checkKeys, nonNegativeInt, positiveInt, positiveNumber } from "../validate.js";

/** A request: arrival time (s), prompt and output lengths (tokens). */
export interface Request {
  readonly time: number;
  readonly prompt: number;
  readonly output: number;
}

/**
 * A length distribution (tokens, rounded, at least 1, at most `max` when given):
 * a number (fixed), { uniform: [min, max] }, { normal: { mean, sd } } or
 * { lognormal: { median, sigma } } (median e^μ; ShareGPT-like lengths are roughly lognormal).
 */
export type LengthDist =
  | number
  | { uniform: readonly [number, number]; max?: number }
  | { normal: { mean: number; sd: number }; max?: number }
  | { lognormal: { median: number; sigma: number }; max?: number };

export interface WorkloadOptions {
  /** Requests to generate (default 100). Ignored with a trace. */
  requests?: number;
  /** Poisson arrival rate, requests/s; omitted: all arrive at t = 0 (an offline batch). */
  rate?: number;
  prompt?: LengthDist;
  output?: LengthDist;
  /** Seed of the generator (default 1). */
  seed?: number;
  /** Explicit requests instead of generated ones (times ≥ 0, lengths ≥ 1). */
  trace?: readonly Request[];
}

import { rng } from "../util/random.js";
export { rng };

/** A standard normal draw (Box–Muller). */
function gauss(u: () => number): number {
  const a = 1 - u();
  return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * u());
}

/** Check a distribution once, so a bad one fails before any sampling. */
export function checkDist(d: LengthDist, name: string): void {
  if (typeof d === "number") {
    positiveInt(d, name);
    return;
  }
  if (d === null || typeof d !== "object") throw new SuanliError("bad-argument", `${name} must be a length or { uniform | normal | lognormal }, got ${show(d)}`, { value: d });
  if (d.max !== undefined) positiveInt(d.max, `${name}.max`);
  if ("uniform" in d) {
    const [lo, hi] = d.uniform;
    positiveInt(lo, `${name}.uniform[0]`);
    positiveInt(hi, `${name}.uniform[1]`);
    if (hi < lo) throw new SuanliError("bad-argument", `${name}.uniform [${lo}, ${hi}] has max < min`, { value: d.uniform, expected: "[min, max] with min ≤ max" });
  } else if ("normal" in d) {
    positiveNumber(d.normal.mean, `${name}.normal.mean`);
    if (!(d.normal.sd >= 0) || !Number.isFinite(d.normal.sd)) throw new SuanliError("bad-argument", `${name}.normal.sd must be ≥ 0, got ${show(d.normal.sd)}`, { value: d.normal.sd });
  } else if ("lognormal" in d) {
    positiveNumber(d.lognormal.median, `${name}.lognormal.median`);
    if (!(d.lognormal.sigma >= 0) || !Number.isFinite(d.lognormal.sigma)) throw new SuanliError("bad-argument", `${name}.lognormal.sigma must be ≥ 0, got ${show(d.lognormal.sigma)}`, { value: d.lognormal.sigma });
  } else {
    throw new SuanliError("bad-argument", `${name}: unknown distribution ${show(d)}; accepted: a number, { uniform }, { normal }, { lognormal }`, { value: d });
  }
}

/** One draw of `d` with generator `u`. */
export function sample(d: LengthDist, u: () => number): number {
  if (typeof d === "number") return d;
  let x: number;
  if ("uniform" in d) x = d.uniform[0] + Math.floor(u() * (d.uniform[1] - d.uniform[0] + 1));
  else if ("normal" in d) x = d.normal.mean + d.normal.sd * gauss(u);
  else x = d.lognormal.median * Math.exp(d.lognormal.sigma * gauss(u));
  x = Math.max(1, Math.round(x));
  return d.max !== undefined ? Math.min(x, d.max) : x;
}

/** Validate a trace: finite times ≥ 0, integer lengths ≥ 1. Returns it sorted by time (stable). */
export function checkTrace(trace: readonly Request[]): Request[] {
  if (!Array.isArray(trace)) throw new SuanliError("bad-argument", `trace must be an array of { time, prompt, output }, got ${show(trace)}`, { value: trace });
  const out = trace.map((r, i) => {
    if (typeof r?.time !== "number" || !Number.isFinite(r.time) || r.time < 0) {
      throw new SuanliError("bad-argument", `trace[${i}].time must be a finite number of seconds ≥ 0, got ${show(r?.time)}`, { value: r?.time, expected: "≥ 0" });
    }
    return Object.freeze({ time: r.time, prompt: positiveInt(r.prompt, `trace[${i}].prompt`), output: positiveInt(r.output, `trace[${i}].output`) });
  });
  return out.map((r, i) => [r, i] as const).sort((a, b) => a[0].time - b[0].time || a[1] - b[1]).map(([r]) => r);
}

/** A workload as columns: arrival times (s), prompt and output lengths (tokens), sorted by time. */
export interface WorkloadColumns {
  readonly time: Float64Array;
  readonly prompt: Float64Array;
  readonly output: Float64Array;
}

/** The option names a workload accepts. */
export const WORKLOAD_KEYS = ["requests", "rate", "prompt", "output", "seed", "trace"] as const;

/**
 * The requests of a workload as typed columns (what `simulate` runs on: 24 bytes a request).
 * Same numbers as `workload(o)`.
 */
/** Most requests a drawn workload may hold. */
export const MAX_REQUESTS = 10_000_000;

export function workloadColumns(o: WorkloadOptions = {}): WorkloadColumns {
  if (o.trace !== undefined) {
    const t = checkTrace(o.trace);
    return { time: Float64Array.from(t, (r) => r.time), prompt: Float64Array.from(t, (r) => r.prompt), output: Float64Array.from(t, (r) => r.output) };
  }
  const n = nonNegativeInt(o.requests ?? 100, "requests");
  if (n > MAX_REQUESTS) {
    throw new SuanliError("bad-argument", `requests ${show(o.requests)} is more than the ${MAX_REQUESTS.toLocaleString("en-US")} a simulated workload holds (every request's record stays in memory, about 250 MB per million)`, { value: o.requests, expected: `0 … ${MAX_REQUESTS}` });
  }
  const prompt = o.prompt ?? 1024;
  const output = o.output ?? 256;
  checkDist(prompt, "prompt");
  checkDist(output, "output");
  if (o.rate !== undefined) positiveNumber(o.rate, "rate");
  const seed = o.seed ?? 1;
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) throw new SuanliError("bad-argument", `seed must be an integer, got ${show(seed)}`, { value: seed });
  const u = rng(seed);
  const cols = { time: new Float64Array(n), prompt: new Float64Array(n), output: new Float64Array(n) };
  let t = 0;
  for (let i = 0; i < n; i++) {
    if (o.rate !== undefined) t += -Math.log(1 - u()) / o.rate;
    cols.time[i] = t;
    cols.prompt[i] = sample(prompt, u);
    cols.output[i] = sample(output, u);
  }
  return cols;
}

/**
 * The requests of a workload, sorted by arrival time.
 * @example workload({ requests: 50, rate: 2, prompt: { lognormal: { median: 2000, sigma: 0.5 } }, output: 256, seed: 7 })
 */
export function workload(o: WorkloadOptions = {}): Request[] {
  checkKeys(o, WORKLOAD_KEYS, "workload");
  if (o.trace !== undefined) return checkTrace(o.trace);
  const c = workloadColumns(o);
  return Array.from(c.time, (time, i) => Object.freeze({ time, prompt: c.prompt[i]!, output: c.output[i]! }));
}
