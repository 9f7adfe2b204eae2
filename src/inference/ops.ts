/**
 * The operators of one forward step on one GPU, with the FLOPs and HBM bytes of each — the
 * rows of the roofline. A step runs `tokens` new tokens for each of `batch` sequences that
 * already hold `past` tokens in their KV cache: decode is tokens = 1, past = context − 1;
 * prefill is tokens = prompt, past = 0; a prefill chunk is anything in between.
 *
 * Per layer (N = batch × tokens; P = parameters on this GPU; s_w, s_kv, s_a bytes per weight,
 * KV and activation element; sources: Pope et al. 2022, arXiv:2211.05102 §2–3; Kaplan et al.
 * 2020 §2.1 for 2 FLOPs per multiply-add):
 *   qkv, attn out, mlp        FLOPs 2·N·P             bytes P·s_w + activations in/out · s_a
 *   experts (MoE)             FLOPs 2·N·(k·P_e + P_sh) bytes (E_touched·P_e + P_sh)·s_w + …,
 *                             E_touched = E·(1 − (1 − k/E)^N) under uniform routing; a grouped
 *                             GEMM of M = N·k ÷ E_touched rows per expert; with the "gather"
 *                             kernels (kernels.ts) each token reads its own k experts: N·k·P_e
 *   attention (QKᵀ, AV)       FLOPs 2·h·(d_qk + d_v) per query per key (keys = causal, windowed);
 *                             MLA decode runs absorbed (the up-projections folded into Q and O,
 *                             attention over the cached latent itself, as FlashMLA, vLLM and
 *                             SGLang do): 2·h·(2·d_c + d_rope) per key — QKᵀ over d_c + d_rope,
 *                             AV over d_c, Q and O (d_c + d_rope) and d_c wide per head
 *                             (DeepSeek-V2, arXiv:2405.04434 §2.1.3;
 *                             https://github.com/deepseek-ai/FlashMLA); MLA prefill runs plain
 *                             MHA over the decompressed K/V, 2·h·(d_qk + d_v); a step of a few
 *                             tokens over a cached past (speculative verify: FlashMLA takes
 *                             seq_len_q > 1, vLLM's MLA treats queries up to 1 + the speculative
 *                             tokens as decodes) runs absorbed wherever that costs fewer FLOPs
 *                             than the plain form plus decompressing the past's latents,
 *                             2·d_c·h·(d_nope + d_v) per cached token
 *                             bytes KV read once per sequence (FlashAttention's single pass,
 *                             Dao et al. 2022 arXiv:2205.14135) + KV written + Q/O · s_a;
 *                             with kvReads "per-query-head" a decode step (tokens = 1) pays
 *                             the KV read once per query head (heads / kvHeads times; kernels.ts);
 *                             keys and KV reads per chunked (Llama 4) or sparse (DeepSeek DSA)
 *                             layer as model/attention.ts counts them; DSA prefill takes the
 *                             cheaper of its sparse MQA (absorbed) form over the top-k keys and
 *                             a masked dense MHA, which DeepSeek runs for short prefills
 *                             (DeepSeek-V3.2-Exp §2.1 and §3)
 *   indexer (DSA)             FLOPs 2·H_I·(d_I + 1) per query per cached key, every head on every
 *                             GPU (one top-k serves all ranks); bytes the indexer keys (d_I per
 *                             token) read once per sequence + written + queries · s_a; runs at
 *                             the FP8 rate where the GPU has one (DeepSeek-V3.2-Exp §2.1)
 *   all-reduce ×2 (tp > 1)    N·d·s_a bytes after attention and after the MLP (Megatron §3)
 *   experts, ep > 1           each GPU runs the N/tp tokens of its tp rank × k routed experts ×
 *                             imbalance on its E/ep whole experts; weights read: the experts the
 *                             N·ep/tp tokens of the group touch, ÷ ep; all-to-all ×2 (dispatch,
 *                             combine) of (N/tp)·k·d·s × imbalance bytes over the ep group
 *                             (DeepSeek-V3, arXiv:2412.19437 §3.4; GShard, arXiv:2006.16668 §2),
 *                             s = s_a for the combine; the dispatch carries the expert GEMMs'
 *                             operands where they are narrower than s_a (FP8: 1 B + one fp32
 *                             scale per 128, DeepSeek-V3 §3.3.2 "Low-Precision Storage and
 *                             Communication": activations quantized to FP8 before dispatch,
 *                             combine kept in BF16; DeepEP's FP8 dispatch / BF16 combine)
 *   routing (MoE)             the memory-bound kernels around the grouped GEMM: top-k over the
 *                             router's logits (read N·E·4 B, write N·k ids and weights, 8 B
 *                             each); the permute that copies each token's hidden vector to its k
 *                             expert rows (read N·d·s_a, write N·k·d at the GEMM's operand width,
 *                             the FP8 quantization fused into the copy); the un-permute that sums
 *                             each token's k expert outputs by its routing weights (read
 *                             N·k·d·s_a, write N·d·s_a; 2·N·k·d FLOPs) — TensorRT-LLM's
 *                             expandInputRowsKernel and finalizeMoeRoutingKernel
 *                             (https://github.com/NVIDIA/TensorRT-LLM at 05316d3, cpp/tensorrt_llm/kernels/mixtureOfExperts/moe_kernels.cu,
 *                             CutlassMoeFCRunner::runMoe). The "gather" kernels permute nothing:
 *                             top-k alone. With ep > 1, decode steps dispatch and combine with
 *                             DeepEP's low-latency kernels, which write the received tokens
 *                             straight into per-expert buffers and sum them on the way back
 *                             (https://github.com/deepseek-ai/DeepEP, low_latency_dispatch /
 *                             low_latency_combine), so top-k alone; prefill steps run DeepEP's
 *                             normal dispatch, whose received tokens SGLang copies into
 *                             DeepGEMM's expert-contiguous layout and gathers back (ep_scatter,
 *                             ep_gather, python/sglang/srt/layers/moe/ep_moe/kernels.py): each
 *                             received token read once and written to each of its local experts'
 *                             rows at the dispatched width, those rows read back and summed into
 *                             one row per received token at s_a — (R + routed)·d·(s_d + s_a),
 *                             R = routed × ep·p ÷ k the tokens a GPU receives, p = 1 −
 *                             C(E − E/ep, k) ÷ C(E, k) the chance a token has an expert on it
 *                             (uniform routing); an FP8 dispatch first quantizes the GPU's own
 *                             N/tp tokens (read s_a, write s_d; DeepEP's low-latency dispatch
 *                             casts inside the kernel)
 *   weights                   s_w per parameter, but routed and shared experts at s_e, the
 *                             checkpoint's expert format where it stores them apart (dtypes.ts)
 *   norms                     4·N·d FLOPs, 2·N·d·s_a bytes, each
 * Once per step: embedding lookup, final norm, LM head on `batch` rows (logits of the last
 * token only), and the logits all-gather over the vocabulary-parallel head (a replicated head,
 * kernels.ts lmHead, reads all vocab rows on every GPU and gathers nothing).
 */
