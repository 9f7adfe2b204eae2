/**
 * The architecture of a decoder-only transformer, as read from a HuggingFace config.json:
 * the numbers every count (params, KV cache, FLOPs) is computed from.
 */

/** mha: every head keeps its K and V; gqa: groups of heads share one; mqa: one K/V for all; mla: DeepSeek's compressed latent. */
export type AttentionKind = "mha" | "gqa" | "mqa" | "mla";

/** DeepSeek multi-head latent attention dimensions (DeepSeek-V2 paper, §2.1). */
export interface MlaDims {
  /** Rank of the query down-projection; null when queries are projected directly (V2-Lite). */
  readonly qLoraRank: number | null;
  /** Rank of the compressed KV latent c_KV — what the cache stores per token per layer. */
  readonly kvLoraRank: number;
  readonly qkNopeHeadDim: number;
  /** Decoupled RoPE key dimension, shared by all heads and cached beside c_KV. */
  readonly qkRopeHeadDim: number;
  readonly vHeadDim: number;
}

/** Mixture-of-experts layout. */
export interface MoeSpec {
  readonly experts: number;
  /** Routed experts each token uses (top-k). */
  readonly active: number;
  /** Always-on shared experts (DeepSeek). */
  readonly shared: number;
  readonly expertIntermediate: number;
  /** The first k layers keep a dense MLP (DeepSeek first_k_dense_replace). */
  readonly firstDense: number;
  /** Layers i ≥ firstDense with i % every === 0 are MoE (DeepSeek moe_layer_freq). */
  readonly every: number;
  /** A per-expert routing bias vector (DeepSeek-V3 e_score_correction_bias). */
  readonly routerBias: boolean;
}

export interface Architecture {
  readonly modelType: string;
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly kvHeads: number;
  /** Per-head query/key width. */
  readonly headDim: number;
  /** Per-head value width (differs from headDim only for MLA). */
  readonly vHeadDim: number;
  readonly vocab: number;
  /** Dense MLP width. */
  readonly intermediate: number;
  /** gated: SwiGLU/GeGLU, three matrices; plain: two matrices (GPT). */
  readonly mlp: "gated" | "plain";
  readonly tiedEmbeddings: boolean;
  readonly maxPosition: number;
  /** Learned absolute position embeddings (GPT): maxPosition × hidden more parameters. */
  readonly learnedPositions: boolean;
  readonly norm: "rms" | "layer";
  readonly normsPerLayer: number;
  /** Per-head RMSNorm on q and k (Gemma 3, Qwen 3). */
  readonly qkNorm: boolean;
  /** none; qkv (Qwen2: biases on q, k, v); all (GPT: every linear layer has a bias). */
  readonly bias: "none" | "qkv" | "all";
  /** Per layer: the sliding-window length, or null for global attention. */
  readonly windows: readonly (number | null)[];
  readonly attention: AttentionKind;
  readonly mla?: MlaDims;
  readonly moe?: MoeSpec;
}

/** Whether layer i uses the MoE block. */
export function isMoeLayer(a: Architecture, i: number): boolean {
  return a.moe !== undefined && i >= a.moe.firstDense && i % a.moe.every === 0;
}

/** How many layers use the MoE block. */
export function moeLayerCount(a: Architecture): number {
  let n = 0;
  for (let i = 0; i < a.layers; i++) if (isMoeLayer(a, i)) n++;
  return n;
}

/** Classify attention from head counts. */
export function attentionKind(heads: number, kvHeads: number, mla: boolean): AttentionKind {
  if (mla) return "mla";
  if (kvHeads === heads) return "mha";
  if (kvHeads === 1) return "mqa";
  return "gqa";
}
