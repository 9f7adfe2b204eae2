/**
 * Read a HuggingFace config.json into an Architecture. Understands the Llama family (llama,
 * mistral, mixtral, qwen2, phi3), Qwen 3 dense and MoE (QK-norm), Llama 4 (text_config:
 * interleaved MoE with a shared expert, chunked attention), Gemma 2/3, DeepSeek V2/V3/V3.2 and
 * Kimi K2 (MLA + MoE with group-limited routing; V3.2's sparse-attention indexer), gpt-oss
 * (attention sinks, alternating sliding windows, MXFP4 experts), Falcon (MQA) and GPT-2-style
 * configs (used for GPT-3 175B). Missing required fields and inconsistent head counts are
 * refused with the field's name.
 */
import { SuanliError, show } from "../errors.js";
import { attentionKind, type Architecture, type CheckpointQuantization, type MlaDims, type MoeSpec, type SparseAttention } from "./architecture.js";
import { readMoe } from "./moeConfig.js";

export type HFConfig = Record<string, unknown>;

const SUPPORTED = [
  "llama", "mistral", "mixtral", "qwen2", "qwen3", "qwen3_moe", "phi3", "gemma", "gemma2", "gemma3_text", "llama4", "llama4_text",
  "deepseek_v2", "deepseek_v3", "deepseek_v32", "kimi_k2", "gpt_oss", "falcon", "RefinedWebModel", "gpt2",
];
/** Multimodal wrappers whose language model lives under "text_config". */
const WRAPPERS = ["llama4"];
/** DeepSeek-style MLA + MoE configs. */
const DEEPSEEK_LIKE = ["deepseek_v2", "deepseek_v3", "deepseek_v32", "kimi_k2"];

/** Largest integer a config field may hold (2^31 − 1, what the frameworks' int32 fields allow). */
const MAX_FIELD = 2 ** 31 - 1;
/** Most layers a config may declare (per-layer tables are built from it). */
const MAX_LAYERS = 100_000;

export class Reader {
  constructor(private readonly c: HFConfig, private readonly name: string) {}

  /** A required positive integer, under the first of `keys` present. */
  int(...keys: string[]): number {
    for (const k of keys) {
      const v = this.c[k];
      if (v === undefined || v === null) continue;
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > MAX_FIELD) {
        throw new SuanliError("bad-config", `${this.name}: config field "${k}" must be a positive integer up to ${MAX_FIELD}, got ${show(v)}`, { value: v, expected: `1 … ${MAX_FIELD}` });
      }
      return v;
    }
    throw new SuanliError("bad-config", `${this.name}: config.json is missing "${keys[0]}"${keys.length > 1 ? ` (or ${keys.slice(1).join(", ")})` : ""}`, {
      value: keys[0],
    });
  }

  optInt(...keys: string[]): number | undefined {
    return keys.some((k) => this.c[k] !== undefined && this.c[k] !== null) ? this.int(...keys) : undefined;
  }

  bool(key: string, dflt: boolean): boolean {
    const v = this.c[key];
    return typeof v === "boolean" ? v : dflt;
  }
}

/**
 * Llama 4: layers with RoPE attend within chunks of attention_chunk_size; every
 * no_rope_layer_interval-th layer (default 4, counting from 1) is global NoPE attention
 * (HF Llama4TextConfig.no_rope_layers; Meta's "iRoPE").
 */
function llama4Chunks(c: HFConfig, layers: number): (number | null)[] {
  const chunk = typeof c.attention_chunk_size === "number" && c.attention_chunk_size > 0 ? c.attention_chunk_size : null;
  const nope = Array.isArray(c.no_rope_layers) && c.no_rope_layers.length === layers ? (c.no_rope_layers as unknown[]) : undefined;
  const interval = typeof c.no_rope_layer_interval === "number" ? c.no_rope_layer_interval : 4;
  return Array.from({ length: layers }, (_, i) => {
    const rope = nope ? nope[i] !== 0 : (i + 1) % interval !== 0;
    return rope ? chunk : null;
  });
}

