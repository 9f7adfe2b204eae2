/**
 * The result of `simulate`: request accounting (arrived = finished + running + queued +
 * rejected), throughput over the makespan, TTFT / TPOT / latency percentiles (stats.ts), and a
 * down-sampled timeline of the KV cache in use, for charts.
 */
import type { Request } from "./workload.js";
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
  /** A short summary with units. */
  toString(): string;
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

export function result(policy: "static" | "inflight", live: Live[], st: { t: number; steps: number; peak: number }, budget: number, tl: { t: number; kv: number; running: number; queued: number }[], samples: number, truncated: boolean): SimulationResult {
  const count = (s: Live["status"]) => live.filter((r) => r.status === s).length;
  const done = live.filter((r) => r.status === "finished");
  const t0 = live.length ? live[0]!.req.time : 0;
  const makespan = Math.max(0, st.t - t0);
  const tokens = done.reduce((a, r) => a + r.req.output, 0);
  const stride = Math.max(1, Math.ceil(tl.length / samples));
  const timeline = tl.filter((_, i) => i % stride === 0 || i === tl.length - 1).map((x) => Object.freeze({ time_s: x.t, kv_GiB: x.kv / 2 ** 30, running: x.running, queued: x.queued }));
  return withText({
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
  }, describeSimulation);
}

function describeSimulation(r: SimulationResult): string {
  const t = (x: number) => format(x, "time");
  return [
    `simulation (${r.policy === "inflight" ? "in-flight" : "static"} batching): ${r.finished} of ${r.total} requests finished${r.rejected ? `, ${r.rejected} rejected` : ""}${r.running + r.queued ? `, ${r.running} running, ${r.queued} queued` : ""}${r.truncated ? " (stopped early)" : ""}; ${format(r.throughput, "count")} output tokens/s over ${t(r.makespan)}`,
    `TTFT p50 ${t(r.ttft.p50)}, p99 ${t(r.ttft.p99)}`,
    `time per output token p50 ${t(r.tpot.p50)}, p99 ${t(r.tpot.p99)}`,
    `latency p50 ${t(r.latency.p50)}, p99 ${t(r.latency.p99)}; longest stall p99 ${t(r.stall.p99)}`,
    `peak KV cache ${format(r.peakKv, "bytes")} of ${format(r.budget, "bytes")} per GPU in ${r.steps} steps`,
  ].join("\n");
}
