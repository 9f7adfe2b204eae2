/**
 * `capacity(engine, { workload, slo })` — the highest Poisson arrival rate whose simulated p99
 * TTFT and p99 TPOT meet the SLO (MLPerf's Server question), found by bisection over the
 * request-level simulator (longcontext/simulate.ts, in-flight batching by default); and
 * `offline(engine, { workload })`, the throughput with every request queued at once (MLPerf's
 * Offline scenario).
 *
 * The search: one workload is drawn at rate 1 (or a trace is normalised to rate 1) and
 * replayed at rate r by dividing its arrival times by r — the same requests at every rate.
 * Rates are probed on a fixed geometric lattice r_i = r_offline × (1 + tolerance)^i, i ≤ 0,
 * anchored at the offline rate (requests/s of the run with everything queued at once — no
 * steady stream can arrive faster than the replica serves it, however few requests a finite
 * sample holds), bracketed by halving and bisected; a rate passes when every request finishes
 * and both p99s are within the SLO. Because the
 * lattice and the simulations do not depend on the SLO, a looser SLO passes at least every
 * rate a tighter one passes, so it never lowers the capacity found.
 *
 * Before searching, each request is priced alone on an idle replica — TTFT = its prefill (in
 * `chunk`-token steps when chunked), TPOT = a batch-1 decode step at its mean context, the steps
 * the simulator takes for a lone request — and if even then a p99 exceeds its target, no rate can
 * meet the SLO and the result is rate 0 with the reason. The simulator runs one replica — or, on an
 * attention-data-parallel × expert-parallel engine, the lockstep ranks of one expert group
 * together (simulate.ts) — and rates and tokens/s are multiplied by the engine's data-parallel
 * replicas over those the simulation ran.
 */
import { SuanliError } from "../errors.js";
import { withText } from "../display/result.js";
import { format } from "../units.js";
import type { InferenceEngine } from "../inference/engine.js";
import { simulate, type Policy, type SimulateOptions, type SimulationResult } from "../longcontext/simulate.js";
import { checkTrace, workload, type Request, type WorkloadOptions } from "../longcontext/workload.js";
import { positiveInt, positiveNumber } from "../validate.js";
import { summarize } from "../longcontext/stats.js";
import { readSlo, type Slo, type SloOptions } from "./slo.js";
import { capacityInterval, type CapacityInterval } from "../uncertainty/capacity.js";

/** A workload without a rate (the rate is what is searched): length distributions or a trace. */
export type CapacityWorkload = Omit<WorkloadOptions, "rate">;

export interface CapacityOptions {
  workload: CapacityWorkload;
  slo: SloOptions;
  policy?: Policy;
  /** Most sequences in flight per replica (default 256). */
  maxBatch?: number;
  /** Prompt tokens per step (chunked prefill). */
  chunk?: number;
  /** Most requests in the system at once (simulate.ts; default: no cap). */
  concurrency?: number;
  /** ADP × EP engines: hold prompts until every rank has one (simulate.ts `balance`). */
  balance?: SimulateOptions["balance"];
  /** Relative spacing of the probed rates (default 0.02). */
  tolerance?: number;
}

/** What `capacity` and `offline` report (rates in requests/s, tokens/s of output tokens, all replicas). */
export interface CapacityResult {
  /** Highest arrival rate meeting the SLO, requests/s (0 when none does). */
  readonly rate: number;
  readonly ratePerReplica: number;
  readonly tokensPerSecond: number;
  readonly tokensPerSecondPerGpu: number;
  /** 1 ÷ median TPOT at that rate. */
  readonly tokensPerSecondPerUser: number;
  /** p99s at that rate (of lone requests when the rate is 0), s. */
  readonly ttftP99: number;
  readonly tpotP99: number;
  /** What stops a higher rate: "ttft", "tpot", "rejected", "unfinished", or "throughput" (the offline rate); null when the rate is 0. */
  readonly binding: string | null;
  /** Why the rate is 0, or null. */
  readonly reason: string | null;
  readonly slo: Slo;
  /** Simulations run. */
  readonly probes: number;
  /** The simulation at the reported rate (the offline run when the rate is 0). */
  readonly simulation: SimulationResult;
  /** The rate's and tokens/s' error band at `level` (default 0.8): two more searches (uncertainty/capacity.ts). */
  interval(level?: number): CapacityInterval;
}

