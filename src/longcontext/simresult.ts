/**
 * The result of `simulate`: request accounting (arrived = finished + running + queued +
 * rejected), throughput over the makespan, TTFT / TPOT / latency percentiles (stats.ts), and a
 * down-sampled timeline of the KV cache in use, for charts.
 */
import { summarize, type Summary } from "./stats.js";
import { withText } from "../display/result.js";
import { format } from "../units.js";

export interface RequestRecord {
  readonly id: number;
  readonly arrival: number;
  readonly prompt: number;
  readonly output: number;
  /** Seconds, or null when the request did not get that far. */
  readonly firstToken: number | null;
  readonly finish: number | null;
  /** Longest wait between two of its output tokens, s (the decode stall it saw); 0 before its second token. */
  readonly maxGap: number;
  readonly status: "finished" | "running" | "queued" | "rejected";
}

export interface SimulationResult {
  readonly policy: "static" | "inflight";
  /** Requests in the workload; those not yet arrived when the run stopped are total − arrived. */
  readonly total: number;
  readonly arrived: number;
  readonly finished: number;
  readonly running: number;
  readonly queued: number;
  readonly rejected: number;
  readonly steps: number;
  /** True when the run stopped at `maxSteps` with requests unfinished (see running, queued, total − arrived). */
  readonly truncated: boolean;
  /** Last event time − first arrival, s. */
  readonly makespan: number;
  /** Output tokens of finished requests per second of makespan (of the `replicas` simulated together). */
  readonly throughput: number;
  /**
   * Replicas the run simulated together: 1, or the lockstep ranks of an attention-data-parallel
   * × expert-parallel engine (adp.ts), which share the workload.
   */
  readonly replicas: number;
  /** Mean over iterations of tech blog 10's balance ratio, mean ÷ max tokens per rank (1 for one replica). */
  readonly balanceRatio: number;
  /** Seconds from arrival to first token. */
  readonly ttft: Summary;
  /** Seconds per output token after the first. */
  readonly tpot: Summary;
  /** Seconds from arrival to the last token's return. */
  readonly latency: Summary;
  /** Each finished request's longest wait between two output tokens, s: the stalls a long prefill causes. */
  readonly stall: Summary;
  /** Cache budget and peak cache in use, bytes per GPU. */
  readonly budget: number;
  readonly peakKv: number;
  /** { time_s, kv_GiB, running, queued } rows. */
  readonly timeline: readonly { time_s: number; kv_GiB: number; running: number; queued: number }[];
  readonly requests: readonly RequestRecord[];
  /** A short summary with units. */
  toString(): string;
}

/** Status codes of the request table. */
export const QUEUED = 0, RUNNING = 1, FINISHED = 2, REJECTED = 3;
const STATUS = ["queued", "running", "finished", "rejected"] as const;

/**
 * The requests' state inside the simulation, one typed column per field (about 90 bytes a
 * request, no objects): times in s, NaN where not reached yet.
 */
export class Requests {
  readonly n: number;
  readonly done: Float64Array; // prompt tokens prefilled
  readonly generated: Float64Array;
  readonly firstToken: Float64Array;
  readonly finish: Float64Array;
  /** Time of the latest output token, and the longest gap between two. */
  readonly lastToken: Float64Array;
  readonly maxGap: Float64Array;
  readonly reserve: Float64Array;
  readonly status: Uint8Array;

  constructor(readonly time: Float64Array, readonly prompt: Float64Array, readonly output: Float64Array) {
    const n = (this.n = time.length);
    this.done = new Float64Array(n);
    this.generated = new Float64Array(n);
    this.firstToken = new Float64Array(n).fill(NaN);
    this.finish = new Float64Array(n).fill(NaN);
    this.lastToken = new Float64Array(n).fill(NaN);
    this.maxGap = new Float64Array(n);
    this.reserve = new Float64Array(n);
    this.status = new Uint8Array(n);
  }

  /** Record an output token of request `i` at time `t` (first tokens open the gap clock). */
  emit(i: number, t: number): void {
    const last = this.lastToken[i]!;
    if (last === last && t - last > this.maxGap[i]!) this.maxGap[i] = t - last;
    this.lastToken[i] = t;
  }
}

/**
 * The KV-cache timeline at bounded resolution: typed arrays of 4 × `samples` rows; when they fill,
 * every other row is dropped and the recording stride doubles, so a run of any length keeps
 * between 2 and 4 × `samples` evenly spaced steps (and always its last one).
 */
export class Timeline {
  private readonly cap: number;
  private t: Float64Array;
  private kv: Float64Array;
  private running: Float64Array;
  private queued: Float64Array;
  private n = 0;
  private stride = 1;
  private seen = 0;
  private last: [number, number, number, number] | null = null;

  constructor(samples: number) {
    this.cap = Math.max(8, 4 * samples);
    this.t = new Float64Array(this.cap);
    this.kv = new Float64Array(this.cap);
    this.running = new Float64Array(this.cap);
    this.queued = new Float64Array(this.cap);
  }

  add(t: number, kv: number, running: number, queued: number): void {
    this.last = [t, kv, running, queued];
    if (this.seen++ % this.stride !== 0) return;
    if (this.n === this.cap) {
      const half = this.cap >> 1;
      for (let i = 0; i < half; i++) {
        this.t[i] = this.t[2 * i]!;
        this.kv[i] = this.kv[2 * i]!;
        this.running[i] = this.running[2 * i]!;
        this.queued[i] = this.queued[2 * i]!;
      }
      this.n = half;
      this.stride *= 2;
      if ((this.seen - 1) % this.stride !== 0) return;
    }
    this.t[this.n] = t;
    this.kv[this.n] = kv;
    this.running[this.n] = running;
    this.queued[this.n] = queued;
    this.n++;
  }