function windowsFor(c: HFConfig, type: string, layers: number): (number | null)[] {
  if (type === "llama4_text") return llama4Chunks(c, layers);
  const w = typeof c.sliding_window === "number" && c.sliding_window > 0 ? c.sliding_window : null;
  const all = (x: number | null) => Array.from({ length: layers }, () => x);
  const types = c.layer_types;
  if (Array.isArray(types) && w !== null) {
    if (types.length !== layers) throw new SuanliError("bad-config", `config "layer_types" has ${types.length} entries for ${layers} layers`, { value: types.length });
    return types.map((t) => (t === "sliding_attention" ? w : null));
  }
  if (w === null) return all(null);
  switch (type) {
    case "gemma2": // even layers slide (HF Gemma2DecoderLayer: is_sliding = not layer_idx % 2)
      return Array.from({ length: layers }, (_, i) => (i % 2 === 0 ? w : null));
    case "gemma3_text": {
      const n = typeof c.sliding_window_pattern === "number" ? c.sliding_window_pattern : 6;
      return Array.from({ length: layers }, (_, i) => ((i + 1) % n === 0 ? null : w));
    }
    case "qwen2":
    case "qwen3":
    case "qwen3_moe":
      return c.use_sliding_window === true ? all(w) : all(null);
    case "mistral":
    case "mixtral":
    case "phi3":
      return all(w);
    default:
      return all(null);
  }
}

/**
 * The checkpoint's weight format from quantization_config: fp8 (e4m3, 8 bits; DeepSeek, Qwen3
 * FP8, Kimi K2 — block scales are 1 fp32 per 128 × 128 weights, negligible) or mxfp4 (gpt-oss:
 * blocks of 32 FP4 values sharing one 8-bit power-of-two scale, OCP Microscaling Formats v1.0,
 * so 4.25 bits; only the routed experts, per modules_to_not_convert).
 *
 * NVIDIA's ModelOpt re-quantizations (nvidia/*-NVFP4) drop quantization_config from config.json
 * and describe the format in a separate hf_quant_config.json (`quant`): quant_algo "NVFP4" is 16
 * FP4 (e2m1) values sharing one FP8 (e4m3) scale, 4.5 bits (plus one fp32 scale per tensor,
 * negligible; NVIDIA, "Introducing NVFP4", developer.nvidia.com/blog, 2025), on every linear
 * layer but its exclude_modules. Those are counted at 4.5 bits too: for DeepSeek-V3.1-NVFP4 they
 * are lm_head (16-bit here anyway), the MTP layer (not counted) and MLA's q_a/q_b/kv_a/kv_b
 * projections, 4.3 B of 671 B parameters kept bf16 — the kit's weight bytes are ≈ 6 GB (1.6 %)
 * under the checkpoint's.
 */
function checkpointQuantization(c: HFConfig, type: string, quant?: unknown): CheckpointQuantization | undefined {
  const q = c.quantization_config as Record<string, unknown> | undefined;
  if (q && typeof q === "object") {
    const method = String(q.quant_method ?? "");
    if (method === "mxfp4") return { method, bitsPerWeight: 4.25, scope: type === "gpt_oss" ? "experts" : "linear" };
    if (method === "fp8") return { method, bitsPerWeight: 8, scope: "linear" };
  }
  const algo = (quant as { quantization?: { quant_algo?: unknown } } | undefined)?.quantization?.quant_algo;
  if (algo === "NVFP4") return { method: "nvfp4", bitsPerWeight: 4.5, scope: "linear" };
  return undefined;
}

/**
 * Parse a HuggingFace config.json object into an Architecture; `quant` is the checkpoint's
 * ModelOpt hf_quant_config.json where it has one (see checkpointQuantization).
 */
