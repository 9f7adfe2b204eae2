/**
 * Time of one optimizer step on a cluster, in plain seconds and bytes (the fast path).
 *
 *   t_mb      = t_gemm + t_attention + t_memory                         one micro-batch on one stage
 *   t_gemm    = max(matmul FLOPs × s·b ÷ (tp·pp) ÷ (η × peak),            roofline of the matmuls: the
 *                   weight bytes read and gradient bytes accumulated ÷ (η_mem × HBM))   weights are read
 *               by the forward (again with full recomputation) and the data-gradient GEMM, and the
 *               weight-gradient GEMM reads and writes the accumulated gradient: bound only at small s·b
 *   t_attention = attention-core FLOPs × s·b ÷ (tp·pp) ÷ (η × attention peak)
 *               (fp8: matmuls at the FP8 peak, the attention core at the bf16 peak, as
 *               Transformer Engine runs FlashAttention in bf16)
 *   t_memory  = (norms, activations, residuals, unfused softmax, FP8 casts) bytes ÷ (η_mem × HBM)
 *               (traffic.ts): the part that does not speed up with the tensor cores
 *   η         = the matmuls' fraction of the dense peak: options.efficiency, else the default for
 *               the GPU's architecture and precision (efficiency.ts, datasets/training-efficiency.json)
 *   compute   = m × t_mb                                                m micro-batches per step
 *   optimizer = (weight casts + optimizer update) bytes ÷ (η_mem × HBM)  once per step (traffic.ts)
 *   bubble    = (p − 1)/v × t_mb        fraction (p−1)/(v·m) of compute (Narayanan et al. 2021 §2.2)
 *   TP        = m × layers × (4, or 6 with full recompute) ring all-reduces of s·b·h·2 B
 *               (2 forward + 2 backward per layer, Shoeybi et al. 2019 §3; with sequence
 *               parallelism all-gather + reduce-scatter move the same bytes, Korthikanti §4.2.2);
 *               on the critical path, so exposed
 *   PP        = 2·v·m point-to-point sends of s·b·h·2/t B (scatter-gather, Narayanan §4.1)
 *   DP        = gradients over the dp ring (ZeRO, Rajbhandari et al. 2020 §7):
 *               ZeRO-0: all-reduce of the gradients once per step;
 *               ZeRO-1: reduce-scatter gradients + all-gather weights once per step;
 *               ZeRO-2: reduce-scatter every micro-batch (the full gradient is never held),
 *                       all-gather weights once per step;
 *               ZeRO-3: all-gather weights twice (forward, backward) and reduce-scatter
 *                       gradients every micro-batch (1.5× ZeRO-0's volume at m = 1).
 *               Per-step collectives overlap the backward of the last micro-batch (⅔ t_mb);
 *               per-micro-batch ones overlap that micro-batch (ZeRO-3: all of t_mb, ZeRO-2: ⅔).
 *   EP        = m × MoE layers per stage × (dispatch + combine forward, their gradients backward,
 *               dispatch + combine again with full recompute) all-to-alls over the ep GPUs of an
 *               expert group, each of (s·b/tp) × k × h × bytes × imbalance per GPU — the dispatch
 *               forward in FP8 (1 B) under the DeepSeek-V3 recipe (arXiv:2412.19437 §3.3.3), else
 *               activation bytes — priced over NVLink inside a node and the network across
 *               (hardware/alltoall.ts); when the model's routing groups fall one to a node
 *               (DeepSeek: 256 experts in 8 groups, ep 64 over 8 nodes) and a token picks
 *               topk_group of them, it crosses the network once per chosen remote node,
 *               topk_group × (1 − 1/nodes) ÷ k of the bytes (arXiv:2412.19437 §2.1.2, §3.2.2).
 *               1F1B leaves them on the critical path; DualPipe overlaps a
 *               forward chunk's all-to-alls and pipeline sends with a backward chunk's compute
 *               (§3.2.1), exposing max(0, EP + PP − t_mb) per micro-batch.
 *               Overlapped this way the all-to-alls run on SMs taken from the matmuls: DeepSeek-V3
 *               gives 20 of the H800's 132 SMs to communication (§3.2.2), so under DualPipe with
 *               ep > 1 the matmuls and attention core run at (1 − 20/132) of their rate.
 *               The busiest expert GPU also runs (imbalance − 1) × the routed experts' matmuls more.
 *   DP (ep > 1) = non-expert gradients over dp as above, routed-expert gradients over the expert-
 *               data-parallel group edp = tp·dp/ep (ranks ep apart; states.ts)
 *   bubble (DualPipe) = (p/2 − 1)(F&B + B − 3W) with F&B = t_mb, B = ⅔ t_mb, W = ⅓ t_mb:
 *               (p/2 − 1) × ⅔ t_mb (arXiv:2412.19437 Table 2, B the full backward as in its 1F1B row)
 *   step      = compute + bubble + TP + PP + exposed EP + exposed DP + optimizer
 *   MFU       = model FLOPs per step ÷ (step × GPUs × peak)   (Chowdhery et al. 2022, PaLM App. B)
 */
