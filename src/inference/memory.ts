/**
 * Memory of one GPU while serving (busiest pipeline stage), in bytes:
 *
 *   weights      Σ_layers (P_attn + P_dense/router)/GPU × s_w + P_experts/GPU × s_e
 *                + (V/tp)·d × 2 B for the embedding and LM head; s_e = s_w unless the
 *                checkpoint stores its experts apart (gpt-oss MXFP4; dtypes.ts)
 *   KV cache     batch × Σ_layers min(context, window) × e_kv/GPU × s_kv — for Llama 4's
 *                chunked layers a whole chunk: the current chunk holds fewer tokens just past
 *                a boundary, but a sequence that reached `context` held a full one before it
 *   activations  the largest step's live tensors: max(batch, maxTokens) tokens ×
 *                (2·d + q/kv out + MLP width per GPU) × 2 B, plus batch × V/tp fp32 logits
 *   reserve      bytes left to the CUDA context, cuBLAS and NCCL workspaces and allocator
 *                slack: 2 GiB by default (a CUDA context alone takes ~0.3–0.6 GiB). Serving
 *                engines keep more by policy — vLLM's gpu_memory_utilization = 0.9
 *                (https://docs.vllm.ai/en/latest/serving/engine_args.html) leaves 10 % —
 *                set `.reserve("8 GiB")` to model that. TensorRT-LLM v0.6 ran Llama-2-7B at
 *                batch 60 × 2176 tokens on one 80 GB A100 (datasets/measurements.json), which
 *                leaves < 3.1 GiB beside weights and KV: a 10 % reserve would refuse it.
 * `maxTokens` is the engine's largest forward pass (prefill chunk): 8192 by default, as
 * TensorRT-LLM's max_num_tokens.
 */
import { ACTIVATION_BYTES, EMBEDDING_BYTES, LOGIT_BYTES, expertBytesPerParam, kvBytesPerElement, weightBytesPerParam, type Dtypes } from "./dtypes.js";
import type { Shard } from "./shard.js";

export interface MemoryParts {
  weights: number;
  kv: number;
  activations: number;
  reserve: number;
  total: number;
  capacity: number;
}

/** Weight bytes on one GPU of the busiest stage. */
export function weightBytes(s: Shard, dt: Dtypes): number {
  const a = s.arch;
  const sw = weightBytesPerParam(dt);
  const se = expertBytesPerParam(dt);
  const norms = a.normsPerLayer * a.hidden * (a.norm === "layer" ? 2 : 1);
  let perStage = 0;
  for (const g of s.groups) {
    const mlp = g.moe && a.moe ? (s.expertsPerGpu * s.expertParams + s.sharedParams) * se + s.routerParams * sw : s.mlpParams * sw;
    perStage += g.count * ((s.qkvParams + s.outParams) * sw + mlp + norms * EMBEDDING_BYTES);
  }
  const table = s.vocab * a.hidden * EMBEDDING_BYTES;
  const tables = s.pp === 1 ? (a.tiedEmbeddings ? 1 : 2) * table : table;
  return perStage + tables;
}

/** KV cache bytes on one GPU for `batch` sequences of `context` tokens. */
export function kvCacheBytes(s: Shard, dt: Dtypes, batch: number, context: number): number {
  let tokens = 0;
  for (const g of s.groups) tokens += g.count * (g.window === null ? context : Math.min(context, g.window));
  return batch * tokens * s.kvElements * kvBytesPerElement(dt);
}

/** Activation workspace bytes on one GPU. */
export function activationBytes(s: Shard, batch: number, maxTokens: number): number {
  const a = s.arch;
  const width = a.moe ? Math.max(a.intermediate, a.moe.expertIntermediate * (a.moe.active + a.moe.shared)) : a.intermediate;
  const perToken = 2 * a.hidden + s.heads * a.headDim + s.kvElements + ((a.mlp === "gated" ? 2 : 1) * width) / s.tp;
  return Math.max(batch, maxTokens) * perToken * ACTIVATION_BYTES + batch * s.vocab * LOGIT_BYTES;
}

/** Default runtime reserve per GPU (bytes). */
export const DEFAULT_RESERVE = 2 * 2 ** 30;

/** All parts for one GPU of memory `capacity`, with `reserve` bytes held back. */
export function memoryParts(s: Shard, dt: Dtypes, batch: number, context: number, capacity: number, reserve: number, maxTokens: number): MemoryParts {
  const weights = weightBytes(s, dt);
  const kv = kvCacheBytes(s, dt, batch, context);
  const activations = activationBytes(s, batch, maxTokens);
  return { weights, kv, activations, reserve, total: weights + kv + activations + reserve, capacity };
}

/** Largest integer x in [0, hi] with ok(x) true, given ok is monotone (true then false). */
export function largest(ok: (x: number) => boolean, hi: number): number {
  if (!ok(1)) return 0;
  let lo = 1;
  let top = 2;
  while (top <= hi && ok(top)) {
    lo = top;
    top *= 2;
  }
  top = Math.min(top, hi + 1);
  while (top - lo > 1) {
    const mid = Math.floor((lo + top) / 2);
    if (ok(mid)) lo = mid;
    else top = mid;
  }
  return lo;
}
