/**
 * One iteration of attention data parallelism beside expert parallelism (ADP × EP): the
 * ranks of one expert-parallel group each run attention on their own sequences (tp-split
 * within a rank, data-parallel across ranks), and every MoE layer's all-to-all joins them,
 * so they step in lockstep. Each rank's work splits in two:
 *
 *   rank side    qkv, attention, attn out, router, norms, LM head, the all-to-alls: its own
 *                tokens (decodes and any prefill chunk), priced per rank (mixed.ts)
 *   expert side  the grouped expert GEMMs: every GPU runs the tokens all ranks routed to its
 *                E/ep experts, so each sees the ranks' mean work (Σ_m N_m ÷ ranks tokens × k)
 *
 *   t_iteration = max_m ( rank side(m) + expert side(mean over ranks) )
 *
 * (TensorRT-LLM tech blog 10, "ADP Balance Strategy", Mathematical Modeling: the attention
 * time of an iteration is the maximum over the DP ranks' times; DeepSeek-V3, arXiv:2412.19437
 * §3.4, for the dispatch/combine that synchronise the ranks every MoE layer). The all-to-all
 * stays on the rank side: a rank's dispatch sends its own N_m·k tokens, and the collective ends
 * with its busiest member. A rank with no work runs the weights-only forward (TensorRT-LLM
 * pads an idle attention-DP rank with a dummy request). The shared experts, fused into the
 * experts operator (inference/ops.ts), ride on the expert side at the mean.
 *
 * With every rank given the same parts the iteration equals mixedStep of those parts: the
 * mean of equal ranks is each rank.
 *
 * `balanceRatio` is blog 10's avg ÷ max tokens per rank of the iteration (1 when balanced).
 */
import type { InferenceEngine } from "../inference/engine.js";
import type { Step } from "../inference/ops.js";
import type { Rates } from "../inference/roofline.js";
import { priceWork, stepWork, type MixedStep, type StepWork } from "./mixed.js";

/** A lockstep iteration: its time (the slowest rank's), that rank, and the ranks' token balance. */
export interface LockstepStep extends MixedStep {
  /** Index of the slowest rank. */
  readonly slowest: number;
  /** Mean ÷ max tokens per rank (1 when every rank runs as many tokens; 1 for an empty step). */
  readonly balanceRatio: number;
}

/**
 * Ranks that step in lockstep on engine `e`: the attention-data-parallel replicas one expert
 * group spans, ep ÷ tp, when the engine has expert parallelism and no pipeline stages; else 1
 * (each replica steps on its own).
 * @example lockstepRanks(model("deepseek-r1").on(cluster(gpu("B200").fp4(), 8).ep(8)))   // returns 8
 */
export function lockstepRanks(e: InferenceEngine): number {
  const s = e.shard;
  return s.ep > 1 && s.pp === 1 ? s.ep / s.tp : 1;
}

/**
 * Time of one lockstep iteration where rank m runs `ranks[m]` (see the module comment); an
 * iteration where no rank has work costs 0.
 * @example lockstepStep(e, [[{ batch: 1, tokens: 1024, past: 0 }, decodePart(895, 2048)], [decodePart(896, 2048)]]).time
 */
export function lockstepStep(e: InferenceEngine, ranks: readonly (readonly Step[])[], r: Rates = e.rates()): LockstepStep {
  let work: StepWork[] = ranks.map((parts) => stepWork(e, parts, r));
  let sum = 0;
  let max = 0;
  for (const parts of ranks) {
    let n = 0;
    for (const p of parts) if (p.batch > 0 && p.tokens > 0) n += p.batch * p.tokens;
    sum += n;
    if (n > max) max = n;
  }
  if (work.every((w) => w.live === 0)) return { time: 0, attention: 0, link: 0, flops: 0, bytes: 0, slowest: 0, balanceRatio: 1 };
  // two micro-batches run on every rank once one rank splits (a rank's empty half runs the weights alone)
  if (work.some((w) => w.halves) && !work.every((w) => w.halves)) work = ranks.map((parts) => stepWork(e, parts, r, true));
  if (e.shard.ep > 1) {
    shareExperts(work);
    if (work[0]!.halves) for (const h of [0, 1]) shareExperts(work.map((w) => w.halves![h]!));
  }
  let best: MixedStep | null = null;
  let slowest = 0;
  work.forEach((w, m) => {
    const t = priceWork(e, w, r);
    if (best === null || t.time > best.time) {
      best = t;
      slowest = m;
    }
  });
  return { ...best!, slowest, balanceRatio: max > 0 ? sum / ranks.length / max : 1 };
}

/** Give every rank the mean of the ranks' expert-GEMM work (the grouped operators; see the module comment). */
function shareExperts(work: StepWork[]): void {
  const n = work.length;
  const ops = work[0]!.ops;
  for (let j = 0; j < ops.length; j++) {
    if (ops[j]!.cls !== "grouped") continue;
    let flops = 0, bytes = 0, rows = 0, elements = 0;
    for (const w of work) {
      const s = w.ops[j]!;
      flops += s.flops;
      bytes += s.bytes;
      rows += s.rows;
      elements += s.elements;
    }
    for (const w of work) Object.assign(w.ops[j]!, { flops: flops / n, bytes: bytes / n, rows: rows / n, elements: elements / n });
  }
}