import type { Cluster } from "../hardware/cluster.js";
import { collectiveTime, p2pTime, wireBytes } from "../hardware/collectives.js";
import { expertAllToAllTime } from "../hardware/alltoall.js";
import { moeLayerCount, type Architecture } from "../model/architecture.js";
import { mlpParams, type ParamBreakdown } from "../model/params.js";
import { SuanliError } from "../errors.js";
import type { TrainConfig } from "./options.js";
import { trainFlops, type TrainFlops } from "./flops.js";
import { gpuParams, layersPerStage, moeLayersPerStage, stateBytes, zeroDivisors } from "./states.js";
import { gemmEfficiency } from "./efficiency.js";
import { castBytes, elementwiseBytes, perStepBytes } from "./traffic.js";

export interface StepTimes {
  readonly flops: TrainFlops;
  readonly microBatchTime: number;
  /** Per micro-batch: the matmuls, the attention core, the memory-bound kernels (s). */
  readonly gemm: number;
  readonly attention: number;
  readonly memoryBound: number;
  /** Once per step: weight casts and the optimizer update (s). */
  readonly optimizer: number;
  /** The matmuls' fraction of the dense peak used. */
  readonly efficiency: number;
  readonly compute: number;
  readonly bubble: number;
  readonly tp: number;
  readonly pp: number;
  /** Exposed expert-parallel all-to-all time (0 without ep). */
  readonly ep: number;
  /** All expert-parallel all-to-all time, hidden or not. */
  readonly epTotal: number;
  /** Exposed data-parallel time. */
  readonly dp: number;
  /** All data-parallel time, hidden or not. */
  readonly dpTotal: number;
  readonly step: number;
  /** Bytes one GPU puts on the wire per step, by group. */
  readonly volume: { readonly tp: number; readonly pp: number; readonly dp: number; readonly ep: number };
  readonly tokensPerStep: number;
  readonly mfu: number;
  readonly peak: number;
  readonly gpus: number;
}

/** Dense peaks (FLOP/s) for the matmuls and the attention core at the training precision. */
export function trainingPeaks(cl: Cluster, precision: TrainConfig["precision"]): { linear: number; attention: number; mfu: number } {
  const g = cl.gpu;
  const pk = g.spec.peak;
  const need = precision === "fp32" ? (pk.tf32 !== undefined ? "tf32" : "fp32") : precision;
  const linear = g.precision(need).peak().value; // refuses a precision the part lacks, naming it
  const attention = precision === "fp8" ? (pk.bf16 ?? pk.fp16 ?? linear) : linear;
  return { linear, attention, mfu: linear };
}

/** The matmuls' fraction of the dense peak: options.efficiency, else the default for the cluster's GPU. */
export function trainingEfficiency(cl: Cluster, c: Pick<TrainConfig, "efficiency" | "precision">): number {
  return c.efficiency ?? gemmEfficiency(cl.gpu.spec.architecture, c.precision).value;
}

