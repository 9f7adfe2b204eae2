/**
 * Storage formats of an inference run, chosen independently of the compute precision (the
 * Gpu's `.fp8()`, `.fp16()`…, whose dense peak the GEMMs run at):
 *
 * - weights: fp16/bf16/fp8/int8/int4/fp4. Group-quantized formats carry scales:
 *   int4 one fp16 scale per `group` weights (default 128, as AWQ/GPTQ; Lin et al. 2023,
 *   arXiv:2306.00978), so bytes/param = 0.5 + 2/group; fp4 one fp8 scale per 16 (NVFP4).
 *   fp8/int8 use per-tensor or per-channel scales, negligible beside the weights.
 *   Embeddings and the LM head stay 16-bit, as quantization toolkits leave them
 *   (NVIDIA ModelOpt, https://nvidia.github.io/TensorRT-Model-Optimizer/).
 * - kv: the KV cache element type (fp16 or fp8/int8).
 * - activations: 2 bytes (fp16/bf16) on the wire and between kernels.
 *
 * Defaults follow the compute precision: fp8 compute → fp8 weights and fp8 KV (TensorRT-LLM's
 * FP8 recipe); int8 → int8 weights; fp4 → fp4 weights with fp8 KV; fp32/tf32 (and fp64) → fp32
 * weights and KV; otherwise 16-bit everything. README.md "What a precision means" tabulates it.
 *
 * A checkpoint published quantized (its config's quantization_config; model/config.ts) is served
 * as published wherever that is narrower than the precision's default: each weight class the
 * checkpoint quantizes keeps the checkpoint's format, the rest follows the table. DeepSeek-V3/R1/
 * V3.2, Kimi K2 and Qwen3-FP8 store every linear layer fp8 (e4m3, one fp32 scale per 128 × 128
 * block, negligible); gpt-oss stores its routed experts MXFP4 — 32 FP4 values sharing one 8-bit
 * scale, 4.25 bits (OCP Microscaling Formats v1.0 §5; the model card: "MXFP4 quantization of the
 * MoE weights", so gpt-oss-120b runs on one 80 GB GPU) — and attention, router, embeddings and
 * LM head bf16 (its modules_to_not_convert); NVIDIA's NVFP4 re-quantizations (DeepSeek-V3.1-NVFP4,
 * its hf_quant_config.json) store every linear layer fp4. An explicit `weights` option replaces both; an
 * explicit `experts` option stores the routed and shared experts apart from the other weights
 * (TensorRT-LLM's DeepSeek-R1 latency recipe: BF16 attention, NVFP4 MoE).
 */
import { SuanliError, show } from "../errors.js";
import { bytesOf, dtype as readDtype, type Dtype, type Precision } from "../hardware/precision.js";
import type { CheckpointQuantization } from "../model/architecture.js";
import { positiveInt } from "../validate.js";

/** A weight storage format: a dtype, or MXFP4 (4-bit values, one 8-bit scale per 32). */
export type WeightFormat = Dtype | "mxfp4";

export interface Dtypes {
  readonly weights: WeightFormat;
  readonly kv: Dtype;
  /** Weights per scale for group-quantized int4 (default 128). */
  readonly group: number;
  /** Storage of the MoE experts' weights where it differs from `weights` (a checkpoint's MXFP4 experts). */
  readonly experts?: WeightFormat;
}

export interface DtypeOptions {
  weights?: Dtype | string;
  /** The MoE experts' storage where it differs from `weights` (BF16 attention beside NVFP4 experts). */
  experts?: Dtype | string;
  kv?: Dtype | string;
  group?: number;
}

const WEIGHT_DTYPES: readonly Dtype[] = ["fp32", "bf16", "fp16", "fp8", "int8", "int4", "fp4"];
const KV_DTYPES: readonly Dtype[] = ["fp32", "bf16", "fp16", "fp8", "int8", "int4"];

