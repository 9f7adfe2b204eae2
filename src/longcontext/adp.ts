/**
 * In-flight serving on attention data parallelism × expert parallelism (ADP × EP): the ranks
 * of one expert group (lockstep.ts) each keep their own requests, batch and KV cache, and
 * every iteration costs the slowest rank's attention-side work plus the shared expert work —
 * the lockstep iteration of lockstep.ts. What the simulator does each iteration, after
 * TensorRT-LLM's PyTorch executor (tensorrt_llm/_torch/pyexecutor):
 *
 * 1. Assignment. Queued requests fill the ranks' free batch slots (a rank holds at most
 *    maxBatch, and at most the even share of all active requests, or the fullest rank's count):
 *    the new ones, longest prompt first, each go to the rank with the fewest active prompt
 *    tokens, then the fewest requests, then the lowest index (executor_request_queue.py
 *    expected_num_active_requests and _balance_requests_across_ranks, a heap over (tokens,
 *    requests, rank); tech blog 10's "sorts incoming requests by num_tokens and distributes
 *    them across ranks using round-robin"). A request stays on its rank until it finishes.
 * 2. Cache. A rank admits its requests first come, first served while their reserved cache
 *    (prompt + output, guaranteed-no-evict) fits its budget; the others wait on the rank.
 * 3. Tokens. A rank's forward pass holds at most the engine's maxTokens tokens
 *    (`.maxTokens(n)`, TensorRT-LLM's max_num_tokens), decodes included: every decode is one
 *    token; prompts follow first come, first served, whole while they fit, the first that does
 *    not fit ending the pass (a rank with nothing else takes one whole prompt), or in pieces of
 *    at most `chunk` tokens (chunked prefill); TensorRT-LLM's micro-batch scheduler
 *    (pyexecutor scheduler.py, PyMicroBatchScheduler.schedule).
 * 4. Balance (optional, `balance: { timeoutIters, batchingWaitIters }`, tech blog 10's ADP
 *    Balance; TensorRT-LLM attention_dp_config enable_balance, timeout_iters,
 *    batching_wait_iters): prompts run only in an iteration where every rank has one
 *    scheduled and a free batch slot; otherwise they wait, up to timeoutIters iterations or
 *    until some rank has no decodes (the wait counter runs in every iteration that does not
 *    find all ranks ready, prompts or not, as TensorRT-LLM's does). With batchingWaitIters,
 *    when they could all run beside decodes on every rank they wait that many more iterations
 *    to gather more prompts (py_executor.py _balance_adp_requests). Without `balance` (the default, what TensorRT-LLM
 *    does unless enable_balance is set) a rank runs its prompts as soon as they are scheduled.
 * 5. The iteration's time is lockstepStep over the ranks' parts (prefills, and the decodes as
 *    one part at their mean context, as simulate.ts prices a replica).
 *
 * `concurrency` caps the requests in the system (queued or running, all ranks), as
 * trtllm-bench --concurrency does; the others enter as requests finish. Accounting, limits and
 * results are simulate.ts's; throughput is of all the group's ranks together, and `replicas`
 * says how many ran. Cost: linear in requests × steps over the ranks' batches, as simulate.ts.
 */
import { SuanliError } from "../errors.js";
import type { InferenceEngine } from "../inference/engine.js";
import type { Step } from "../inference/ops.js";
import { lockstepStep } from "./lockstep.js";
import { FINISHED, REJECTED, RUNNING, Requests, result, Timeline, type SimulationResult } from "./simresult.js";
import type { Progress } from "./stats.js";
import type { WorkloadColumns } from "./workload.js";

/** Tech blog 10's ADP Balance: iterations a prompt may wait for every rank to have one, and extra iterations to gather more. */
export interface AdpBalance {
  readonly timeoutIters: number;
  readonly batchingWaitIters: number;
}

export interface LockstepRun {
  readonly ranks: number;
  readonly maxBatch: number;
  readonly chunk: number | undefined;
  readonly maxSteps: number;
  readonly every: number;
  readonly samples: number;
  readonly budget: number;
  readonly kv: (tokens: number) => number;
  /** The cache is linear in tokens (no sliding windows): `perToken` bytes each. */
  readonly linear: boolean;
  readonly perToken: number;
  readonly balance: AdpBalance | null;
  readonly concurrency: number;
  readonly onProgress: ((p: Progress) => void) | undefined;
}

