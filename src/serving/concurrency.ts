/**
 * `concurrency(engine, { clients, prompt, output, requests })` — online serving at a fixed
 * client concurrency: C clients each send a request, wait for its last token and send the next
 * at once (a closed loop with no think time), as vLLM's and SGLang's `benchmark_serving
 * --max-concurrency C` and SemiAnalysis' InferenceMAX measure it. Reports output tokens/s (all
 * replicas, per GPU), tokens/s per user (1 ÷ median TPOT, InferenceMAX's "interactivity") and
 * TTFT / TPOT percentiles.
 *
 * The closed loop is the Offline run with maxBatch = C per replica (capacity.ts `offline`):
 * every request is queued at t = 0, at most C run, and the step after one finishes the queue's
 * head takes its place — exactly when a client would have sent it. So the simulation is
 * `offline(e, { workload: { trace }, maxBatch: C / dp })` over the drawn requests; only TTFT
 * differs: a client starts its clock when it sends, so request j ≥ C is timed from the
 * (j − C + 1)-th finish of the run, the first C from t = 0. C clients are spread evenly over
 * the engine's data-parallel replicas (C must be a multiple of them).
 *
 * Throughput is output tokens over the makespan (first send to last token), as benchmark_serving
 * computes it, so the ramp-down of the last requests counts. `requests` defaults to 10 × C,
 * InferenceMAX's `--num-prompts`.
 */
import type { ColumnTable } from "arquero";
import { SuanliError, show } from "../errors.js";
import { withText } from "../display/result.js";
import { format } from "../units.js";
import { arquero } from "../util/lazy.js";
import type { InferenceEngine } from "../inference/engine.js";
import type { Policy, SimulationResult } from "../longcontext/simulate.js";
import { workload, type LengthDist } from "../longcontext/workload.js";
import { summarize, type Summary } from "../longcontext/stats.js";
import { checkKeys, positiveInt } from "../validate.js";
import { offline } from "./capacity.js";
import { lockstepRanks } from "../longcontext/lockstep.js";
import { MAX_REQUESTS } from "../longcontext/workload.js";

export interface ConcurrencyOptions {
  /** Clients in the closed loop, all replicas together. */
  clients: number;
  /** Prompt and output lengths (default 1024 and 256 tokens). */
  prompt?: LengthDist;
  output?: LengthDist;
  /** Requests sent in all (default 10 × clients). */
  requests?: number;
  /** Seed of the length draws (default 1). */
  seed?: number;
  policy?: Policy;
  /** Prompt tokens per step (chunked prefill). */
  chunk?: number;
}

const KEYS = ["clients", "prompt", "output", "requests", "seed", "policy", "chunk"] as const;

export interface ConcurrencyResult {
  readonly clients: number;
  readonly requests: number;
  /** Output tokens/s, all replicas. */
  readonly tokensPerSecond: number;
  readonly tokensPerSecondPerGpu: number;
  /** 1 ÷ median TPOT. */
  readonly tokensPerSecondPerUser: number;
  readonly requestsPerSecond: number;
  /** Seconds from a client's send to its first token. */
  readonly ttft: Summary;
  /** Seconds per output token after the first. */
  readonly tpot: Summary;
  /** The Offline run of one replica (of the lockstep ranks together, attention-DP × EP) with maxBatch = clients per replica. */
  readonly simulation: SimulationResult;
}

/**
 * Serving at a fixed number of clients (see the module comment).
 * @example concurrency(model("llama3.1-8b").on(gpu("H100")), { clients: 16, prompt: 1024, output: 1024 }).tokensPerSecondPerUser
 */
