/**
 * Parameter counts from an architecture, term by term. Matches the tensors of the HuggingFace
 * implementations: embeddings (tied or not), attention projections (with Qwen2/GPT/gpt-oss
 * biases, Qwen 3/Gemma 3 QK-norm weights, gpt-oss sink logits, DeepSeek MLA's low-rank
 * projections and norms, DeepSeek-V3.2's indexer), gated or plain MLPs (gpt-oss experts with
 * biases), routed and shared experts with the router, norms (RMSNorm: weight; LayerNorm:
 * weight + bias).
 */
import { isMoeLayer, type Architecture } from "./architecture.js";

export interface ParamBreakdown {
  readonly embedding: number;
  readonly positions: number;
  readonly attention: number;
  /** Dense MLPs (all layers of a dense model; DeepSeek's first dense layers). */
  readonly mlp: number;
  /** Routed experts, all of them. */
  readonly experts: number;
  readonly sharedExperts: number;
  readonly router: number;
  readonly norms: number;
  readonly lmHead: number;
  readonly total: number;
  /** Parameters one token passes through: routed experts counted top-k of n. */
  readonly active: number;
}

/** Attention parameters of one layer. */
export function attentionParams(a: Architecture): number {
  const d = a.hidden;
  if (a.mla) {
    const m = a.mla;
    const qk = m.qkNopeHeadDim + m.qkRopeHeadDim;
    const q = m.qLoraRank === null ? d * a.heads * qk : d * m.qLoraRank + m.qLoraRank + m.qLoraRank * a.heads * qk;
    const kv = d * (m.kvLoraRank + m.qkRopeHeadDim) + m.kvLoraRank + m.kvLoraRank * a.heads * (m.qkNopeHeadDim + m.vHeadDim);
    return q + kv + a.heads * m.vHeadDim * d + indexerParams(a);
  }
  const qOut = a.heads * a.headDim;
  const kvOut = a.kvHeads * (a.headDim + a.vHeadDim);
  let n = d * qOut + d * kvOut + a.heads * a.vHeadDim * d;
  if (a.bias !== "none") n += qOut + kvOut;
  if (a.bias === "all") n += d;
  if (a.qkNorm) n += 2 * a.headDim;
  if (a.sinks) n += a.heads;
  return n;
}

/**
 * DeepSeek-V3.2's lightning indexer, one layer (DeepSeek-V3.2-Exp inference/model.py, Indexer):
 * wq_b q_lora_rank × (heads·dim), wk hidden × dim, k_norm LayerNorm(dim) (weight + bias),
 * weights_proj hidden × heads.
 */
export function indexerParams(a: Architecture): number {
  const s = a.sparse;
  if (!s || !a.mla) return 0;
  const qRank = a.mla.qLoraRank ?? a.hidden;
  return qRank * s.indexHeads * s.indexHeadDim + a.hidden * s.indexHeadDim + 2 * s.indexHeadDim + a.hidden * s.indexHeads;
}

/**
 * One MLP of width `width`: gated (gate, up, down) or plain (up, down); with bias "all" each
 * matrix has its bias (GPT; gpt-oss experts: gate_up 2·width, down hidden).
 */
export function mlpParams(a: Architecture, width: number): number {
  if (a.mlp === "gated") return 3 * a.hidden * width + (a.bias === "all" ? 2 * width + a.hidden : 0);
  return 2 * a.hidden * width + (a.bias === "all" ? width + a.hidden : 0);
}

/** Count every parameter of the architecture. */
export function countParams(a: Architecture): ParamBreakdown {
  const d = a.hidden;
  const normSize = a.norm === "layer" ? 2 * d : d;
  let mlp = 0;
  let experts = 0;
  let activeExperts = 0;
  let sharedExperts = 0;
  let router = 0;
  const moe = a.moe;
  for (let i = 0; i < a.layers; i++) {
    if (moe && isMoeLayer(a, i)) {
      const one = mlpParams(a, moe.expertIntermediate);
      experts += moe.experts * one;
      activeExperts += moe.active * one;
      sharedExperts += moe.shared * one;
      router += moe.experts * d + (moe.routerBias ? moe.experts : 0);
    } else {
      mlp += mlpParams(a, a.intermediate);
    }
  }
  const embedding = a.vocab * d;
  const positions = a.learnedPositions ? a.maxPosition * d : 0;
  const attention = a.layers * attentionParams(a);
  const norms = a.layers * a.normsPerLayer * normSize + normSize;
  const lmHead = a.tiedEmbeddings ? 0 : a.vocab * d;
  const shared = embedding + positions + attention + mlp + sharedExperts + router + norms + lmHead;
  return Object.freeze({
    embedding,
    positions,
    attention,
    mlp,
    experts,
    sharedExperts,
    router,
    norms,
    lmHead,
    total: shared + experts,
    active: shared + activeExperts,
  });
}

/**
 * Parameters whose matmuls a token's forward pass runs (embedding lookups excluded, the LM
 * head included even when tied): the P in "2 × P FLOPs per token" (Kaplan et al. 2020, §2.1).
 */
/**
 * Bytes of the published checkpoint's weights: bf16 (2 B) unless its quantization_config says
 * otherwise — fp8 linear layers at 1 B (embeddings, norms and routers kept 16-bit), gpt-oss
 * experts in MXFP4 at 4.25 bits (everything else bf16, per modules_to_not_convert).
 */
export function checkpointBytes(a: Architecture, p: ParamBreakdown = countParams(a)): number {
  const q = a.quantization;
  if (!q) return 2 * p.total;
  const quantized = q.scope === "experts" ? p.experts : p.attention + p.mlp + p.experts + p.sharedExperts;
  return 2 * (p.total - quantized) + (q.bitsPerWeight / 8) * quantized;
}

export function matmulParams(a: Architecture, p: ParamBreakdown = countParams(a)): number {
  return p.active - p.embedding - p.positions - p.norms - p.lmHead + a.vocab * a.hidden;
}