import type { CollectiveKind } from "../hardware/collectives.js";
import { indexerFlopsPerKey, stepKeys, stepKvTokens } from "../model/attention.js";
import { ACTIVATION_BYTES, EMBEDDING_BYTES, LOGIT_BYTES, expertBytesPerParam, kvBytesPerElement, weightBytesPerParam, type Dtypes } from "./dtypes.js";
import { expertsTouched, remoteNodesTouched, type Shard } from "./shard.js";
import type { KvReads, LmHead, MoeKernels } from "./kernels.js";

/** Bytes per element of a narrow (FP8) dispatch's scales: one fp32 per 128 elements (DeepSeek-V3 §3.3.2, 1×128 tiles). */
const DISPATCH_SCALE_BYTES = 4 / 128;

/** Bytes per routed (token, expert) pair the top-k writes: an int32 expert id and an fp32 weight. */
const TOPK_PAIR_BYTES = 8;

/** Top-k over N tokens' E router logits: the fp32 logits read, k (id, weight) pairs a token written (ops routing). */
function topkBytes(tokens: number, experts: number, active: number): number {
  return tokens * (experts * LOGIT_BYTES + active * TOPK_PAIR_BYTES);
}

/** Top-k FLOPs: the softmax or sigmoid and the comparisons, a few per logit — taken as 4. */
function topkFlops(tokens: number, experts: number): number {
  return 4 * tokens * experts;
}

/**
 * "grouped": MoE expert GEMMs, run as one grouped GEMM over the experts a step touches;
 * "indexer": DeepSeek sparse attention's FP8 lightning indexer.
 */
export type OpClass = "gemm" | "grouped" | "attention" | "indexer" | "elementwise" | "collective";

export interface Step {
  readonly batch: number;
  readonly tokens: number;
  readonly past: number;
}

/**
 * Receives one operator: `count` instances, each of `flops` FLOPs and `bytes` HBM bytes, or
 * (for collectives) a `comm` collective of `commBytes` over the tensor-parallel group. GEMMs
 * give their rows M (tokens; for MoE experts, the mean tokens per touched expert) and the weight
 * elements they read (what weight-only formats dequantize; kernels.ts).
 */
