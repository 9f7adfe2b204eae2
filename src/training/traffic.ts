/**
 * Memory-bound work of a training step: bytes the non-GEMM kernels move through HBM, which run
 * at memory bandwidth, not at the tensor-core peak. Their share of a step is what makes MFU grow
 * with model size: per token they move O(h) bytes (and O(a·s) for unfused attention scores),
 * while the matmuls do O(h²) FLOPs.
 *
 * Forward bytes per token per layer (e = activation bytes, m = 1 with dropout, else 0), counted
 * kernel by kernel from the activations Korthikanti et al. 2022 (arXiv:2205.05198) §4.1 list:
 *
 *   norms             2 × (read h + write h)·e                          4eh
 *   residual adds     2 × (read 2h + write h)·e, + dropout masks 2mh      6eh + 2mh
 *   MLP activation    GeLU reads and writes I: 2eI; SwiGLU reads 2I, writes I: 3eI   (÷ tp)
 *   attention scores  unfused only (FlashAttention keeps them on chip): the fused scale-mask-softmax
 *                     reads and writes a·s' scores (2e), dropout reads and writes them and writes
 *                     its mask (2e + 1), s' = keys per query over the full square the kernel walks (÷ tp)
 *
 * Norms and residual adds run on s/tp tokens under sequence parallelism, on all s otherwise.
 * Passes: an elementwise backward reads its saved input and the output gradient and writes the
 * input gradient — 3 accesses to the forward's 2 — so forward + backward = 2.5 × forward;
 * full recomputation adds a forward (3.5 ×); selective recomputation adds a forward of the scores.
 *
 * FP8 (Transformer Engine): each GEMM input is cast to FP8 before the GEMM (read 2 B, write 1 B
 * per element) and each output gradient in the backward (read 2 B, write 1 B, plus its FP8
 * transpose for the weight gradient, 1 B): 3 B × GEMM input widths forward (again with full
 * recomputation), 4 B × GEMM output widths backward. Widths per token on one GPU: QKV and MLP-up
 * inputs h (every TP rank takes the whole input), output-projection and MLP-down inputs split
 * over tp; QKV and MLP-up outputs split, projection and MLP-down outputs h. Weights are cast
 * once per step (cached FP8 copy and transpose: read 2 B, write 2 B per parameter).
 *
 * Optimizer step, once per step, on the parameters the GPU updates (after ZeRO's sharding of
 * the optimizer states): read gradient, master and moments, write master, moments and the
 * working weights: grads + 2 × optimizer + weights bytes per parameter.
 */
import type { Architecture } from "../model/architecture.js";
import { mlpWidth } from "./activations.js";
import { keysPerQuery } from "./flops.js";
import type { TrainConfig } from "./options.js";
import type { StateBytes } from "./states.js";

/** Bytes the memory-bound kernels of one micro-batch move on one GPU over `layers` layers. */
export function elementwiseBytes(a: Architecture, c: TrainConfig, layers: number): number {
  const e = c.activationBytes;
  const h = a.hidden;
  const t = c.tp;
  const mask = c.dropout ? 1 : 0;
  const rowwise = (4 * e * h + 6 * e * h + 2 * mask * h) / (c.sequenceParallel ? t : 1);
  const act = ((a.mlp === "gated" ? 3 : 2) * e * mlpWidth(a)) / t;
  const full = c.recompute === "full";
  const passes = full ? 3.5 : 2.5;
  const tokens = c.seq * c.microBatch;
  let bytes = tokens * layers * (rowwise + act) * passes;
  if (!c.flashAttention) {
    const keys = keysPerQuery(a, c.seq, "full") / a.layers; // per layer, averaged
    const perScore = (2 * e + (c.dropout ? 2 * e + 1 : 0)) / t;
    const scorePasses = c.recompute !== "none" ? 3.5 : 2.5;
    bytes += tokens * layers * a.heads * keys * perScore * scorePasses;
  }
  return bytes;
}

/** GEMM input and output widths per token on one GPU for one layer (see the header). */
function gemmWidths(a: Architecture, t: number): { inputs: number; outputs: number } {
  const I = mlpWidth(a);
  const qkv = a.heads * a.headDim + a.kvHeads * (a.headDim + a.vHeadDim);
  const up = (a.mlp === "gated" ? 2 : 1) * I;
  return {
    inputs: a.hidden + (a.heads * a.vHeadDim) / t + a.hidden + I / t,
    outputs: qkv / t + a.hidden + up / t + a.hidden,
  };
}

/** Bytes of FP8 casts of one micro-batch on one GPU over `layers` layers (0 unless precision fp8). */
export function castBytes(a: Architecture, c: TrainConfig, layers: number): number {
  if (c.precision !== "fp8") return 0;
  const w = gemmWidths(a, c.tp);
  const forwards = c.recompute === "full" ? 2 : 1;
  return c.seq * c.microBatch * layers * (3 * w.inputs * forwards + 4 * w.outputs);
}

/** Bytes of the once-per-step work: weight casts (fp8) and the optimizer update, for `params` on the GPU. */
export function perStepBytes(params: number, sb: StateBytes, c: TrainConfig, optimizerShards: number): number {
  const casts = c.precision === "fp8" && sb.fp8Copies > 0 ? 4 * params : 0;
  return casts + (params / optimizerShards) * (sb.grads + 2 * sb.optimizer + sb.weights);
}
