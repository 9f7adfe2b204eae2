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
 *   step      = compute + bubble + TP + PP + exposed DP + optimizer
 *   MFU       = model FLOPs per step ÷ (step × GPUs × peak)   (Chowdhery et al. 2022, PaLM App. B)
 */
import type { Cluster } from "../hardware/cluster.js";
import { collectiveTime, p2pTime, wireBytes } from "../hardware/collectives.js";
import type { Architecture } from "../model/architecture.js";
import type { ParamBreakdown } from "../model/params.js";
import { SuanliError } from "../errors.js";
import type { TrainConfig } from "./options.js";
import { trainFlops, type TrainFlops } from "./flops.js";
import { layersPerStage, paramsOnGpu, stateBytes, zeroDivisors } from "./states.js";
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
  /** Exposed data-parallel time. */
  readonly dp: number;
  /** All data-parallel time, hidden or not. */
  readonly dpTotal: number;
  readonly step: number;
  /** Bytes one GPU puts on the wire per step, by group. */
  readonly volume: { readonly tp: number; readonly pp: number; readonly dp: number };
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
  const P = paramsOnGpu(p, a, tp, pp, pp === 1 ? "only" : "first");
  const layers = layersPerStage(a, pp);
  const weightPasses = c.recompute === "full" ? 3 : 2;
  const gemm = Math.max((flops.linear * share) / (eta * peaks.linear), (P * (sb.weights * weightPasses + 2 * sb.grads)) / bw);
  const attention = (flops.attention * share) / (eta * peaks.attention);
  const memoryBound = (elementwiseBytes(a, c, layers) + castBytes(a, c, layers)) / bw;
  const microBatchTime = gemm + attention + memoryBound;
  const optimizer = perStepBytes(P, sb, c, zeroDivisors(c.zero, dp).optimizer) / bw;
  const m = c.accumulation;
  const compute = m * microBatchTime;
  const bubble = ((pp - 1) / c.interleave) * microBatchTime;

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

  const grad = P * sb.grads;
  const wts = P * (sb.weights);
  const t = (kind: "allReduce" | "allGather" | "reduceScatter", bytes: number) => collectiveTime(kind, bytes, dp, links.dp, le);
  const v = (kind: "allReduce" | "allGather" | "reduceScatter", bytes: number) => wireBytes(kind, bytes, dp);
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
  const step = compute + bubble + tpTime + ppTime + dpExposed + optimizer;
  const tokensPerStep = c.seq * c.microBatch * dp * m;
  const mfu = (flops.model * tokensPerStep) / (step * cl.size * peaks.mfu);
  return Object.freeze({
    flops, microBatchTime, gemm, attention, memoryBound, optimizer, efficiency: eta, compute, bubble, tp: tpTime, pp: ppTime, dp: dpExposed, dpTotal, step,
    volume: Object.freeze({ tp: tpVol, pp: ppVol, dp: m * volMb + volStep }),
    tokensPerStep, mfu, peak: peaks.mfu, gpus: cl.size,
  });
}
