/**
 * Forward FLOPs per token, with the attention term.
 *
 *   decode (one new token, `ctx` tokens in the cache):
 *     F = 2 × P_matmul + Σ_l 2 × H × (d_qk + d_v) × min(ctx, w_l)
 *   prefill (T prompt tokens, causal):
 *     F = 2 × (P_matmul − V·d) × T + 2·V·d + Σ_l 2 × H × (d_qk + d_v) × Σ_{t=1..T} min(t, w_l)
 *
 * Keys per layer as model/attention.ts counts them: chunked layers (Llama 4) see their own
 * chunk, sparse ones (DeepSeek DSA) the top-k, plus the indexer's 2·H_I·(d_I + 1) per cached key
 * (a DSA prefill runs the cheaper of sparse MQA and masked dense MHA, as the engine does).
 * P_matmul: parameters the token multiplies through (active experts only; LM head included).
 * 2 FLOPs per multiply-add (Kaplan et al. 2020, "Scaling Laws", Table 1 / §2.1);
 * QKᵀ costs 2·H·d_qk and AV 2·H·d_v FLOPs per cached token. Prefill computes logits for the
 * last prompt token only, as serving engines do.
 */
import type { Architecture } from "./architecture.js";
import { causalKeys, indexerFlopsPerKey, stepKeys } from "./attention.js";
import { countParams, matmulParams } from "./params.js";

export { causalKeys };

/** QKᵀ + AV FLOPs per query per key, one layer: 2·H·(d_qk + d_v). */
export function attnFlopsPerKey(a: Architecture): number {
  return 2 * a.heads * (a.headDim + a.vHeadDim);
}

/** FLOPs of one decode step per sequence at context `ctx`. */
export function decodeFlops(a: Architecture, ctx: number, P = matmulParams(a, countParams(a))): number {
  const chunked = a.chunked === true;
  const topk = a.sparse ? a.sparse.topk : null;
  let keys = 0;
  for (const w of a.windows) keys += stepKeys(ctx - 1, 1, w, chunked, topk);
  return 2 * P + attnFlopsPerKey(a) * keys + indexerFlopsPerKey(a) * a.layers * ctx;
}

/** FLOPs of prefilling `T` tokens of one sequence. */
export function prefillFlops(a: Architecture, T: number, P = matmulParams(a, countParams(a))): number {
  const chunked = a.chunked === true;
  const topk = a.sparse ? a.sparse.topk : null;
  let keys = 0;
  for (const w of a.windows) keys += stepKeys(0, T, w, chunked, topk);
  const head = a.vocab * a.hidden;
  let attn = attnFlopsPerKey(a) * keys;
  if (a.sparse && a.mla) {
    // DSA prefill: the cheaper of sparse MQA (absorbed MLA, 2·H·(2·d_c + d_rope) per key) over
    // the top-k keys and masked dense MHA over every key (as inference/ops.ts; V3.2-Exp §2.1, §3)
    const mqa = 2 * a.heads * (2 * a.mla.kvLoraRank + a.mla.qkRopeHeadDim) * keys;
    attn = Math.min(mqa, attnFlopsPerKey(a) * a.layers * causalKeys(T, null));
  }
  return 2 * (P - head) * T + 2 * head + attn + indexerFlopsPerKey(a) * a.layers * causalKeys(T, null);
}

/** Parameters of the K and V projections of one layer (what recomputing the cache multiplies by). */
export function kvProjectionParams(a: Architecture): number {
  if (a.mla) return a.hidden * (a.mla.kvLoraRank + a.mla.qkRopeHeadDim);
  return a.hidden * a.kvHeads * (a.headDim + a.vHeadDim);
}
