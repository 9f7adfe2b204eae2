/**
 * Model states: the bytes per parameter a training recipe keeps (weights, FP8 copies, gradients,
 * optimizer states), how ZeRO shards them over the data-parallel degree, and how many
 * parameters one GPU holds under tensor and pipeline parallelism.
 *
 * Bytes per parameter before sharding (K = optimizer bytes, Rajbhandari et al. 2020 §3.1):
 *
 *   recipe                          weights  fp8 copies  grads  optimizer (K)                 total
 *   bf16 mixed + Adam                 2         –          4     12 (fp32 master, m, v)        18
 *   fp16 mixed + Adam                 2         –          2     12 (fp32 master, m, v)        16
 *   bf16/fp16 mixed + SGD-momentum    2         –        4 / 2    8 (fp32 master, momentum)    14 / 12
 *   fp32 + Adam                       4         –          4      8 (m, v)                     16
 *   fp8 Transformer Engine + Adam     2         2          4     12                            20
 *   fp8 DeepSeek-V3 + Adam            2         –          4      8 (fp32 master, bf16 m, v)   14
 *
 * Gradients take the bytes of `gradDtype` (options.ts): by default fp32 for bf16 and fp8, as
 * Megatron-LM accumulates and all-reduces them (megatron/training/arguments.py sets
 * accumulate_allreduce_grads_in_fp32 for bf16), the compute dtype for fp16 and fp32;
 * gradDtype "bf16" gives ZeRO's 16 B/param for bf16 Adam.
 *
 * - Mixed precision: Micikevicius et al. 2018 (arXiv:1710.03740) §3.1 keep an fp32 master copy;
 *   ZeRO (arXiv:1910.02054) §3.1 counts 2Ψ + 2Ψ + KΨ with K = 12 for Adam: 16Ψ.
 * - FP8, Transformer Engine recipe (NVIDIA, "Using FP8 with Transformer Engine",
 *   https://docs.nvidia.com/deeplearning/transformer-engine/user-guide/examples/fp8_primer.html, and
 *   "FP8 weight caching" in https://docs.nvidia.com/deeplearning/transformer-engine/user-guide/examples/advanced_optimizations.html):
 *   GEMMs run in FP8 with delayed scaling; parameters stay bf16 with the fp32 master in the
 *   optimizer; each weight's FP8 cast and its FP8 transpose (Hopper FP8 GEMMs take only the
 *   TN layout, so dgrad/wgrad need the transposed copy) are cached across micro-batches: +2 B.
 * - FP8, DeepSeek-V3 recipe (arXiv:2412.19437 §3.3.3 "Low-Precision Storage"): AdamW moments
 *   in bf16, master weights and accumulated gradients in fp32; FP8 tiles are quantised on the
 *   fly from the bf16 working weights (128×128 blocks), so no cached FP8 copy is counted.
 *
 * ZeRO (Rajbhandari et al. 2020, Fig. 1): stage 1 shards the optimizer states (master included)
 * over the dp replicas, stage 2 the gradients too, stage 3 the weights (and FP8 copies) too.
 *
 * Expert parallelism (ep > 1): each MoE layer's routed experts are held whole (expert tensor
 * parallelism 1) by ep GPUs of a pipeline stage, E/ep experts each; attention, dense MLPs,
 * shared experts, router and embeddings stay split over tp as without it. The ep GPUs of an
 * expert group hold different experts, so an expert's replicas are the tp·dp/ep groups of the
 * stage: expert gradients are reduced, and ZeRO shards expert states, over the expert-data-
 * parallel degree edp = tp·dp/ep — Megatron-Core's "MoE parallel folding", where expert
 * layers take their own ETP × EP × EDP = TP × CP × DP of each stage (Liu et al. 2025,
 * arXiv:2504.14960 §3; megatron/core/transformer/moe/README.md), here with ETP = 1 and CP = 1.
 * DeepSeek-V3: tp 1, dp 128, ep 64 → edp 2 (arXiv:2412.19437 §3.2).
 * DualPipe keeps two copies of the stage's parameters (arXiv:2412.19437 §3.2.1, Table 2).
 */
import type { Architecture } from "../model/architecture.js";
import type { ParamBreakdown } from "../model/params.js";
import { moeLayerCount } from "../model/architecture.js";
import { defaultGradDtype, type TrainConfig } from "./options.js";

export interface StateBytes {
  /** Working weights (bf16/fp16, or fp32). */
  readonly weights: number;
  /** Cached FP8 copies of the weights. */
  readonly fp8Copies: number;
  readonly grads: number;
  /** Optimizer states including the fp32 master copy. */
  readonly optimizer: number;
  /** Words naming what the optimizer bytes hold, for explanations. */
  readonly optimizerParts: string;
  readonly source: string;
}

const ZERO_SRC = "Rajbhandari et al. 2020, ZeRO (arXiv:1910.02054) §3.1, Fig. 1";