/** Requests at rate 1: a trace's times scaled so that its mean rate is 1, or drawn at rate 1. */
export function unitRateRequests(w: CapacityWorkload): Request[] {
  if (w?.trace !== undefined) {
    const t = checkTrace(w.trace);
    const span = t[t.length - 1]!.time - t[0]!.time;
    if (t.length < 2 || !(span > 0)) {
      throw new SuanliError("bad-argument", "a trace for capacity() needs at least two distinct arrival times (its rate is what gets scaled); use offline() for a trace that arrives all at once", { value: span, expected: "arrivals spread over time" });
    }
    const scale = (t.length - 1) / span;
    return t.map((r) => ({ time: (r.time - t[0]!.time) * scale, prompt: r.prompt, output: r.output }));
  }
  const out = workload({ requests: 1000, ...w, rate: 1 });
  if (out.length === 0) throw new SuanliError("bad-argument", "the workload has no requests; give requests ≥ 1 or a trace", { value: w?.requests, expected: "requests ≥ 1" });
  return out;
}

function verdict(r: SimulationResult, slo: Slo): string | null {
  if (r.rejected > 0) return "rejected";
  if (r.finished < r.total) return "unfinished";
  if (r.ttft.p99 > slo.ttftP99) return "ttft";
  if (r.tpot.p99 > slo.tpotP99) return "tpot";
  return null;
}

/** Simulate `reqs` with arrival times divided by `rate` (Infinity: all at once). */
function run(e: InferenceEngine, reqs: readonly Request[], rate: number, o: CapacityOptions): SimulationResult {
  const trace = reqs.map((r) => ({ time: Number.isFinite(rate) ? r.time / rate : 0, prompt: r.prompt, output: r.output }));
  // Enough steps for every request to run alone: its tokens out plus its prefill steps.
  const per = o.chunk ?? e.state.maxTokens;
  const maxSteps = reqs.reduce((a, r) => a + r.output + Math.ceil(r.prompt / per), 1000);
  return simulate(e, { trace, policy: o.policy ?? "inflight", maxBatch: o.maxBatch ?? 256, ...(o.chunk !== undefined ? { chunk: o.chunk } : {}), ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}), ...(o.balance !== undefined ? { balance: o.balance } : {}), samples: 1, maxSteps });
}

/** p99 TTFT and TPOT of each request served alone (see the module comment), and whether its cache fits at all. */
function alone(e: InferenceEngine, reqs: readonly Request[], chunk: number | undefined, maxBatch: number): { ttft: number; tpot: number; rejected: number } {
  const c = e.compile();
  const budget = c.engine.gpu.spec.memory - c.memoryPerGpu(maxBatch, 1) + c.kvBytesPerGpu(maxBatch, 1);
  const ttft: number[] = [];
  const tpot: number[] = [];
  let rejected = 0;
  for (const r of reqs) {
    if (c.kvBytesPerGpu(1, r.prompt + r.output) > budget) {
      rejected++;
      continue;
    }
    let t = 0;
    if (chunk === undefined) t = c.prefillStep(1, r.prompt);
    else for (let done = 0; done < r.prompt; done += chunk) t += e.fullStepTime({ batch: 1, tokens: Math.min(chunk, r.prompt - done), past: done }, c.rates).total;
    ttft.push(t);
    if (r.output > 1) tpot.push(c.decodeStep(1, r.prompt + Math.ceil(r.output / 2)));
  }
  return { ttft: summarize(ttft).p99, tpot: summarize(tpot).p99, rejected };
}

function resultOf(e: InferenceEngine, rate: number, r: SimulationResult, slo: Slo, probes: number, binding: string | null, reason: string | null, p99 = { ttft: r.ttft.p99, tpot: r.tpot.p99 }): Omit<CapacityResult, "interval"> {
  // the simulation ran r.replicas replicas together (lockstep ranks), one group of dp ÷ r.replicas
  const dp = e.cluster.layout.dp / r.replicas;
  return Object.freeze({
    rate: rate * dp, ratePerReplica: rate / r.replicas,
    tokensPerSecond: rate > 0 ? r.throughput * dp : 0, tokensPerSecondPerGpu: rate > 0 ? (r.throughput * dp) / e.cluster.size : 0,
    tokensPerSecondPerUser: r.tpot.p50 > 0 ? 1 / r.tpot.p50 : 0,
    ttftP99: p99.ttft, tpotP99: p99.tpot, binding, reason, slo, probes, simulation: r,
  });
}

/**
 * Offline throughput: every request of the workload queued at t = 0 (see the module comment).
 * @example offline(e, { workload: { requests: 500, prompt: 1024, output: 256 } }).tokensPerSecond
 */
