/**
 * Activation memory of one transformer layer for one micro-batch, after Korthikanti et al. 2022,
 * "Reducing Activation Recomputation in Large Transformer Models" (arXiv:2205.05198), §4 and
 * Table 2. For GPT (MHA, 4h GeLU MLP, dropout, 16-bit activations) per layer:
 *
 *   no recompute, no SP:     sbh (10 + 24/t + 5as/(ht))
 *   no recompute, SP:        sbh/t (34 + 5as/h)
 *   selective, no SP:        sbh (10 + 24/t)
 *   selective + SP:          34 sbh/t
 *   full recompute:          2sbh (2sbh/t with SP)
 *
 * Term by term (§4.1, bytes, e = 2 B per element): attention block 11sbh + 5as²b — QKV input
 * 2sbh, Q and K 4sbh, V 2sbh, output-projection input 2sbh, dropout mask sbh; softmax output
 * 2as²b, its dropout mask as²b, dropout output 2as²b. MLP 19sbh — input 2sbh, GeLU input 8sbh,
 * GeLU output 8sbh, dropout mask sbh. Two LayerNorm inputs 4sbh. Total 34sbh + 5as²b. Under TP
 * without SP, the norm inputs, the QKV and MLP inputs and the two dropout masks (10sbh) are
 * replicated; the rest is split over t.
 *
 * Adapted here, per token per layer, with widths from the config:
 * - GQA/MQA: Q is a·d_head wide, K and V n_kv·d_head: Q and K take e·(a + n_kv)·d_head, V
 *   e·n_kv·d_v, the output-projection input e·a·d_v (for MHA these are 4h, 2h, 2h × e/2).
 * - Gated MLP (SwiGLU): Megatron's fused swiglu keeps the [gate, up] output (2I) and the
 *   down-projection input (I): 3·e·I; a plain MLP keeps GeLU input and output: 2·e·I (8sbh at I = 4h).
 * - Dropout: off by default (Llama and most modern pre-training use none): the masks go, and
 *   without attention dropout the softmax output is the AV input, so s² costs e·as²b, not 5as²b.
 * - FlashAttention (Dao et al. 2022, arXiv:2205.14135 §3.1): no s² tensors; the kernel keeps
 *   its output (counted as the projection input) and the fp32 log-sum-exp, 4 B per head per token.
 * - Selective recomputation drops the s² tensors (recomputed in backward); with FlashAttention
 *   it saves nothing more.
 * - MoE layers: the MLP width is the routed top-k plus shared experts' widths (every token's
 *   expert activations are kept); MLA widths are taken as the up-projected heads.
 * - recompute "deepseek-v3" (DeepSeek-V3, arXiv:2412.19437 §3.2.3 "Recomputation of RMSNorm
 *   and MLA Up-Projection", §3.3.3 "Low-Precision Storage"): each block keeps its residual input
 *   e·h (the RMSNorm output is rebuilt from it), the MLA latents (q_lora + kv_lora + rope
 *   widths; the up-projected Q, K, V are rebuilt), the attention output e·a·d_v and its
 *   log-sum-exp, the SwiGLU input 2·I (its output, the down-projection input, is rebuilt) and
 *   the tokens sent to each routed expert k·h; under the DeepSeek-V3 FP8 recipe the latents,
 *   SwiGLU inputs and routed tokens are cached in FP8 (1 B), the rest at e.
 * - Expert parallelism (ep > 1): the all-to-all delivers each token to its k experts' GPUs,
 *   which keep the received copies for the experts' weight gradients, k·e·h per token per MoE
 *   layer; and the busiest GPU of the expert group holds `epImbalance` × the mean of the routed
 *   tokens' activations (k·(e·h + 3·e·I_expert) per token, gated), the mean being what the
 *   layer average above counts.
 */
import { isMoeLayer, moeLayerCount, type Architecture } from "../model/architecture.js";
import type { Schedule, TrainConfig } from "./options.js";

/** Per-layer activation bytes split by how they scale: per token (× s·b) and per s²·b. */
export interface LayerActivations {
  /** Bytes per token replicated over TP ranks (without SP). */
  readonly replicated: number;
  /** Bytes per token split over TP ranks. */
  readonly split: number;
  /** Bytes per (query, key) pair per sequence, split over TP ranks: e·a (+ masks/dropout). */
  readonly perScore: number;
}

