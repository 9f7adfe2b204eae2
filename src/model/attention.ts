/**
 * Which keys a query sees, for the model's FLOPs (flops.ts) and the engine's operators
 * (inference/ops.ts) alike. What one layer's attention touches in a step of `tokens` new queries per sequence after
 * `past` cached tokens: the query–key pairs it scores (FLOPs) and the cached tokens it reads
 * (bytes), per sequence, for each kind of attention a published config declares.
 *
 *   full / sliding window w   keys Σ_t min(t, w) over the step's positions t (causal; w = ∞
 *                             for full attention); reads min(past + tokens, w)
 *   chunked, chunk c          a query at position p sees only its own chunk: (p mod c) + 1
 *   (Llama 4)                 keys; keys up to n = ⌊n/c⌋·c(c+1)/2 + r(r+1)/2, r = n mod c;
 *                             reads the chunks the step spans: past + tokens − ⌊past/c⌋·c
 *                             (HF transformers Llama4 chunked_attention_mask; Meta's model card:
 *                             local attention within chunks of attention_chunk_size = 8192,
 *                             every 4th layer global without RoPE)
 *   sparse (DeepSeek DSA)     the main attention runs on the top-k tokens the indexer selects:
 *                             keys Σ_t min(t, k); reads min(past + tokens, tokens·k) — a decode
 *                             step gathers min(context, k) latents, a prefill touches them all
 *                             (DeepSeek-V3.2-Exp tech report §2.1, index_topk = 2048)
 *   indexer (DSA)             scores every cached key: Σ_t t keys, each 2·H_I·d_I FLOPs for
 *                             the H_I head dot products of width d_I plus 2·H_I for the
 *                             ReLU-weighted sum over heads, I_{t,s} = Σ_j w_{t,j}·ReLU(q_{t,j}·k_s)
 *                             (ibid. eq. 1; index_n_heads 64, index_head_dim 128); it reads
 *                             every cached indexer key once per sequence
 *
 * Not priced, being negligible: gpt-oss attention sinks (one learned logit per head added to
 * each softmax denominator — no key, no cache), Qwen3/Gemma 3 QK-norm (an RMSNorm over each
 * head's q and k, O(h·d) per token beside O(h·d·keys) of attention) and Llama 4's weightless
 * L2 QK-norm; the indexer's top-k selection (a radix select over the scores, O(keys)).
 */
import type { Architecture } from "./architecture.js";

/** Σ_{t=1..T} min(t, w): keys each causal query sees, summed over the prompt. */
export function causalKeys(T: number, w: number | null): number {
  if (w === null || T <= w) return (T * (T + 1)) / 2;
  return (w * (w + 1)) / 2 + (T - w) * w;
}

/** Σ_{p<n} ((p mod c) + 1): keys the first n causal queries see in chunks of c. */
export function chunkKeys(n: number, c: number): number {
  const q = Math.floor(n / c);
  const r = n - q * c;
  return (q * c * (c + 1)) / 2 + (r * (r + 1)) / 2;
}

/**
 * Query–key pairs one sequence's step scores in a layer of `window` (null: full), chunked or not,
 * with `topk` the sparse attention's selection (null: dense).
 */
export function stepKeys(past: number, tokens: number, window: number | null, chunked: boolean, topk: number | null): number {
  if (window !== null && chunked) return chunkKeys(past + tokens, window) - chunkKeys(past, window);
  const w = window ?? topk;
  return causalKeys(past + tokens, w) - causalKeys(past, w);
}

/** Cached tokens (the step's own included) one sequence's step reads in such a layer. */
export function stepKvTokens(past: number, tokens: number, window: number | null, chunked: boolean, topk: number | null): number {
  const n = past + tokens;
  if (window !== null) return chunked ? n - Math.floor(past / window) * window : Math.min(n, window);
  return topk === null ? n : Math.min(n, tokens * topk);
}

/** DSA indexer FLOPs per query per cached key, one layer: 2·H_I·(d_I + 1) (0 without DSA). */
export function indexerFlopsPerKey(a: Architecture): number {
  const s = a.sparse;
  return s ? 2 * s.indexHeads * (s.indexHeadDim + 1) : 0;
}