/** Bytes per parameter of each state for a recipe (table above). */
export function stateBytes(c: Pick<TrainConfig, "precision" | "optimizer" | "fp8Recipe"> & { gradDtype?: TrainConfig["gradDtype"] }): StateBytes {
  const sgd = c.optimizer === "sgd";
  const g = c.gradDtype ?? defaultGradDtype(c.precision);
  const grads = g === "fp32" ? 4 : 2;
  switch (c.precision) {
    case "fp32":
      return { weights: 4, fp8Copies: 0, grads, optimizer: sgd ? 4 : 8, optimizerParts: sgd ? "momentum fp32" : "m, v fp32", source: ZERO_SRC };
    case "bf16":
    case "fp16":
      return {
        weights: 2, fp8Copies: 0, grads, optimizer: sgd ? 8 : 12,
        optimizerParts: sgd ? "fp32 master + momentum" : "fp32 master + m + v", source: `${ZERO_SRC}; Micikevicius et al. 2018 (arXiv:1710.03740) §3.1${grads === 4 ? "; fp32 gradients: Megatron-LM megatron/training/arguments.py (accumulate_allreduce_grads_in_fp32 for bf16)" : ""}`,
      };
    case "fp8":
      if (c.fp8Recipe === "deepseek-v3") {
        return {
          weights: 2, fp8Copies: 0, grads, optimizer: sgd ? 6 : 8,
          optimizerParts: sgd ? "fp32 master + bf16 momentum" : "fp32 master + bf16 m + bf16 v", source: "DeepSeek-AI 2024, DeepSeek-V3 (arXiv:2412.19437) §3.3.3",
        };
      }
      return {
        weights: 2, fp8Copies: 2, grads, optimizer: sgd ? 8 : 12,
        optimizerParts: sgd ? "fp32 master + momentum" : "fp32 master + m + v",
        source: "NVIDIA Transformer Engine, FP8 primer and FP8 weight caching (https://docs.nvidia.com/deeplearning/transformer-engine/user-guide/examples/advanced_optimizations.html); " + ZERO_SRC,
      };
  }
}

/** Divisor ZeRO applies to each state at `stage` over `dp` replicas. */
export function zeroDivisors(stage: number, dp: number): { weights: number; grads: number; optimizer: number } {
  return { weights: stage >= 3 ? dp : 1, grads: stage >= 2 ? dp : 1, optimizer: stage >= 1 ? dp : 1 };
}

export type Stage = "only" | "first" | "last";

/** Parameters of one transformer layer (layer average for MoE; all experts held: no expert parallelism). */
export function layerParams(p: ParamBreakdown, a: Architecture): number {
  const finalNorm = (a.norm === "layer" ? 2 : 1) * a.hidden;
  return (p.total - p.embedding - p.positions - p.lmHead - finalNorm) / a.layers;
}

/** Layers on the most loaded pipeline stage: ⌈L / pp⌉. */
export function layersPerStage(a: Architecture, pp: number): number {
  return Math.ceil(a.layers / pp);
}

/**
 * Parameters one GPU holds on pipeline stage `stage`: ⌈L/pp⌉ layers, plus the embedding on the
 * first stage and the LM head (a second copy of a tied embedding) and final norm on the last,
 * all divided by tp (Megatron splits matmuls and the vocabulary; the few norm weights it
 * replicates are counted as split).
 */
export function paramsOnGpu(p: ParamBreakdown, a: Architecture, tp: number, pp: number, stage: Stage): number {
  const finalNorm = (a.norm === "layer" ? 2 : 1) * a.hidden;
  const head = a.tiedEmbeddings ? (pp > 1 ? p.embedding : 0) : p.lmHead;
  const first = p.embedding + p.positions;
  const last = head + finalNorm;
  const edge = stage === "only" ? first + last : stage === "first" ? first : last;
  return (layersPerStage(a, pp) * layerParams(p, a) + edge) / tp;
}

/** Routed-expert parameters of one layer, averaged over the layers (0 for a dense model). */
export function expertLayerParams(p: ParamBreakdown, a: Architecture): number {
  return p.experts / a.layers;
}

/** MoE layers on the most loaded stage: ⌈L/pp⌉ × (MoE layers ÷ L), the layer average layerParams takes too. */
export function moeLayersPerStage(a: Architecture, pp: number): number {
  return a.moe ? (layersPerStage(a, pp) * moeLayerCount(a)) / a.layers : 0;
}

/** Parameters one GPU holds, split by the data-parallel group that shares their states. */
export interface GpuParams {
  /** Everything but the routed experts under ep > 1 (÷ tp), replicated over dp. */
  readonly dense: number;
  /** Routed experts under ep > 1 (whole experts ÷ ep), replicated over edp; 0 when ep = 1. */
  readonly expert: number;
  /** Expert-data-parallel degree tp·dp/ep (dp when ep = 1). */
  readonly edp: number;
}

type Layout = Pick<TrainConfig, "tp" | "pp" | "dp"> & Partial<Pick<TrainConfig, "ep" | "schedule">>;

/** The parameters one GPU on `stage` holds under tp × pp × ep (and DualPipe's second copy); see the header. */
export function gpuParams(p: ParamBreakdown, a: Architecture, c: Layout, stage: Stage): GpuParams {
  const all = paramsOnGpu(p, a, c.tp, c.pp, stage);
  const ep = c.ep ?? 1;
  const copies = c.schedule === "dualpipe" ? 2 : 1;
  if (ep === 1) return { dense: copies * all, expert: 0, edp: c.dp };
  const routed = layersPerStage(a, c.pp) * expertLayerParams(p, a);
  return { dense: copies * (all - routed / c.tp), expert: (copies * routed) / ep, edp: (c.tp * c.dp) / ep };
}

/** One layer's parameters on one GPU (what ZeRO-3 gathers at a time). */
export function layerParamsOnGpu(p: ParamBreakdown, a: Architecture, c: Layout): number {
  const ep = c.ep ?? 1;
  const routed = ep > 1 ? expertLayerParams(p, a) : 0;
  return (layerParams(p, a) - routed) / c.tp + routed / ep;
}