/** Average MLP width one token's activations span, over the layers. */
export function mlpWidth(a: Architecture): number {
  if (!a.moe) return a.intermediate;
  let w = 0;
  for (let i = 0; i < a.layers; i++) w += isMoeLayer(a, i) ? a.moe.expertIntermediate * (a.moe.active + a.moe.shared) : a.intermediate;
  return w / a.layers;
}

/** The terms of one layer before recomputation is applied. */
export function layerTerms(a: Architecture, c: Pick<TrainConfig, "dropout" | "activationBytes" | "flashAttention">): LayerActivations {
  const e = c.activationBytes;
  const h = a.hidden;
  const mask = c.dropout ? 1 : 0;
  const replicated = 2 * e * h + e * h + e * h + 2 * mask * h; // 2 norm inputs, QKV input, MLP input, 2 dropout masks
  const qk = e * (a.heads + a.kvHeads) * a.headDim;
  const v = e * a.kvHeads * a.vHeadDim;
  const proj = e * a.heads * a.vHeadDim;
  const mlp = (a.mlp === "gated" ? 3 : 2) * e * mlpWidth(a);
  const lse = c.flashAttention ? 4 * a.heads : 0;
  const perScore = c.flashAttention ? 0 : a.heads * (c.dropout ? 2 * e + 1 : e);
  return { replicated, split: qk + v + proj + mlp + lse, perScore };
}

/**
 * Activation bytes one GPU keeps for one layer and one micro-batch of `b` sequences of `s`
 * tokens under tensor parallelism `t`, for the configured recomputation (see the table above).
 */
export function layerActivationBytes(a: Architecture, c: TrainConfig): number {
  const s = c.seq;
  const b = c.microBatch;
  const t = c.tp;
  if (c.recompute === "full") return (c.activationBytes * s * b * a.hidden) / (c.sequenceParallel ? t : 1);
  const x = c.recompute === "deepseek-v3" ? deepseekTerms(a, c) : layerTerms(a, c);
  const perToken = (c.sequenceParallel ? x.replicated / t : x.replicated) + x.split / t;
  const scores = c.recompute === "none" ? (x.perScore * s) / t : 0;
  return s * b * (perToken + scores + routedTokenBytes(a, c) / t);
}

/** Bytes of an FP8-cached activation element: 1 under the DeepSeek-V3 FP8 recipe, else the activation bytes. */
function cachedBytes(c: Pick<TrainConfig, "activationBytes" | "precision" | "fp8Recipe">): number {
  return c.precision === "fp8" && c.fp8Recipe === "deepseek-v3" ? 1 : c.activationBytes;
}

/** Per-token terms of one layer under recompute "deepseek-v3" (see the header); routed copies in routedTokenBytes. */
function deepseekTerms(a: Architecture, c: TrainConfig): LayerActivations {
  const e = c.activationBytes;
  const f = cachedBytes(c);
  const mask = c.dropout ? 1 : 0;
  const attention = a.mla
    ? f * ((a.mla.qLoraRank ?? 0) + a.mla.kvLoraRank + a.mla.qkRopeHeadDim)
    : e * ((a.heads + a.kvHeads) * a.headDim + a.kvHeads * a.vHeadDim);
  const swigluInput = (a.mlp === "gated" ? 2 : 1) * f * mlpWidth(a);
  const lse = c.flashAttention ? 4 * a.heads : 0;
  const perScore = c.flashAttention ? 0 : a.heads * (c.dropout ? 2 * e + 1 : e);
  return { replicated: 2 * e * a.hidden + 2 * mask * a.hidden, split: attention + e * a.heads * a.vHeadDim + swigluInput + lse, perScore };
}

/**
 * Bytes per token per layer (layer average) kept for the routed tokens beyond layerTerms: the
 * copies sent to each of the k experts, k·h (under ep > 1, where the all-to-all delivers
 * them, or recompute "deepseek-v3"), and under ep > 1 (imbalance − 1) × the routed tokens'
 * activations on the busiest expert GPU (see the header). 0 for a dense model.
 */