export function offline(e: InferenceEngine, o: { workload: CapacityWorkload; policy?: Policy; maxBatch?: number; chunk?: number; concurrency?: number; balance?: SimulateOptions["balance"] }): { tokensPerSecond: number; tokensPerSecondPerGpu: number; requestsPerSecond: number; simulation: SimulationResult } {
  // The same requests capacity() replays (drawn at rate 1), all queued at t = 0.
  const reqs = o?.workload?.trace !== undefined ? checkTrace(o.workload.trace) : unitRateRequests(o?.workload);
  const r = run(e, reqs, Infinity, { ...o, slo: {} });
  const dp = e.cluster.layout.dp / r.replicas;
  return Object.freeze({ tokensPerSecond: r.throughput * dp, tokensPerSecondPerGpu: (r.throughput * dp) / e.cluster.size, requestsPerSecond: r.makespan > 0 ? (r.finished * dp) / r.makespan : 0, simulation: r });
}

/**
 * The highest arrival rate meeting a p99 SLO (see the module comment).
 * @example capacity(e, { workload: { requests: 1000, prompt: { lognormal: { median: 1000, sigma: 0.6 } }, output: 256 }, slo: { ttftP99: "2 s", tpotP99: "200 ms" } }).rate
 */
export function capacity(e: InferenceEngine, o: CapacityOptions): CapacityResult {
  const r = search(e, o, readSlo(o?.slo));
  return withText({ ...r, interval: (level?: number) => capacityInterval(e, r, o.maxBatch ?? 256, (slo) => search(e, o, slo), level) }, describeCapacity);
}

/** "capacity 3.2 req/s (1,234 tok/s, 154 per GPU, 38 per user), TTFT p99 1.2 s, TPOT p99 80 ms; bound by tpot". */
function describeCapacity(r: CapacityResult): string {
  if (r.rate === 0) return `capacity 0 req/s: ${r.reason ?? "no rate meets the SLO"}`;
  return `capacity ${Number(r.rate.toPrecision(3))} req/s (${format(r.tokensPerSecond, "count")} tok/s, ${format(r.tokensPerSecondPerGpu, "count")} per GPU, ${format(r.tokensPerSecondPerUser, "count")} per user), TTFT p99 ${format(r.ttftP99, "time")}, TPOT p99 ${format(r.tpotP99, "time")}; bound by ${r.binding}`;
}

function search(e: InferenceEngine, o: CapacityOptions, slo: Slo): Omit<CapacityResult, "interval"> {
  const tol = positiveNumber(o.tolerance ?? 0.02, "tolerance");
  if (o.maxBatch !== undefined) positiveInt(o.maxBatch, "maxBatch");
  const reqs = unitRateRequests(o.workload);
  let probes = 0;
  const one = alone(e, reqs, o.chunk === undefined ? undefined : positiveInt(o.chunk, "chunk"), o.maxBatch ?? 256);
  const reason =
    one.rejected > 0 ? `${one.rejected} request(s) need more KV cache than ${e.describe()} has, at any rate`
    : one.ttft > slo.ttftP99 ? `even a lone request waits ${one.ttft.toPrecision(3)} s for its first token (p99) > the ${slo.ttftP99} s target`
    : one.tpot > slo.tpotP99 ? `even a lone request takes ${(one.tpot * 1e3).toPrecision(3)} ms per output token (p99) > the ${(slo.tpotP99 * 1e3).toPrecision(3)} ms target`
    : null;
  const off = run(e, reqs, Infinity, o);
  probes++;
  if (reason !== null) return resultOf(e, 0, off, slo, probes, null, reason, one);
  const anchor = off.makespan > 0 ? off.finished / off.makespan : 1;
  const step = 1 + tol;
  const rateAt = (i: number) => anchor * Math.pow(step, i);
  const cache = new Map<number, SimulationResult>();
  const sim = (i: number) => {
    let r = cache.get(i);
    if (!r) {
      r = run(e, reqs, rateAt(i), o);
      probes++;
      cache.set(i, r);
    }
    return r;
  };
  const pass = (i: number) => verdict(sim(i), slo) === null;
  const jump = Math.max(1, Math.round(Math.log(2) / Math.log(step)));
  // No steady stream can arrive faster than the replica serves it: the offline rate caps the search.
  if (pass(0)) return resultOf(e, anchor, sim(0), slo, probes, "throughput", null);
  let hi = 0;
  let lo = -jump;
  while (!pass(lo)) {
    hi = lo;
    lo -= jump;
    // 2^-60 × the offline rate is slower than any lone request: the lone-request check covers it
    if (lo < -60 * jump) return resultOf(e, 0, off, slo, probes, null, "no probed rate met the SLO");
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (pass(mid)) lo = mid;
    else hi = mid;
  }
  return resultOf(e, rateAt(lo), sim(lo), slo, probes, cache.has(hi) ? verdict(sim(hi), slo) : null, null);
}
