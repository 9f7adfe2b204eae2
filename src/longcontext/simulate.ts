/**
 * A seeded, deterministic request-level serving simulation of one model replica, with every
 * engine step priced by the roofline (mixed.ts over inference/ops.ts). Two schedulers:
 *
 * - "static": when the engine is idle, take up to maxBatch queued requests (FCFS) whose padded
 *   cache n × (max prompt + max output) fits; prefill all padded to the longest prompt, then
 *   decode until the longest output is done. Results return when the batch ends (the batch
 *   waits for its slowest member); padding occupies cache and compute.
 * - "inflight" (iteration-level scheduling, Orca: Yu et al., OSDI 2022 §3; TensorRT-LLM
 *   in-flight batching): every step admits queued requests FCFS while fewer than maxBatch run
 *   and their cache (prompt + output, reserved at admission, TensorRT-LLM's guaranteed-no-evict
 *   policy) fits; prompts are prefilled in the same step as running decodes, with no padding;
 *   finished requests leave at once. `chunk` caps the prompt tokens per step (chunked prefill,
 *   Sarathi-Serve arXiv:2403.02310); without it a step takes whole prompts up to the engine's
 *   maxTokens (at least one).
 *
 * Cache budget per GPU = capacity − weights − workspace(maxBatch) − reserve (inference/memory.ts).
 * A request whose own cache exceeds the budget can never run: it is counted `rejected` on
 * arrival. Accounting: arrived = finished + running + queued + rejected, always. The run stops
 * when every request is done or after `maxSteps` steps (then `truncated`), so it cannot hang.
 * Decodes of one step are priced as one part at their mean context (exact for full-attention
 * layers, where attention work is linear in the context).
 *
 * An engine whose attention is data-parallel beside expert parallelism (ep > 1, pp 1: the ep ÷ tp
 * replicas of one expert group step in lockstep, lockstep.ts) runs in-flight batching as those
 * ranks together (adp.ts): each its own batch, cache and maxTokens per forward pass, the
 * iteration priced by the slowest rank, with an optional `balance` (tech blog 10's ADP Balance);
 * the result's `replicas` then says how many ranks share the workload (the static policy still
 * runs one replica). `concurrency` caps the requests in the system (queued or running), as a
 * benchmark client's concurrency does.
 *
 * Cost: linear in requests and steps. Request state lives in typed columns (simresult.ts
 * `Requests`), the queue is an index FIFO, the engine's rates are computed once, the cache in
 * use is a running sum (caches without sliding windows), and the timeline is kept at bounded
 * resolution (`Timeline`); 10^6 requests take seconds and about 250 MB.
 */
import { SuanliError, show } from "../errors.js";
import type { InferenceEngine } from "../inference/engine.js";
import { kvCacheBytes, memoryParts } from "../inference/memory.js";
import type { Step } from "../inference/ops.js";
import { nonNegativeInt, oneOf, positiveInt } from "../validate.js";
import { simulateLockstep, type AdpBalance } from "./adp.js";
import { lockstepRanks } from "./lockstep.js";
import { mixedStep } from "./mixed.js";
import type { Progress } from "./stats.js";
import { FINISHED, REJECTED, RUNNING, Requests, result, Timeline, type SimulationResult } from "./simresult.js";
import { checkKeys } from "../validate.js";
import { workloadColumns, type WorkloadOptions } from "./workload.js";

export type Policy = "static" | "inflight";
export type { SimulationResult, RequestRecord } from "./simresult.js";

export interface SimulateOptions extends WorkloadOptions {
  policy?: Policy;
  /** Most sequences in flight (default 256). */
  maxBatch?: number;
  /** Prompt tokens per step (chunked prefill), in-flight only. */
  chunk?: number;
  /** Most requests in the system at once, queued or running (default: no cap); the rest enter as requests finish. */
  concurrency?: number;
  /** ADP × EP engines only: hold prompts until every rank has one (adp.ts; tech blog 10's timeout_iters, batching_wait_iters). */
  balance?: { timeoutIters: number; batchingWaitIters?: number };
  /** Stop after this many engine steps (default 10,000,000); the result then says `truncated`. */
  maxSteps?: number;
  /** Called every `progressEvery` steps (default 500) and at the end. */
  onProgress?: (p: Progress) => void;
  progressEvery?: number;
  /** Timeline rows kept for charts (default 400). */
  samples?: number;
}

/** The option names `simulate` accepts. */
export const SIMULATE_KEYS = ["policy", "maxBatch", "chunk", "maxSteps", "concurrency", "balance", "onProgress", "progressEvery", "samples", "requests", "rate", "prompt", "output", "seed", "trace"] as const;

