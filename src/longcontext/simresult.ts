/**
 * The result of `simulate`: request accounting (arrived = finished + running + queued +
 * rejected), throughput over the makespan, TTFT / TPOT / latency percentiles (stats.ts), and a
 * down-sampled timeline of the KV cache in use, for charts.
 */
import type { Request } from "./workload.js";
import { summarize, type Summary } from "./stats.js";

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
  /** Output tokens of finished requests per second of makespan (one replica). */
  readonly throughput: number;
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
}

/** A request's state inside the simulation. */
export interface Live {
  id: number;
  req: Request;
  done: number; // prompt tokens prefilled
  generated: number;
  firstToken: number | null;
  finish: number | null;
  /** Time of its latest output token, and the longest gap between two. */
  lastToken: number | null;
  maxGap: number;
  status: RequestRecord["status"];
  reserve: number;
}

/** Record an output token of `r` at time `t` (first tokens open the gap clock). */
export function emitToken(r: Live, t: number): void {
  if (r.lastToken !== null) r.maxGap = Math.max(r.maxGap, t - r.lastToken);
  r.lastToken = t;
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

export function result(policy: "static" | "inflight", live: Live[], st: { t: number; steps: number; peak: number }, budget: number, tl: Timeline, samples: number, hitLimit: boolean): SimulationResult {
  const count = (s: Live["status"]) => live.filter((r) => r.status === s).length;
  const done = live.filter((r) => r.status === "finished");
  const t0 = live.length ? live[0]!.req.time : 0;
  const makespan = Math.max(0, st.t - t0);
  const tokens = done.reduce((a, r) => a + r.req.output, 0);
  const timeline = tl.rows(samples);
  const truncated = hitLimit && live.some((r) => r.status !== "finished" && r.status !== "rejected");
  return Object.freeze({
    policy,
    total: live.length,
    arrived: live.filter((r) => r.req.time <= st.t || r.status !== "queued").length,
    finished: done.length,
    running: count("running"),
    queued: live.filter((r) => r.status === "queued" && r.req.time <= st.t).length,
    rejected: count("rejected"),
    steps: st.steps,
    truncated,
    makespan,
    throughput: makespan > 0 ? tokens / makespan : 0,
    ttft: summarize(done.map((r) => r.firstToken! - r.req.time)),
    tpot: summarize(done.filter((r) => r.req.output > 1).map((r) => (r.finish! - r.firstToken!) / (r.req.output - 1))),
    latency: summarize(done.map((r) => r.finish! - r.req.time)),
    stall: summarize(done.map((r) => r.maxGap)),
    budget,
    peakKv: st.peak,
    timeline,
    requests: live.map((r) => Object.freeze({ id: r.id, arrival: r.req.time, prompt: r.req.prompt, output: r.req.output, firstToken: r.firstToken, finish: r.finish, maxGap: r.maxGap, status: r.status })),
  });
}

