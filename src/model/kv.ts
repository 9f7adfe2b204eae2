/**
 * KV cache size, counted layer by layer.
 *
 *   bytes = Σ_layers  B × min(T, window_l) × e_l × s
 *
 * with B the batch, T the sequence length, s the bytes per element of the KV dtype and e_l
 * the elements a layer stores per token:
 * - MHA/GQA/MQA: e = n_kv × (d_head + d_v)  (= 2 × n_kv × d_head; Shazeer 2019 for MQA,
 *   Ainslie et al. 2023 for GQA);
 * - MLA: e = d_c + d_rope — the compressed latent plus the shared RoPE key (DeepSeek-V2 §2.1.2);
 *   with DeepSeek Sparse Attention (V3.2) the indexer's key adds d_index (DeepSeek-V3.2-Exp §2;
 *   its reference stores that key in fp8, the kit counts it at the cache's dtype).
 * Sliding-window layers keep only their window (Gemma 2/3, Mistral, gpt-oss's alternate layers),
 * chunked-attention layers at most one chunk (Llama 4); a StreamingLLM cache keeps
 * `window` recent tokens plus `sinks` initial ones in every layer (Xiao et al. 2023).
 */
import { SuanliError } from "../errors.js";
import type { Architecture } from "./architecture.js";

export interface KvOptions {
  batch: number;
  seq: number;
  /** Bytes per KV element (2 for fp16/bf16, 1 for fp8/int8). */
  bytesPerElement: number;
  /** StreamingLLM: recent tokens kept in every layer. */
  window?: number;
  /** StreamingLLM attention sinks kept beside the window. */
  sinks?: number;
}

/** Elements one layer stores per cached token. */
export function kvElementsPerToken(a: Architecture): number {
  if (a.mla) return a.mla.kvLoraRank + a.mla.qkRopeHeadDim + (a.sparse?.indexHeadDim ?? 0);
  return a.kvHeads * (a.headDim + a.vHeadDim);
}

/** Tokens layer i keeps for a sequence of `seq` tokens. */
export function keptTokens(a: Architecture, i: number, seq: number, window?: number, sinks = 0): number {
  let kept = seq;
  const w = a.windows[i];
  if (w !== null && w !== undefined) kept = Math.min(kept, w);
  if (window !== undefined) kept = Math.min(kept, window + sinks);
  return kept;
}

/** Bytes per layer, for the whole batch. */
export function kvBytesPerLayer(a: Architecture, o: KvOptions): number[] {
  if (o.window !== undefined && o.window + (o.sinks ?? 0) > o.seq) {
    throw new SuanliError("bad-argument", `window + sinks (${o.window} + ${o.sinks ?? 0}) exceeds seq (${o.seq}); a StreamingLLM window must fit in the context`, {
      value: o.window,
      expected: `window + sinks ≤ ${o.seq}`,
    });
  }
  const e = kvElementsPerToken(a) * o.bytesPerElement * o.batch;
  return Array.from({ length: a.layers }, (_, i) => keptTokens(a, i, o.seq, o.window, o.sinks) * e);
}

/** Total bytes (the fast path used by sweeps: no arrays when no layer slides). */
export function kvBytes(a: Architecture, o: KvOptions): number {
  if (o.window === undefined && a.windows.every((w) => w === null)) {
    return a.layers * o.seq * kvElementsPerToken(a) * o.bytesPerElement * o.batch;
  }
  return kvBytesPerLayer(a, o).reduce((s, x) => s + x, 0);
}

/** Which layers share a window: [{ window: 4096|null, layers: n }, …] in order of first use. */
export function windowGroups(a: Architecture): { window: number | null; layers: number }[] {
  const groups = new Map<number | null, number>();
  for (const w of a.windows) groups.set(w, (groups.get(w) ?? 0) + 1);
  return [...groups].map(([window, layers]) => ({ window, layers }));
}