/** Defaults for a compute precision (see the module comment). */
export function defaultDtypes(p: Precision): Dtypes {
  const wide = p === "fp32" || p === "tf32" || p === "fp64" || p === "fp64Tensor";
  const weights: Dtype = wide ? "fp32" : p === "fp8" ? "fp8" : p === "int8" ? "int8" : p === "fp4" ? "fp4" : p === "bf16" ? "bf16" : "fp16";
  const kv: Dtype = wide ? "fp32" : p === "fp8" || p === "fp4" ? "fp8" : p === "bf16" ? "bf16" : "fp16";
  return Object.freeze({ weights, kv, group: 128 });
}

/** Bytes per parameter of a format at its own scales (int4 with `group`); see the module comment. */
function formatBytes(f: WeightFormat, group: number): number {
  if (f === "mxfp4") return 0.5 + 1 / 32;
  if (f === "int4") return 0.5 + 2 / group;
  if (f === "fp4") return 0.5 + 1 / 16;
  return bytesOf(f);
}

/**
 * `base` with a checkpoint's declared quantization applied where it is narrower (the module
 * comment's rule): scope "linear" → `weights`, scope "experts" → `experts`.
 */
export function checkpointDtypes(base: Dtypes, q: CheckpointQuantization | undefined): Dtypes {
  if (q === undefined) return base;
  const f: WeightFormat = q.method === "mxfp4" ? "mxfp4" : q.method === "fp8" ? "fp8" : q.method === "nvfp4" ? "fp4" : base.weights;
  if (formatBytes(f, base.group) >= formatBytes(base.weights, base.group)) return base;
  return Object.freeze(q.scope === "experts" ? { ...base, experts: f } : { ...base, weights: f });
}

/** Merge user options over `base`, refusing formats that make no sense for the role. */
export function withDtypes(base: Dtypes, o: DtypeOptions): Dtypes {
  const pick = (v: unknown, allowed: readonly Dtype[], what: string, fallback: Dtype): Dtype => {
    if (v === undefined) return fallback;
    const d = readDtype(v, what);
    if (!allowed.includes(d)) {
      throw new SuanliError("unknown-precision", `${what} ${show(v)} is not supported; accepted: ${allowed.join(", ")}`, { value: v, expected: allowed.join(", ") });
    }
    return d;
  };
  // An explicit weights option replaces the checkpoint's formats too (experts included),
  // an explicit experts option sets the experts' alone.
  const experts =
    o.experts !== undefined ? { experts: pick(o.experts, WEIGHT_DTYPES, "expert dtype", "fp16") } : o.weights === undefined && base.experts !== undefined ? { experts: base.experts } : {};
  return Object.freeze({
    weights: o.weights === undefined ? base.weights : pick(o.weights, WEIGHT_DTYPES, "weight dtype", "fp16"),
    kv: pick(o.kv, KV_DTYPES, "KV dtype", base.kv),
    group: o.group === undefined ? base.group : positiveInt(o.group, "group"),
    ...experts,
  });
}

/** Bytes per weight parameter including scales: int4 0.5 + 2/group, fp4 0.5 + 1/16, mxfp4 0.5 + 1/32. */
export function weightBytesPerParam(d: Dtypes): number {
  return formatBytes(d.weights, d.group);
}

/** Bytes per MoE expert parameter (routed and shared experts): `experts` where set, else as `weights`. */
export function expertBytesPerParam(d: Dtypes): number {
  return formatBytes(d.experts ?? d.weights, d.group);
}

/** "fp8", or "bf16, experts mxfp4" where the experts are stored apart. */
export function describeWeights(d: Dtypes): string {
  return d.experts === undefined ? d.weights : `${d.weights}, experts ${d.experts}`;
}

/** Bytes per KV element. */
export function kvBytesPerElement(d: Dtypes): number {
  return bytesOf(d.kv);
}

/** Bytes per activation element (fp16/bf16). */
export const ACTIVATION_BYTES = 2;
/** Bytes per element of embeddings and the LM head (kept 16-bit). */
export const EMBEDDING_BYTES = 2;
/** Bytes per logit (fp32, as engines return them). */
export const LOGIT_BYTES = 4;