export type OpSink = (name: string, cls: OpClass, count: number, flops: number, bytes: number, comm?: CollectiveKind, commBytes?: number, rows?: number, weights?: number) => void;

/**
 * Emit the operators of one step of shard `s` (one pipeline stage) into `emit`. `kvReads`
 * (default "per-kv-head") says whether the decode attention kernel shares each KV head's
 * read across its query group or re-reads it per query head (see kernels.ts).
 */
export function forEachOp(s: Shard, dt: Dtypes, step: Step, emit: OpSink, kvReads: KvReads = "per-kv-head", moeKernels: MoeKernels = "grouped", lmHead: LmHead = "vocab-parallel", operand = 0): void {
  const a = s.arch;
  const { batch: B, tokens: T, past } = step;
  const N = B * T;
  const d = a.hidden;
  const sw = weightBytesPerParam(dt);
  const se = expertBytesPerParam(dt);
  // A weight class stored narrower than the GEMM's operands (`operand` bytes; 0: none) is
  // dequantized: its GEMMs report the weight elements they read (kernels.ts dequant).
  const dqDense = sw < operand;
  const dqExperts = se < operand;
  const skv = kvBytesPerElement(dt);
  const sa = ACTIVATION_BYTES;
  const qOut = s.heads * a.headDim;
  const kvOut = s.kvElements;
  // Decode (one new token per sequence) runs the decode attention kernel; prefill runs FMHA.
  const decode = T === 1;
  const mla = a.mla;
  const plainPerKey = 2 * s.heads * (a.headDim + a.vHeadDim);
  // The plain form over a cached past first decompresses each cached latent: 2·d_c·h·(d_nope + d_v) FLOPs a token
  const decompressPerToken = mla ? 2 * mla.kvLoraRank * s.heads * (mla.qkNopeHeadDim + a.vHeadDim) : 0;
  const ffnWidth = a.mlp === "gated" ? 3 : 2;
  const tp = s.tp;
  const kvPasses = kvReads === "per-query-head" && decode ? s.heads / s.kvHeads : 1;
  const chunked = a.chunked === true;
  const dsa = a.sparse;
  const topk = dsa ? dsa.topk : null;
  // DSA: the main attention reads the MLA latent alone; the indexer its own keys, over all tokens
  const indexKv = dsa ? dsa.indexHeadDim : 0;
  const mainKv = kvOut - indexKv;
  const indexPerKey = indexerFlopsPerKey(a);
  const sparsePrefill = dsa !== undefined && mla !== undefined && !decode;
  const mqaPerKey = mla ? 2 * s.heads * (2 * mla.kvLoraRank + mla.qkRopeHeadDim) : 0;
  const indexKeys = dsa ? B * (T * past + (T * (T + 1)) / 2) : 0;
  const indexBytes = dsa ? B * (past + T) * indexKv * skv + N * indexKv * skv + N * dsa.indexHeads * dsa.indexHeadDim * sa : 0;

  for (const g of s.groups) {
    const c = g.count;
    emit("qkv", "gemm", c, 2 * N * s.qkvParams, s.qkvParams * sw + N * (d + qOut + kvOut) * sa, undefined, undefined, N, dqDense ? s.qkvParams : undefined);
    const keys = stepKeys(past, T, g.window, chunked, topk);
    const kept = stepKvTokens(past, T, g.window, chunked, topk);
    if (dsa) emit("indexer", "indexer", c, indexPerKey * indexKeys, indexBytes);
    // MLA runs absorbed in decode, and in any step of few new tokens over a cached past where that
    // is cheaper than decompressing the past (a speculative verify step: FlashMLA's seq_len_q > 1)
    const absorbed = mla !== undefined && (decode || (!dsa && past > 0 && mqaPerKey * keys < plainPerKey * keys + decompressPerToken * Math.min(past, kept)));
    const attnPerKey = absorbed ? mqaPerKey : plainPerKey;
    // Q and O per head: absorbed MLA reads a (d_c + d_rope)-wide query and writes a d_c-wide output
    const qoWidth = absorbed ? 2 * mla.kvLoraRank + mla.qkRopeHeadDim : a.headDim + a.vHeadDim;
    const attnFlops = sparsePrefill ? B * Math.min(mqaPerKey * keys, attnPerKey * stepKeys(past, T, g.window, chunked, null)) : attnPerKey * B * keys;
    emit("attention", "attention", c, attnFlops, kvPasses * B * kept * mainKv * skv + N * mainKv * skv + N * s.heads * qoWidth * sa);
    emit("attn out", "gemm", c, 2 * N * s.outParams, s.outParams * sw + N * (s.heads * a.vHeadDim + d) * sa, undefined, undefined, N, dqDense ? s.outParams : undefined);
    if (tp > 1) emit("all-reduce", "collective", c, 0, 0, "allReduce", N * d * sa);
    if (g.moe && a.moe && s.ep > 1) {
      const m = a.moe;
      const routed = (N / tp) * m.active * s.epImbalance;
      const touched = expertsTouched(m.experts, m.active, (N * s.ep) / tp) / s.ep;
      const width = m.expertIntermediate * ffnWidth;
      emit("router", "gemm", c, 2 * N * s.routerParams, s.routerParams * sw + N * (d * sa + m.experts * LOGIT_BYTES), undefined, undefined, N, dqDense ? s.routerParams : undefined);
      const dispatched = operand > 0 && operand < sa ? operand + DISPATCH_SCALE_BYTES : sa;
      emit("all-to-all", "collective", c, 0, 0, "allToAll", routed * d * dispatched);
      // prefill: ep_scatter reads each received token once and writes it to each of its local
      // experts' rows; ep_gather reads those rows and writes one per received token
      const received = (routed * s.ep * (remoteNodesTouched(m.experts, m.active, s.ep) / (s.ep - 1))) / m.active;
      // and, where the dispatch is narrower than s_a, the tokens are quantized before it
      const quant = dispatched < sa ? (N / tp) * d * (sa + dispatched) : 0;
      const copy = decode ? 0 : (received + routed) * d * (dispatched + sa) + quant;
      emit("routing", "elementwise", c, topkFlops(N, m.experts) + (decode ? 0 : 2 * routed * d), topkBytes(N, m.experts, m.active) + copy);
      // The GPU's own experts run as one grouped GEMM, as without expert parallelism.
      emit(
        "experts", "grouped", c,
        2 * (routed * s.expertParams + N * s.sharedParams),
        (touched * s.expertParams + s.sharedParams) * se + (routed * (2 * d + width) + N * m.shared * (2 * d + width / tp)) * sa,
        undefined, undefined, touched > 0 ? routed / touched : 0, dqExperts ? touched * s.expertParams + s.sharedParams : undefined,
      );
      emit("all-to-all", "collective", c, 0, 0, "allToAll", routed * d * sa);
    } else if (g.moe && a.moe) {
      const m = a.moe;
      emit("router", "gemm", c, 2 * N * s.routerParams, s.routerParams * sw + N * (d * sa + m.experts * LOGIT_BYTES), undefined, undefined, N, dqDense ? s.routerParams : undefined);
      // grouped: each touched expert read once; gather: each token reads its k experts (GEMVs)
      const gather = moeKernels === "gather";
      const expanded = N * m.active;
      const permuted = operand > 0 && operand < sa ? operand : sa;
      const copy = gather ? 0 : N * d * sa + expanded * d * permuted + expanded * d * sa + N * d * sa;
      emit("routing", "elementwise", c, topkFlops(N, m.experts) + (gather ? 0 : 2 * expanded * d), topkBytes(N, m.experts, m.active) + copy);
      const read = gather ? N * m.active : expertsTouched(m.experts, m.active, N);
      const width = (m.expertIntermediate / tp) * ffnWidth;
      emit(
        "experts", gather ? "gemm" : "grouped", c,
        2 * N * (m.active * s.expertParams + s.sharedParams),
        (read * s.expertParams + s.sharedParams) * se + N * (m.active + m.shared) * (2 * d + width) * sa,
        undefined, undefined, gather ? 1 : read > 0 ? (N * m.active) / read : 0, dqExperts ? read * s.expertParams + s.sharedParams : undefined,
      );
    } else {
      emit("mlp", "gemm", c, 2 * N * s.mlpParams, s.mlpParams * sw + N * (2 * d + (a.intermediate / tp) * ffnWidth) * sa, undefined, undefined, N, dqDense ? s.mlpParams : undefined);
    }
    if (tp > 1) emit("all-reduce", "collective", c, 0, 0, "allReduce", N * d * sa);
    emit("norms", "elementwise", c * a.normsPerLayer, 4 * N * d, 2 * N * d * sa);
  }
  emit("embedding", "elementwise", 1, 0, N * d * (EMBEDDING_BYTES + sa));
  emit("norms", "elementwise", 1, 4 * B * d, 2 * B * d * sa);
  // a replicated head (lmHead "replicated", kernels.ts) reads every vocabulary row and gathers nothing
  const V = lmHead === "replicated" ? a.vocab : s.vocab;
  emit("lm head", "gemm", 1, 2 * B * V * d, V * d * EMBEDDING_BYTES + B * (d * sa + V * LOGIT_BYTES), undefined, undefined, B);
  if (tp > 1 && V !== a.vocab) emit("logits gather", "collective", 1, 0, 0, "allGather", B * a.vocab * LOGIT_BYTES);
}
