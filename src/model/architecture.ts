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
  /** A per-expert routing bias vector (DeepSeek-V3 e_score_correction_bias, gpt-oss router bias). */
  readonly routerBias: boolean;
  /**
   * Layers i ≥ firstDense are MoE when i % every === phase: 0 for DeepSeek (moe_layer_freq),
   * every − 1 for Qwen3-MoE (decoder_sparse_step) and Llama 4 (interleave_moe_layer_step),
   * whose MoE layers are the every-th, counting from 1.
   */
  readonly phase: number;
  /** Layers forced dense (Qwen3-MoE mlp_only_layers). */
  readonly denseLayers: readonly number[];
  /**
   * Group-limited routing (DeepSeek-V3 n_group / topk_group, §2.1.2): experts fall in `groups`
   * groups and a token's top-k are drawn from its best `topkGroups` groups only — at most
   * topkGroups nodes per token when each group sits on one node. 1 / 1 means no grouping.
   */
  readonly groups: number;
  readonly topkGroups: number;
}

/**
 * DeepSeek Sparse Attention (DeepSeek-V3.2-Exp): a lightning indexer with `indexHeads` heads of
 * `indexHeadDim` scores every cached token; the main MLA attention then reads only the `topk`
 * best. The indexer caches one key of `indexHeadDim` per token per layer beside the MLA latent.
 */
export interface SparseAttention {
  readonly topk: number;
  readonly indexHeads: number;
  readonly indexHeadDim: number;
}

/** Weight storage of a published checkpoint, from its config's quantization_config. */
export interface CheckpointQuantization {
  /** "fp8" (e4m3 with block scales), "mxfp4" (OCP microscaling FP4)… as the config names it. */
  readonly method: string;
  /** Bits per quantized weight, scales included (MXFP4: (32 × 4 + 8) / 32 = 4.25). */
  readonly bitsPerWeight: number;
  /** Which weights are quantized: every linear layer, or the routed experts only (gpt-oss). */
  readonly scope: "linear" | "experts";
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
  /** Per-head RMSNorm on q and k, with weights (Gemma 3, Qwen 3). */
  readonly qkNorm: boolean;
  /** Weightless L2 norm on q and k (Llama 4 use_qk_norm): no parameters. */
  readonly qkL2Norm?: boolean;
  /** A learned sink logit per head per layer (gpt-oss attention sinks). */
  readonly sinks?: boolean;
  /** none; qkv (Qwen2: biases on q, k, v); all (GPT: every linear layer has a bias). */
  readonly bias: "none" | "qkv" | "all";
  /** Per layer: the sliding-window (or chunk) length, or null for global attention. */
  readonly windows: readonly (number | null)[];
  /**
   * The windows are chunks (Llama 4 chunked attention: a token sees only its own chunk of
   * attention_chunk_size tokens), not sliding windows; the cache still keeps at most one window.
   */
  readonly chunked?: boolean;
  readonly sparse?: SparseAttention;
  /** How the published checkpoint stores its weights; absent for plain bf16/fp16 checkpoints. */
  readonly quantization?: CheckpointQuantization;
  readonly attention: AttentionKind;
  readonly mla?: MlaDims;
  readonly moe?: MoeSpec;
}

/** Whether layer i uses the MoE block. */
export function isMoeLayer(a: Architecture, i: number): boolean {
  const m = a.moe;
  return m !== undefined && i >= m.firstDense && i % m.every === m.phase && !m.denseLayers.includes(i);
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