/**
 * Simulate serving a workload on engine `e` (one replica; see the module comment).
 * @example simulate(e, { policy: "inflight", requests: 200, rate: 1, prompt: { uniform: [1000, 8000] }, output: 256, seed: 1 })
 */
export function simulate(e: InferenceEngine, o: SimulateOptions = {}): SimulationResult {
  const policy = oneOf(o.policy ?? "inflight", ["static", "inflight"] as const, "policy");
  const maxBatch = positiveInt(o.maxBatch ?? 256, "maxBatch");
  checkKeys(o, SIMULATE_KEYS, "simulate");
  const maxSteps = positiveInt(o.maxSteps ?? 10_000_000, "maxSteps");
  const chunk = o.chunk === undefined ? undefined : positiveInt(o.chunk, "chunk");
  const every = positiveInt(o.progressEvery ?? 500, "progressEvery");
  const samples = positiveInt(o.samples ?? 400, "samples");
  const concurrency = o.concurrency === undefined ? Infinity : positiveInt(o.concurrency, "concurrency");
  const ranks = lockstepRanks(e);
  const balance = readBalance(o.balance, ranks);
  const w = workloadColumns(o);
  const dt = e.state.dtypes;
  const p = memoryParts(e.shard, dt, maxBatch, 0, e.gpu.spec.memory, e.state.reserve, e.state.maxTokens);
  const budget = p.capacity - p.weights - p.activations - p.reserve;
  if (budget <= 0) {
    throw new SuanliError("does-not-fit", `${e.describe()}: weights, workspace and reserve leave no room for a KV cache (maxBatch ${maxBatch}); no request can ever run`, { value: budget, expected: "more GPUs, smaller dtypes or a smaller maxBatch" });
  }
  const kv = (tokens: number) => kvCacheBytes(e.shard, dt, 1, tokens);
  // Without sliding windows the cache is linear in tokens: keep the running sum of tokens.
  const linear = e.shard.groups.every((g) => g.window === null);
  const perToken = kv(1);
  const rates = e.rates();
  const q = new Requests(w.time, w.prompt, w.output);
  const { prompt, output, done, generated, status } = q;
  if (policy === "inflight" && ranks > 1) {
    return simulateLockstep(e, w, { ranks, maxBatch, chunk, maxSteps, every, samples, budget, kv, linear, perToken, balance, concurrency, onProgress: o.onProgress });
  }
  const need = (i: number) => kv(prompt[i]! + output[i]!);
  const st = { t: q.n ? w.time[0]! : 0, steps: 0, next: 0, finished: 0, peak: 0 };
  // FIFO of request indices: each request is queued at most once, so head and tail only advance.
  const queue = new Int32Array(q.n);
  let qh = 0;
  let qt = 0;
  const queued = () => qt - qh;
  const tl = new Timeline(samples);
  const report = () => o.onProgress?.({ steps: st.steps, time: st.t, finished: st.finished, total: q.n });

  let rejected = 0;
  const arrive = () => {
    while (st.next < q.n && w.time[st.next]! <= st.t && st.next - rejected - st.finished < concurrency) {
      const i = st.next++;
      if (need(i) > budget) {
        status[i] = REJECTED;
        rejected++;
      } else queue[qt++] = i;
    }
  };
  const record = (running: number, used: number) => {
    if (used > st.peak) st.peak = used;
    tl.add(st.t, used, running, queued());
  };
  const tick = (parts: Step[]) => {
    const d = mixedStep(e, parts, rates).time;
    if (!(d > 0) || !Number.isFinite(d)) throw new SuanliError("bad-argument", `step time ${d} s is not a positive finite number`, { value: d });
    st.t += d;
    st.steps++;
    if (st.steps % every === 0) report();
  };

  if (policy === "inflight") {
    const running: number[] = [];
    let reserved = 0;
    let tokens = 0; // Σ cached tokens of running requests (linear caches)
    const pre: number[] = []; // [request, tokens taken] pairs of this step's prefills
    while (st.steps < maxSteps) {
      arrive();
      if (running.length === 0 && queued() === 0) {
        if (st.next >= q.n) break;
        st.t = Math.max(st.t, w.time[st.next]!);
        continue;
      }
      while (queued() && running.length < maxBatch && reserved + need(queue[qh]!) <= budget) {
        const i = queue[qh++]!;
        q.reserve[i] = need(i);
        reserved += q.reserve[i]!;
        status[i] = RUNNING;
        running.push(i);
      }
      const parts: Step[] = [];
      let left = chunk ?? e.state.maxTokens;
      pre.length = 0;
      let nDec = 0;
      let pastSum = 0;
      for (const i of running) {
        if (done[i]! < prompt[i]!) {
          const rest = prompt[i]! - done[i]!;
          const take = chunk !== undefined ? Math.min(rest, left) : rest <= left || pre.length === 0 ? rest : 0;
          if (take <= 0) continue;
          left -= take;
          pre.push(i, take);
          parts.push({ batch: 1, tokens: take, past: done[i]! });
        } else {
          nDec++;
          pastSum += prompt[i]! + generated[i]! - 1;
        }
      }
      if (nDec > 0) parts.push({ batch: nDec, tokens: 1, past: Math.round(pastSum / nDec) });
      tick(parts);
      let used = 0;
      for (let k = 0; k < pre.length; k += 2) {
        const i = pre[k]!;
        done[i]! += pre[k + 1]!;
        tokens += pre[k + 1]!;
        if (done[i] === prompt[i]) {
          generated[i] = 1;
          tokens++;
          q.firstToken[i] = st.t;
          q.emit(i, st.t);
        }
      }
      for (const i of running) {
        if (done[i] === prompt[i] && q.firstToken[i] !== st.t) {
          generated[i]!++;
          tokens++;
          q.emit(i, st.t);
        }
      }
      for (let k = running.length - 1; k >= 0; k--) {
        const i = running[k]!;
        if (done[i] === prompt[i] && generated[i]! >= output[i]!) {
          q.finish[i] = st.t;
          status[i] = FINISHED;
          st.finished++;
          reserved -= q.reserve[i]!;
          tokens -= done[i]! + generated[i]!;
          running.splice(k, 1);
        }
      }
      if (linear) used = tokens * perToken;
      else for (const i of running) used += kv(done[i]! + generated[i]!);
      record(running.length, used);
    }
  } else {
    const batch: number[] = [];
    while (st.steps < maxSteps) {
      arrive();
      if (queued() === 0) {
        if (st.next >= q.n) break;
        st.t = Math.max(st.t, w.time[st.next]!);
        continue;
      }
      batch.length = 0;
      let P = 0;
      let O = 0;
      while (queued() && batch.length < maxBatch) {
        const i = queue[qh]!;
        const p2 = Math.max(P, prompt[i]!);
        const o2 = Math.max(O, output[i]!);
        if (batch.length > 0 && (batch.length + 1) * kv(p2 + o2) > budget) break;
        batch.push(queue[qh++]!);
        P = p2;
        O = o2;
      }
      const n = batch.length;
      for (const i of batch) status[i] = RUNNING;
      tick([{ batch: n, tokens: P, past: 0 }]);
      for (const i of batch) {
        done[i] = prompt[i]!;
        generated[i] = 1;
        q.firstToken[i] = st.t;
        q.emit(i, st.t);
      }
      record(n, n * kv(P + 1));
      for (let k = 1; k < O && st.steps < maxSteps; k++) {
        tick([{ batch: n, tokens: 1, past: P + k - 1 }]);
        for (const i of batch) {
          if (generated[i]! < output[i]!) {
            generated[i]!++;
            q.emit(i, st.t);
          }
        }
        record(n, n * kv(P + k + 1));
        arrive();
      }
      if (batch.every((i) => generated[i]! >= output[i]!)) {
        for (const i of batch) {
          q.finish[i] = st.t;
          status[i] = FINISHED;
          st.finished++;
        }
      }
    }
  }
  report();
  return result(policy, q, st, budget, tl, samples, st.steps >= maxSteps);
}