export function concurrency(e: InferenceEngine, o: ConcurrencyOptions): ConcurrencyResult {
  if (e === null || typeof e !== "object" || !("fullStepTime" in e)) {
    throw new SuanliError("bad-argument", `concurrency(engine, options) takes an engine (model(…).on(cluster(…))), got ${show(e)}`, { value: e, expected: "an InferenceEngine" });
  }
  checkKeys(o, KEYS, "concurrency");
  const clients = positiveInt(o?.clients, "clients");
  const dp = e.cluster.layout.dp;
  if (clients % dp !== 0) {
    throw new SuanliError("bad-argument", `clients must be a multiple of the ${dp} data-parallel replicas of ${e.describe()}, got ${show(clients)}`, { value: clients, expected: `a multiple of ${dp}` });
  }
  const per = clients / dp;
  const requests = positiveInt(o.requests ?? 10 * clients, "requests");
  if (requests > MAX_REQUESTS) {
    throw new SuanliError("bad-argument", `${o.requests === undefined ? `clients ${clients} × 10` : `requests ${requests}`} = ${requests.toLocaleString("en-US")} requests is more than the ${MAX_REQUESTS.toLocaleString("en-US")} a simulated workload holds; give fewer clients or requests`, { value: o.requests ?? clients, expected: `requests ≤ ${MAX_REQUESTS}` });
  }
  if (o.output === 1) {
    throw new SuanliError("bad-argument", `output 1 leaves no time per output token after the first, so tokens/s per user is undefined; give output ≥ 2`, { value: o.output, expected: "output ≥ 2" });
  }
  if (requests < clients) {
    throw new SuanliError("bad-argument", `requests ${requests} is fewer than the ${clients} clients: at most ${requests} would ever be in flight, so the run would not measure ${clients} clients`, { value: requests, expected: `requests ≥ ${clients} (default 10 × clients)` });
  }
  if (requests % dp !== 0) {
    throw new SuanliError("bad-argument", `requests must be a multiple of the ${dp} data-parallel replicas of ${e.describe()}, got ${show(requests)}`, { value: requests, expected: `a multiple of ${dp}` });
  }
  // one simulation runs `lanes` replicas together (attention-DP ranks in lockstep), the rest are copies
  const lanes = lockstepRanks(e);
  const trace = workload({ requests: (requests / dp) * lanes, prompt: o.prompt ?? 1024, output: o.output ?? 256, ...(o.seed !== undefined ? { seed: o.seed } : {}) });
  const off = offline(e, { workload: { trace }, maxBatch: per, ...(o.policy !== undefined ? { policy: o.policy } : {}), ...(o.chunk !== undefined ? { chunk: o.chunk } : {}) });
  const sim = off.simulation;
  if (sim.rejected > 0) {
    throw new SuanliError("does-not-fit", `${sim.rejected} request(s) need more KV cache than ${e.describe()} has with ${per} clients per replica`, { value: sim.rejected, expected: "shorter prompts and outputs, fewer clients, or more GPUs" });
  }
  return withText(
    {
      clients, requests,
      tokensPerSecond: off.tokensPerSecond, tokensPerSecondPerGpu: off.tokensPerSecondPerGpu,
      tokensPerSecondPerUser: sim.tpot.p50 > 0 ? 1 / sim.tpot.p50 : 0,
      requestsPerSecond: off.requestsPerSecond,
      ttft: summarize(closedLoopTtft(sim, per * lanes)), tpot: sim.tpot, simulation: sim,
    },
    describe,
  );
}

/**
 * Each finished request's TTFT from its client's send: request j < C is sent at t = 0, request
 * j ≥ C when the (j − C + 1)-th request of the run finishes (the queue is FCFS).
 */
export function closedLoopTtft(sim: SimulationResult, clients: number): number[] {
  const reqs = sim.requests;
  const finishes = reqs.flatMap((r) => (r.finish === null ? [] : [r.finish])).sort((a, b) => a - b);
  const out: number[] = [];
  for (const r of reqs) {
    if (r.status !== "finished" || r.firstToken === null) continue;
    const sent = r.id < clients ? 0 : finishes[r.id - clients]!;
    out.push(r.firstToken - sent);
  }
  return out;
}

/** "16 clients: 2,345 tok/s (293 per GPU, 52 per user), TTFT p50 …, TPOT p50 …". */
function describe(r: ConcurrencyResult): string {
  const t = (x: number) => format(x, "time");
  return [
    `${r.clients} clients: ${format(r.tokensPerSecond, "count")} output tok/s (${format(r.tokensPerSecondPerGpu, "count")} per GPU, ${format(r.tokensPerSecondPerUser, "count")} per user), ${r.requestsPerSecond.toPrecision(3)} req/s`,
    `TTFT p50 ${t(r.ttft.p50)}, p99 ${t(r.ttft.p99)}`,
    `time per output token p50 ${t(r.tpot.p50)}, p99 ${t(r.tpot.p99)}`,
  ].join("\n");
}

/** One row of `concurrencySweep`'s table. */
export interface ConcurrencyRow {
  clients: number;
  throughput_tokens_s: number;
  tokens_s_per_gpu: number;
  tokens_s_per_user: number;
  ttft_p50_s: number;
  ttft_p99_s: number;
  tpot_p50_ms: number;
  tpot_p99_ms: number;
}

/**
 * `concurrency` at each number of clients: the curve of tokens/s per GPU against tokens/s per
 * user, as an arquero table `chart.frontier` draws (x "tpot_p50_ms", y "tokens_s_per_gpu",
 * label "clients"). Each point draws its own 10 × C requests unless `requests` is given.
 * @example chart.frontier(concurrencySweep(e, { clients: [1, 4, 16, 64], prompt: 1024, output: 1024 }), { x: "tpot_p50_ms", y: "tokens_s_per_gpu", label: "clients" })
 */
export function concurrencySweep(e: InferenceEngine, o: Omit<ConcurrencyOptions, "clients"> & { clients: readonly number[] }): ColumnTable {
  const list = o?.clients;
  if (!Array.isArray(list) || list.length === 0) {
    throw new SuanliError("bad-argument", `concurrencySweep: clients must be a non-empty list of client counts, got ${show(list)}`, { value: list, expected: "e.g. [1, 4, 16, 64]" });
  }
  const rows: ConcurrencyRow[] = list.map((c, i) => {
    positiveInt(c, `clients[${i}]`);
    const r = concurrency(e, { ...o, clients: c });
    return {
      clients: c, throughput_tokens_s: r.tokensPerSecond, tokens_s_per_gpu: r.tokensPerSecondPerGpu, tokens_s_per_user: r.tokensPerSecondPerUser,
      ttft_p50_s: r.ttft.p50, ttft_p99_s: r.ttft.p99, tpot_p50_ms: r.tpot.p50 * 1e3, tpot_p99_ms: r.tpot.p99 * 1e3,
    };
  });
  return arquero().from(rows);
}