/**
 * The share of an all-to-all's bytes that crosses the network under node-limited routing: when
 * the ep group spans as many nodes as the router has groups (each node holding one group), a
 * token reaches at most topk_group nodes and crosses the network once per remote one:
 * topk_group × (1 − 1/nodes) ÷ k. Undefined (every remote expert pair crosses) otherwise.
 */
/** Fraction of the SMs DualPipe's overlapped all-to-alls take from the matmuls: 20 of 132 (arXiv:2412.19437 §3.2.2). */
export const COMMUNICATION_SM_SHARE = 20 / 132;

export function nodeLimitedShare(a: Architecture, ep: number, gpusPerNode: number): number | undefined {
  const m = a.moe;
  const nodes = ep / gpusPerNode;
  if (!m || m.groups <= 1 || m.topkGroups >= m.groups || nodes !== m.groups) return undefined;
  return (m.topkGroups * (1 - 1 / nodes)) / m.active;
}

export function stepTimes(a: Architecture, p: ParamBreakdown, matmulParams: number, c: TrainConfig, cl: Cluster): StepTimes {
  const { tp, pp, dp } = c;
  if (tp * pp * dp !== cl.size) {
    throw new SuanliError("bad-parallelism", `tp × pp × dp = ${tp} × ${pp} × ${dp} = ${tp * pp * dp} does not match the cluster's ${cl.size} GPUs`, {
      value: { tp, pp, dp }, expected: `a product of ${cl.size}`,
    });
  }
  const flops = trainFlops(a, matmulParams, c);
  const peaks = trainingPeaks(cl, c.precision);
  const eta = trainingEfficiency(cl, c);
  const bw = cl.gpu.spec.bandwidth * c.memoryEfficiency;
  const tokensMb = c.seq * c.microBatch;
  const share = tokensMb / (tp * pp);
  const sb = stateBytes(c);
  const G = gpuParams(p, a, c, pp === 1 ? "only" : "first");
  const P = G.dense + G.expert;
  const layers = layersPerStage(a, pp);
  const weightPasses = c.recompute === "full" ? 3 : 2;
  // The busiest expert GPU runs imbalance × the mean of the routed experts' matmuls.
  const routedShare = c.ep > 1 && a.moe ? (moeLayerCount(a) * a.moe.active * mlpParams(a, a.moe.expertIntermediate)) / matmulParams : 0;
  const smRate = c.schedule === "dualpipe" && c.ep > 1 ? 1 - COMMUNICATION_SM_SHARE : 1;
  const linearTime = ((flops.linear * share) / (eta * smRate * peaks.linear)) * (1 + (c.epImbalance - 1) * routedShare);
  // A micro-batch reads one copy of the stage's weights (DualPipe holds two: one per direction).
  const readP = c.schedule === "dualpipe" ? P / 2 : P;
  const gemm = Math.max(linearTime, (readP * (sb.weights * weightPasses + 2 * sb.grads)) / bw);
  const attention = (flops.attention * share) / (eta * smRate * peaks.attention);
  const memoryBound = (elementwiseBytes(a, c, layers) + castBytes(a, c, layers)) / bw;
  const microBatchTime = gemm + attention + memoryBound;
  const optimizer = (perStepBytes(G.dense, sb, c, zeroDivisors(c.zero, dp).optimizer) + perStepBytes(G.expert, sb, c, zeroDivisors(c.zero, G.edp).optimizer)) / bw;
  const m = c.accumulation;
  const compute = m * microBatchTime;
  const dualpipe = c.schedule === "dualpipe";
  const bubble = dualpipe ? Math.max(0, pp / 2 - 1) * (2 / 3) * microBatchTime : ((pp - 1) / c.interleave) * microBatchTime;

  const links = cl.groupLinks();
  const le = c.linkEfficiency;
  const act = tokensMb * a.hidden * 2;
  const tpCount = layersPerStage(a, pp) * (c.recompute === "full" ? 6 : 4);
  const tpTime = m * tpCount * collectiveTime("allReduce", act, tp, links.tp, le);
  const tpVol = m * tpCount * wireBytes("allReduce", act, tp);
  const ppSends = pp > 1 ? 2 * c.interleave * m : 0;
  const ppMsg = act / (c.sequenceParallel ? tp : 1);
  const ppTime = ppSends * p2pTime(ppMsg, links.pp, le);
  const ppVol = ppSends * ppMsg;

  let epMb = 0, epVolMb = 0;
  if (c.ep > 1 && a.moe) {
    const routed = (tokensMb / tp) * a.moe.active * a.hidden * c.epImbalance;
    const e = c.activationBytes;
    const dispatch = routed * (c.precision === "fp8" && c.fp8Recipe === "deepseek-v3" ? 1 : e);
    const perLayer = [dispatch, routed * e, routed * e, routed * e, ...(c.recompute === "full" ? [dispatch, routed * e] : [])];
    const moeLayers = moeLayersPerStage(a, pp);
    const offNode = nodeLimitedShare(a, c.ep, cl.gpusPerNode);
    for (const bytes of perLayer) {
      epMb += moeLayers * expertAllToAllTime(cl, c.ep, bytes, le, offNode);
      epVolMb += moeLayers * wireBytes("allToAll", bytes, c.ep);
    }
  }
  const epTotal = m * epMb;
  const epTime = dualpipe ? m * Math.max(0, epMb + (ppSends / m) * p2pTime(ppMsg, links.pp, le) - microBatchTime) : epTotal;
  const ppExposed = dualpipe ? 0 : ppTime;

  // Non-expert states over the dp ring; routed-expert states over the edp ranks, ep apart.
  const edpLink = G.expert > 0 ? cl.linkFor(G.edp, c.ep) : links.dp;
  const t = (kind: "allReduce" | "allGather" | "reduceScatter", n: number) =>
    collectiveTime(kind, G.dense * n, dp, links.dp, le) + collectiveTime(kind, G.expert * n, G.edp, edpLink, le);
  const v = (kind: "allReduce" | "allGather" | "reduceScatter", n: number) => wireBytes(kind, G.dense * n, dp) + wireBytes(kind, G.expert * n, G.edp);
  const grad = sb.grads;
  const wts = sb.weights;
  let perMb = 0, perStep = 0, volMb = 0, volStep = 0, window = (2 / 3) * microBatchTime;
  switch (c.zero) {
    case 0: perStep = t("allReduce", grad); volStep = v("allReduce", grad); break;
    case 1: perStep = t("reduceScatter", grad) + t("allGather", wts); volStep = v("reduceScatter", grad) + v("allGather", wts); break;
    case 2: perMb = t("reduceScatter", grad); volMb = v("reduceScatter", grad); perStep = t("allGather", wts); volStep = v("allGather", wts); break;
    case 3: perMb = 2 * t("allGather", wts) + t("reduceScatter", grad); volMb = 2 * v("allGather", wts) + v("reduceScatter", grad); window = microBatchTime; break;
  }
  const bwd = (2 / 3) * microBatchTime;
  const dpExposed = m * Math.max(0, perMb - window) + Math.max(0, perStep - bwd);
  const dpTotal = m * perMb + perStep;
  const step = compute + bubble + tpTime + ppExposed + epTime + dpExposed + optimizer;
  const tokensPerStep = c.seq * c.microBatch * dp * m;
  const mfu = (flops.model * tokensPerStep) / (step * cl.size * peaks.mfu);
  return Object.freeze({
    flops, microBatchTime, gemm, attention, memoryBound, optimizer, efficiency: eta, compute, bubble, tp: tpTime, pp: ppExposed, ep: epTime, epTotal, dp: dpExposed, dpTotal, step,
    volume: Object.freeze({ tp: tpVol, pp: ppVol, dp: m * volMb + volStep, ep: m * epVolMb }),
    tokensPerStep, mfu, peak: peaks.mfu, gpus: cl.size,
  });
}
