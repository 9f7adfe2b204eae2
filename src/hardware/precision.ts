/** Numeric formats: the names the kit accepts and their storage size. */
import { SuanliError, show } from "../errors.js";

/** Bytes per element of each storage/compute format. tf32 is stored as fp32. */
export const BYTES_PER_ELEMENT = {
  fp64: 8,
  fp32: 4,
  tf32: 4,
  bf16: 2,
  fp16: 2,
  fp8: 1,
  int8: 1,
  int4: 0.5,
  fp4: 0.5,
} as const;
export type Dtype = keyof typeof BYTES_PER_ELEMENT;
export const DTYPES = Object.keys(BYTES_PER_ELEMENT) as Dtype[];

/** Formats a GPU can compute in (fp64Tensor is FP64 on tensor cores where the part has it). */
export const COMPUTE_PRECISIONS = ["fp64", "fp64Tensor", "fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp4"] as const;
export type Precision = (typeof COMPUTE_PRECISIONS)[number];

const DTYPE_ALIASES: Record<string, Dtype> = {
  float64: "fp64", double: "fp64", float32: "fp32", float: "fp32", float16: "fp16", half: "fp16",
  bfloat16: "bf16", e4m3: "fp8", e5m2: "fp8", float8: "fp8", fp8_e4m3: "fp8", fp8_e5m2: "fp8",
};

/** Read a dtype name ("fp16", "bfloat16", "FP8"…) or refuse it, listing what is accepted. */
export function dtype(name: unknown, what = "dtype"): Dtype {
  if (typeof name === "string") {
    const k = name.toLowerCase();
    if (k in BYTES_PER_ELEMENT) return k as Dtype;
    const alias = DTYPE_ALIASES[k];
    if (alias) return alias;
  }
  throw new SuanliError("unknown-precision", `unknown ${what} ${show(name)}; accepted: ${DTYPES.join(", ")}`, {
    value: name,
    expected: DTYPES.join(", "),
  });
}

export function bytesOf(d: Dtype): number {
  return BYTES_PER_ELEMENT[d];
}