export function parseHFConfig(config: unknown, name = "config", quant?: unknown): Architecture {
  if (!config || typeof config !== "object" || Array.isArray(config)) {
    throw new SuanliError("bad-config", `${name}: a config must be a JSON object (HuggingFace config.json), got ${show(config)}`, { value: config });
  }
  const outer = config as HFConfig;
  const c = WRAPPERS.includes(String(outer.model_type)) && outer.text_config && typeof outer.text_config === "object" ? (outer.text_config as HFConfig) : outer;
  const type = String(c.model_type ?? (c === outer ? "" : `${String(outer.model_type)}_text`));
  if (!SUPPORTED.includes(type)) {
    throw new SuanliError("bad-config", `${name}: model_type ${show(c.model_type)} is not supported (supported: ${SUPPORTED.join(", ")})`, {
      value: c.model_type,
      expected: SUPPORTED.join(", "),
    });
  }
  const r = new Reader(c, name);
  const isGpt = type === "gpt2";
  const isFalcon = type === "falcon" || type === "RefinedWebModel";
  const hidden = r.int("hidden_size", "n_embd", "d_model");
  const layers = r.int("num_hidden_layers", "n_layer", "num_layers");
  if (layers > MAX_LAYERS) throw new SuanliError("bad-config", `${name}: ${layers} layers is more than the ${MAX_LAYERS.toLocaleString("en-US")} a config may declare`, { value: layers, expected: `1 … ${MAX_LAYERS}` });
  const heads = r.int("num_attention_heads", "n_head", "num_heads");
  const isMla = DEEPSEEK_LIKE.includes(type) && typeof c.kv_lora_rank === "number";
  let kvHeads: number;
  if (isFalcon) {
    kvHeads = c.new_decoder_architecture ? r.int("num_kv_heads") : c.multi_query ? 1 : heads;
  } else {
    kvHeads = r.optInt("num_key_value_heads", "num_kv_heads") ?? heads;
  }
  if (heads % kvHeads !== 0) {
    throw new SuanliError("bad-config", `${name}: num_attention_heads (${heads}) is not a multiple of num_key_value_heads (${kvHeads})`, { value: kvHeads });
  }
  let headDim = r.optInt("head_dim") ?? (type === "gemma2" || type === "gemma" ? 256 : 0);
  if (headDim === 0) {
    if (hidden % heads !== 0) {
      throw new SuanliError("bad-config", `${name}: hidden_size (${hidden}) is not divisible by num_attention_heads (${heads}) and no "head_dim" is given`, { value: hidden });
    }
    headDim = hidden / heads;
  }
  let vHeadDim = headDim;
  let mla: MlaDims | undefined;
  if (isMla) {
    mla = {
      qLoraRank: typeof c.q_lora_rank === "number" ? c.q_lora_rank : null,
      kvLoraRank: r.int("kv_lora_rank"),
      qkNopeHeadDim: r.int("qk_nope_head_dim"),
      qkRopeHeadDim: r.int("qk_rope_head_dim"),
      vHeadDim: r.int("v_head_dim"),
    };
    headDim = mla.qkNopeHeadDim + mla.qkRopeHeadDim;
    vHeadDim = mla.vHeadDim;
  }
  const intermediate = isGpt
    ? (r.optInt("n_inner") ?? 4 * hidden)
    : isFalcon
      ? (r.optInt("ffn_hidden_size") ?? 4 * hidden)
      : type === "llama4_text"
        ? r.int("intermediate_size_mlp", "intermediate_size")
        : r.int("intermediate_size");
  const moe: MoeSpec | undefined = readMoe(c, type, r, intermediate);
  if (moe && moe.active > moe.experts) {
    throw new SuanliError("bad-config", `${name}: num_experts_per_tok (${moe.active}) exceeds the number of experts (${moe.experts})`, { value: moe.active });
  }
  const sparse: SparseAttention | undefined =
    isMla && typeof c.index_topk === "number"
      ? { topk: r.int("index_topk"), indexHeads: r.int("index_n_heads"), indexHeadDim: r.int("index_head_dim") }
      : undefined;
  const quantization = checkpointQuantization(c, type, quant);
  const tiedDefault = isGpt || isFalcon || type.startsWith("gemma");
  const gemma = type.startsWith("gemma");
  const arch: Architecture = {
    modelType: type,
    layers,
    hidden,
    heads,
    kvHeads,
    headDim,
    vHeadDim,
    vocab: r.int("vocab_size"),
    intermediate,
    mlp: isGpt || isFalcon ? "plain" : "gated",
    tiedEmbeddings: isGpt ? true : r.bool("tie_word_embeddings", tiedDefault),
    maxPosition: r.optInt("max_position_embeddings", "n_positions", "n_ctx") ?? 2048,
    learnedPositions: isGpt,
    norm: isGpt || isFalcon ? "layer" : "rms",
    normsPerLayer: gemma && type !== "gemma" ? 4 : isFalcon && c.parallel_attn !== false && !c.new_decoder_architecture ? 1 : 2,
    qkNorm: type === "gemma3_text" || type === "qwen3" || type === "qwen3_moe",
    qkL2Norm: type === "llama4_text" && c.use_qk_norm === true,
    sinks: type === "gpt_oss",
    bias: isGpt || type === "gpt_oss" ? "all" : type === "qwen2" ? "qkv" : isFalcon && c.bias === true ? "all" : "none",
    windows: windowsFor(c, type, layers),
    chunked: type === "llama4_text",
    attention: attentionKind(heads, kvHeads, isMla),
    ...(mla ? { mla } : {}),
    ...(moe ? { moe } : {}),
    ...(sparse ? { sparse } : {}),
    ...(quantization ? { quantization } : {}),
  };
  return Object.freeze(arch);
}