/** The `balance` option checked: null when absent; refused on an engine without lockstep ranks. */
function readBalance(b: SimulateOptions["balance"], ranks: number): AdpBalance | null {
  if (b === undefined) return null;
  if (ranks === 1) {
    throw new SuanliError("bad-argument", "balance: only an engine whose attention is data-parallel beside expert parallelism (ep > 1, pp 1) has ranks to balance; this engine steps one replica", { value: b, expected: "no balance, or an engine on .ep(k)" });
  }
  if (b === null || typeof b !== "object") throw new SuanliError("bad-argument", `balance must be { timeoutIters, batchingWaitIters? }, got ${show(b)}`, { value: b, expected: "{ timeoutIters: 50, batchingWaitIters: 10 }" });
  checkKeys(b, ["timeoutIters", "batchingWaitIters"], "balance");
  return { timeoutIters: positiveInt(b.timeoutIters, "balance.timeoutIters"), batchingWaitIters: nonNegativeInt(b.batchingWaitIters ?? 0, "balance.batchingWaitIters") };
}

/** Both schedulers on the same workload: { static, inflight }. */
export function compareBatching(e: InferenceEngine, o: Omit<SimulateOptions, "policy"> = {}): { static: SimulationResult; inflight: SimulationResult } {
  return { static: simulate(e, { ...o, policy: "static" }), inflight: simulate(e, { ...o, policy: "inflight" }) };
}
