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
 */
import { SuanliError, show } from "../errors.js";
import { bytesOf, dtype as readDtype, type Dtype, type Precision } from "../hardware/precision.js";
import { positiveInt } from "../validate.js";

export interface Dtypes {
  readonly weights: Dtype;
  readonly kv: Dtype;
  /** Weights per scale for group-quantized int4 (default 128). */
  readonly group: number;
}

export interface DtypeOptions {
  weights?: Dtype | string;
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
  return Object.freeze({
    weights: pick(o.weights, WEIGHT_DTYPES, "weight dtype", base.weights),
    kv: pick(o.kv, KV_DTYPES, "KV dtype", base.kv),
    group: o.group === undefined ? base.group : positiveInt(o.group, "group"),
  });
}

/** Bytes per weight parameter including group scales: int4 0.5 + 2/group, fp4 0.5 + 1/16. */
export function weightBytesPerParam(d: Dtypes): number {
  if (d.weights === "int4") return 0.5 + 2 / d.group;
  if (d.weights === "fp4") return 0.5 + 1 / 16;
  return bytesOf(d.weights);
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