/** Simulate in-flight serving of workload `w` on the `o.ranks` lockstep ranks of engine `e` (see the module comment). */
export function simulateLockstep(e: InferenceEngine, w: WorkloadColumns, o: LockstepRun): SimulationResult {
  const { ranks: R, maxBatch, chunk, budget, kv, balance } = o;
  const rates = e.rates();
  const q = new Requests(w.time, w.prompt, w.output);
  const { prompt, output, done, generated, status } = q;
  const need = (i: number) => kv(prompt[i]! + output[i]!);
  const st = { t: q.n ? w.time[0]! : 0, steps: 0, next: 0, finished: 0, peak: 0 };
  const queue = new Int32Array(q.n);
  let qh = 0;
  let qt = 0;
  let inSystem = 0;
  let assigned = 0; // on a rank (admitted or waiting for cache)
  let waiting = 0; // on a rank, not yet admitted
  // Per rank: its requests in arrival order, of which the first `admitted` hold cache (FCFS
  // admission keeps the admitted ones a prefix); prompts still prefilling; the decodes of the
  // next iteration and their summed past tokens; cached tokens; active prompt tokens.
  const active: number[][] = Array.from({ length: R }, () => []);
  const admitted = new Int32Array(R);
  const prefilling = new Int32Array(R);
  const decodes = new Int32Array(R);
  const pastSum = new Float64Array(R);
  const cached = new Float64Array(R);
  const reserved = new Float64Array(R);
  const ctxTokens = new Float64Array(R);
  const parts: Step[][] = Array.from({ length: R }, () => []);
  const pre: number[][] = Array.from({ length: R }, () => []);
  const tl = new Timeline(o.samples);
  const gate = { wait: 0, batching: 0 };
  let ratioSum = 0;
  const report = () => o.onProgress?.({ steps: st.steps, time: st.t, finished: st.finished, total: q.n });

  const arrive = () => {
    while (st.next < q.n && w.time[st.next]! <= st.t && inSystem < o.concurrency) {
      const i = st.next++;
      if (need(i) > budget) status[i] = REJECTED;
      else {
        queue[qt++] = i;
        inSystem++;
      }
    }
  };
  const assign = () => {
    const k = Math.min(R * maxBatch - assigned, qt - qh);
    if (k <= 0) return;
    const fresh = Array.from(queue.subarray(qh, qh + k)).sort((a, b) => prompt[b]! - prompt[a]! || a - b);
    qh += k;
    // each rank up to the even share of all active requests (or the fullest rank's count)
    let most = 0;
    for (let m = 0; m < R; m++) most = Math.max(most, active[m]!.length);
    const cap = Math.min(maxBatch, Math.max(Math.ceil((assigned + k) / R), most));
    for (const i of fresh) {
      let best = -1;
      for (let m = 0; m < R; m++) {
        if (active[m]!.length >= cap) continue;
        if (best < 0 || ctxTokens[m]! < ctxTokens[best]! || (ctxTokens[m] === ctxTokens[best] && active[m]!.length < active[best]!.length)) best = m;
      }
      active[best]!.push(i);
      ctxTokens[best]! += prompt[i]!;
    }
    assigned += k;
    waiting += k;
  };
  /** Rank m's parts of this iteration (step 3 of the module comment) into parts[m] and pre[m]. */
  const schedule = (m: number) => {
    const list = active[m]!;
    while (admitted[m]! < list.length && reserved[m]! + need(list[admitted[m]!]!) <= budget) {
      const i = list[admitted[m]!++]!;
      q.reserve[i] = need(i);
      reserved[m]! += q.reserve[i]!;
      status[i] = RUNNING;
      prefilling[m]!++;
      waiting--;
    }
    const p = parts[m]!;
    const pr = pre[m]!;
    p.length = 0;
    pr.length = 0;
    const dec = decodes[m]!;
    let left = e.state.maxTokens - dec;
    for (let k = 0; k < admitted[m]! && pr.length < 2 * prefilling[m]!; k++) {
      const i = list[k]!;
      if (done[i]! >= prompt[i]!) continue;
      const rest = prompt[i]! - done[i]!;
      const take = chunk !== undefined ? Math.min(rest, chunk, Math.max(left, 0)) : rest <= left || (pr.length === 0 && dec === 0) ? rest : 0;
      if (take <= 0) break;
      left -= take;
      pr.push(i, take);
      p.push({ batch: 1, tokens: take, past: done[i]! });
    }
    if (dec > 0) p.push({ batch: dec, tokens: 1, past: Math.round(pastSum[m]! / dec) });
  };
  /** Advance rank m's requests by the iteration that ended at st.t; returns the rank's cache in use. */
  const advance = (m: number): number => {
    const list = active[m]!;
    const pr = pre[m]!;
    for (let k = 0; k < pr.length; k += 2) {
      const i = pr[k]!;
      done[i]! += pr[k + 1]!;
      cached[m]! += pr[k + 1]!;
    }
    let dec = 0;
    let past = 0;
    let used = 0;
    let keep = 0;
    const n = admitted[m]!;
    for (let k = 0; k < list.length; k++) {
      const i = list[k]!;
      if (k < n && done[i] === prompt[i]) {
        if (generated[i] === 0) {
          generated[i] = 1;
          q.firstToken[i] = st.t;
          prefilling[m]!--;
        } else generated[i]!++;
        cached[m]!++;
        q.emit(i, st.t);
        if (generated[i]! >= output[i]!) {
          q.finish[i] = st.t;
          status[i] = FINISHED;
          st.finished++;
          inSystem--;
          assigned--;
          admitted[m]!--;
          reserved[m]! -= q.reserve[i]!;
          ctxTokens[m]! -= prompt[i]!;
          cached[m]! -= done[i]! + generated[i]!;
          continue;
        }
        dec++;
        past += prompt[i]! + generated[i]! - 1;
      }
      if (k < n && !o.linear) used += kv(done[i]! + generated[i]!);
      list[keep++] = i;
    }
    list.length = keep;
    decodes[m] = dec;
    pastSum[m] = past;
    return o.linear ? cached[m]! * o.perToken : used;
  };

  while (st.steps < o.maxSteps) {
    arrive();
    if (assigned === 0 && qt === qh) {
      if (st.next >= q.n) break;
      st.t = Math.max(st.t, w.time[st.next]!);
      continue;
    }
    assign();
    let ranksWithCtx = 0, ranksWithGen = 0, ranksFree = 0;
    for (let m = 0; m < R; m++) {
      schedule(m);
      if (pre[m]!.length > 0) ranksWithCtx++;
      if (decodes[m]! > 0) ranksWithGen++;
      if (decodes[m]! < maxBatch) ranksFree++;
    }
    if (balance !== null && hold(balance, gate, ranksFree === R && ranksWithCtx === R, ranksWithGen === R)) {
      for (let m = 0; m < R; m++) {
        if (pre[m]!.length === 0) continue;
        pre[m]!.length = 0;
        parts[m] = decodes[m]! > 0 ? [parts[m]![parts[m]!.length - 1]!] : [];
      }
    }
    const s = lockstepStep(e, parts, rates);
    if (!(s.time > 0) || !Number.isFinite(s.time)) throw new SuanliError("bad-argument", `step time ${s.time} s is not a positive finite number`, { value: s.time });
    st.t += s.time;
    st.steps++;
    ratioSum += s.balanceRatio;
    if (st.steps % o.every === 0) report();
    let kvMax = 0;
    for (let m = 0; m < R; m++) kvMax = Math.max(kvMax, advance(m));
    if (kvMax > st.peak) st.peak = kvMax;
    tl.add(st.t, kvMax, assigned - waiting, qt - qh + waiting);
  }
  report();
  return result("inflight", q, st, budget, tl, o.samples, st.steps >= o.maxSteps, { replicas: R, balanceRatio: st.steps > 0 ? ratioSum / st.steps : 1 });
}

/**
 * Whether this iteration's prompts wait (step 4 of the module comment): `ready` when every rank
 * has a prompt scheduled and a free batch slot, `allGen` when every rank has decodes.
 */
function hold(b: AdpBalance, gate: { wait: number; batching: number }, ready: boolean, allGen: boolean): boolean {
  if (ready) {
    gate.wait = 0;
    if (!allGen) return false;
    if (gate.batching < b.batchingWaitIters) {
      gate.batching++;
      return true;
    }
    gate.batching = 0;
    return false;
  }
  gate.wait++;
  if (gate.wait >= b.timeoutIters || !allGen) {
    gate.wait = 0;
    return false;
  }
  return true;
}