export function routedTokenBytes(a: Architecture, c: Pick<TrainConfig, "activationBytes" | "ep" | "epImbalance" | "recompute" | "precision" | "fp8Recipe">): number {
  const m = a.moe;
  if (!m) return 0;
  const ds = c.recompute === "deepseek-v3";
  const e = c.activationBytes;
  const copy = ds ? cachedBytes(c) : c.ep > 1 ? e : 0;
  const inner = ds ? (a.mlp === "gated" ? 2 : 1) * cachedBytes(c) : (a.mlp === "gated" ? 3 : 2) * e;
  const extra = c.ep > 1 ? (c.epImbalance - 1) * m.active * (copy * a.hidden + inner * m.expertIntermediate) : 0;
  return (moeLayerCount(a) / a.layers) * (m.active * copy * a.hidden + extra);
}

/**
 * With full recomputation, the backward pass rebuilds one layer's activations at a time: the
 * working set of one layer at selective-recomputation level (the s² scores are transient under
 * every choice, as the attention backward needs them).
 */
export function recomputeWorkingSet(a: Architecture, c: TrainConfig): number {
  if (c.recompute !== "full") return 0;
  return layerActivationBytes(a, { ...c, recompute: "selective" });
}

/**
 * Micro-batches whose activations pipeline stage `rank` (0: the first) holds at once, in units of
 * the whole stage's layers for one micro-batch. No stage can hold more than the m = accumulation
 * micro-batches of a step.
 *
 * 1F1B (Narayanan et al. 2021, arXiv:2104.04473 §2.2.1): rank r runs p − r − 1 warm-up forwards
 * and one more before its first backward: min(p − r, m).
 *
 * Interleaved 1F1B with v model chunks per GPU (§2.2.2), each chunk 1/v of the stage's layers,
 * micro-batches taken N at a time per chunk (N = `microbatchGroup`, default p, at most m): Megatron-Core's
 * warm-up is 2(p − r − 1) + (v − 1)·N chunk forwards, all m·v of them when that reaches m·v
 * (megatron/core/pipeline_parallel/schedules.py, forward_backward_pipelining_with_interleaving,
 * `microbatch_group_size_per_vp_stage`; Llama 3's schedule with a tunable N, arXiv:2407.21783
 * §3.3.2, Fig. 6), and one more forward before the first backward:
 *
 *   chunks in flight = min(m·v, 2(p − r − 1) + (v − 1)·N + 1),   micro-batches = chunks / v
 *
 * At r = 0, N = p and m large this is p + (p − 1)/v = p·(1 + (p − 1)/(p·v)), Korthikanti et al.
 * 2022 (arXiv:2205.05198) §4.2.3; at m = p every stage with 2(p − r − 1) + 1 ≥ p (the first
 * half) runs all its forwards first and holds m micro-batches — never more.
 *
 * DualPipe: min(p + 1, m) (DeepSeek-V3, arXiv:2412.19437 Table 2).
 */
export function inFlight(c: Pick<TrainConfig, "pp" | "accumulation" | "interleave"> & { schedule?: Schedule; microbatchGroup?: number }, rank = 0): number {
  const p = c.pp;
  const m = c.accumulation;
  const v = c.interleave;
  if (c.schedule === "dualpipe") return Math.min(p + 1, m);
  if (v <= 1) return Math.max(1, Math.min(p - rank, m));
  const n = Math.min(c.microbatchGroup ?? p, m);
  return Math.min(m * v, 2 * (p - rank - 1) + (v - 1) * n + 1) / v;
}

/** Embedding dropout mask, first stage: s·b·h (÷t with SP) bytes per micro-batch in flight (§4.3). 0 without dropout. */
export function embeddingActivationBytes(a: Architecture, c: TrainConfig): number {
  if (!c.dropout) return 0;
  return (c.seq * c.microBatch * a.hidden) / (c.sequenceParallel ? c.tp : 1);
}

/**
 * Output layer, last stage (§4.3): final-norm input and LM-head input e·sbh/t each, fp32 logits
 * for the cross-entropy 4·sbV/t — 4sbh/t·(1 + V/h) at e = 2.
 */
export function logitsActivationBytes(a: Architecture, c: TrainConfig): number {
  const sb = c.seq * c.microBatch;
  return (sb * (2 * c.activationBytes * a.hidden + 4 * a.vocab)) / c.tp;
}