  /** At most `samples` rows (plus the last step), evenly spaced. */
  rows(samples: number): { time_s: number; kv_GiB: number; running: number; queued: number }[] {
    const out: { time_s: number; kv_GiB: number; running: number; queued: number }[] = [];
    const stride = Math.max(1, Math.ceil(this.n / samples));
    for (let i = 0; i < this.n; i += stride) out.push(Object.freeze({ time_s: this.t[i]!, kv_GiB: this.kv[i]! / 2 ** 30, running: this.running[i]!, queued: this.queued[i]! }));
    const l = this.last;
    if (l && (out.length === 0 || out[out.length - 1]!.time_s !== l[0])) out.push(Object.freeze({ time_s: l[0], kv_GiB: l[1] / 2 ** 30, running: l[2], queued: l[3] }));
    return out;
  }
}

const orNull = (x: number) => (Number.isNaN(x) ? null : x);

export function result(policy: "static" | "inflight", q: Requests, st: { t: number; steps: number; peak: number }, budget: number, tl: Timeline, samples: number, hitLimit: boolean, group = { replicas: 1, balanceRatio: 1 }): SimulationResult {
  const counts = [0, 0, 0, 0];
  let arrived = 0;
  let queuedArrived = 0;
  let tokens = 0;
  for (let i = 0; i < q.n; i++) {
    const s = q.status[i]!;
    counts[s]!++;
    if (q.time[i]! <= st.t || s !== QUEUED) arrived++;
    if (s === QUEUED && q.time[i]! <= st.t) queuedArrived++;
    if (s === FINISHED) tokens += q.output[i]!;
  }
  const done = new Uint32Array(counts[FINISHED]!);
  for (let i = 0, k = 0; i < q.n; i++) if (q.status[i] === FINISHED) done[k++] = i;
  const of = (f: (i: number) => number, keep: (i: number) => boolean = () => true) => {
    const out: number[] = [];
    for (const i of done) if (keep(i)) out.push(f(i));
    return out;
  };
  const t0 = q.n ? q.time[0]! : 0;
  const makespan = Math.max(0, st.t - t0);
  const truncated = hitLimit && counts[QUEUED]! + counts[RUNNING]! > 0;
  let records: readonly RequestRecord[] | undefined;
  const r = {
    policy,
    total: q.n,
    arrived,
    finished: counts[FINISHED]!,
    running: counts[RUNNING]!,
    queued: queuedArrived,
    rejected: counts[REJECTED]!,
    steps: st.steps,
    truncated,
    makespan,
    throughput: makespan > 0 ? tokens / makespan : 0,
    replicas: group.replicas,
    balanceRatio: group.balanceRatio,
    ttft: summarize(of((i) => q.firstToken[i]! - q.time[i]!)),
    tpot: summarize(of((i) => (q.finish[i]! - q.firstToken[i]!) / (q.output[i]! - 1), (i) => q.output[i]! > 1)),
    latency: summarize(of((i) => q.finish[i]! - q.time[i]!)),
    stall: summarize(of((i) => q.maxGap[i]!)),
    budget,
    peakKv: st.peak,
    timeline: tl.rows(samples),
  };
  // The per-request records are built on first access (a million requests need no million objects).
  Object.defineProperty(r, "requests", {
    enumerable: true,
    get: () =>
      (records ??= Object.freeze(Array.from({ length: q.n }, (_, i) =>
        Object.freeze({ id: i, arrival: q.time[i]!, prompt: q.prompt[i]!, output: q.output[i]!, firstToken: orNull(q.firstToken[i]!), finish: orNull(q.finish[i]!), maxGap: q.maxGap[i]!, status: STATUS[q.status[i]!]! }),
      ))),
  });
  return withText(r, (x) => describeSimulation(x as unknown as SimulationResult)) as unknown as SimulationResult;
}

function describeSimulation(r: SimulationResult): string {
  const t = (x: number) => format(x, "time");
  return [
    `simulation (${r.policy === "inflight" ? "in-flight" : "static"} batching${r.replicas > 1 ? `, ${r.replicas} ranks in lockstep, balance ratio ${r.balanceRatio.toFixed(2)}` : ""}): ${r.finished} of ${r.total} requests finished${r.rejected ? `, ${r.rejected} rejected` : ""}${r.running + r.queued ? `, ${r.running} running, ${r.queued} queued` : ""}${r.truncated ? " (stopped early)" : ""}; ${format(r.throughput, "count")} output tokens/s over ${t(r.makespan)}`,
    `TTFT p50 ${t(r.ttft.p50)}, p99 ${t(r.ttft.p99)}`,
    `time per output token p50 ${t(r.tpot.p50)}, p99 ${t(r.tpot.p99)}`,
    `latency p50 ${t(r.latency.p50)}, p99 ${t(r.latency.p99)}; longest stall p99 ${t(r.stall.p99)}`,
    `peak KV cache ${format(r.peakKv, "bytes")} of ${format(r.budget, "bytes")} per GPU in ${r.steps} steps`,
  ].join("\n");
}

