/**
 * FP8 GEMM efficiency by kernel library. The generation factor of efficiency.ts
 * (COMPUTE_FACTORS, Hopper fp8 0.84) is TensorRT-LLM's static per-tensor FP8 GEMM; a serving
 * engine that runs other FP8 kernels reaches another fraction of the FP8 peak. An engine given
 * a library (`engine.gemmLibrary("DeepGEMM")`) takes the library's factor for its FP8 GEMMs
 * in place of the generation's, where the library lists that generation:
 *
 *   η_gemm = compute × factor(library, architecture),   factor = f_fp8 ÷ f_16
 *
 * f_fp8 and f_16 are the measured fractions of the FP8 and 16-bit dense peaks on the same
 * shape (the ratio keeps the reference 0.7 of efficiency.ts for 16-bit GEMMs). Each factor is
 * the median over the shapes, with its quartiles (`spread`). Shapes: M 2048–8192 and N, K
 * 4096–16384 (1,344 shapes per table), as for the generation factor.
 *
 * - DeepGEMM (FP8 with 1×128 activation and 128×128 weight block scales, DeepSeek-V3 §3.3.2):
 *   NVIDIA aiconfigurator's collected SGLang 0.5.14 tables (https://github.com/ai-dynamo/aiconfigurator,
 *   aic-core/src/aiconfigurator_core/systems/data/{h100_sxm,h200_sxm}/gemm/sglang/0.5.14/
 *   gemm_perf.parquet, gemm_dtype fp8_block, kernel_source sglang_deepgemm_gemm_nt_f8f8bf16,
 *   against bfloat16 torch F.linear of the same table; collector/sglang/collect_gemm.py times the
 *   per-token-group activation quantization with the GEMM, as SGLang runs them): H100 0.807
 *   (quartiles 0.741–0.863), H200 0.814 (0.738–0.883) — 0.81. DeepGEMM's own published table
 *   (github.com/deepseek-ai/DeepGEMM README.md at commit 327ec92, "Performance", H800 SXM5, the
 *   kernel alone) agrees: over its prefill shapes (M 4096 normal GEMMs and the contiguous
 *   grouped GEMMs) 751–1426 TFLOPS, median 1214 = 0.61 of the 1979 TFLOPS dense FP8 peak, where
 *   16-bit GEMMs of those shapes reach 0.75–0.76 (the same aiconfigurator tables): 0.81.
 * - TensorRT-LLM FP8 block-scale (the same block scales through TensorRT-LLM's Linear on Hopper:
 *   fp8_quantize_1x128 then fp8_block_scaling_gemm): aiconfigurator's trtllm tables, gemm_dtype
 *   fp8_block against bfloat16: H100 1.2.0rc5 0.686 (0.625–0.733), H100 1.3.0rc20 0.673
 *   (0.627–0.718), H200 1.3.0rc20 0.685 (0.637–0.730) — 0.68.
 * - TensorRT-LLM (static per-tensor FP8): the generation factor itself, 0.84 (0.72–0.89).
 *
 * No library reaches a higher FP8 fraction than TensorRT-LLM's per-tensor FP8 on Hopper:
 * DeepGEMM's 0.81 lies inside that factor's spread. Other generations are not listed (the
 * generation factor applies); a library's factor is used only at fp8.
 */
import { SuanliError, show } from "../errors.js";
import type { Precision } from "../hardware/precision.js";
import { unitFraction } from "../validate.js";

export interface GemmLibrary {
  /** FP8 GEMM fraction ÷ 16-bit GEMM fraction, by GPU generation (the catalog's architecture). */
  readonly fp8: Readonly<Record<string, number>>;
  /** Lower and upper quartile of the per-shape ratio, by generation. */
  readonly spread: Readonly<Record<string, readonly [number, number]>>;
  readonly source: string;
}

const AIC = "https://github.com/ai-dynamo/aiconfigurator (aic-core/src/aiconfigurator_core/systems/data/{h100_sxm,h200_sxm}/gemm";

export const GEMM_LIBRARIES: Readonly<Record<string, GemmLibrary>> = Object.freeze({
  DeepGEMM: Object.freeze({
    fp8: Object.freeze({ Hopper: 0.81 }),
    spread: Object.freeze({ Hopper: [0.74, 0.88] as const }),
    source: `${AIC}/sglang/0.5.14, fp8_block vs bfloat16); https://github.com/deepseek-ai/DeepGEMM/blob/327ec92/README.md (Performance, H800)`,
  }),
  "TensorRT-LLM FP8 block-scale": Object.freeze({
    fp8: Object.freeze({ Hopper: 0.68 }),
    spread: Object.freeze({ Hopper: [0.63, 0.73] as const }),
    source: `${AIC}/trtllm/1.2.0rc5 and 1.3.0rc20, fp8_block vs bfloat16)`,
  }),
  "TensorRT-LLM": Object.freeze({
    fp8: Object.freeze({ Hopper: 0.84 }),
    spread: Object.freeze({ Hopper: [0.72, 0.89] as const }),
    source: `${AIC}/trtllm/1.2.0rc5, static fp8 vs bfloat16; efficiency.ts COMPUTE_FACTORS)`,
  }),
});

/** A library by name, or a factor of your own: `{ fp8: 0.8 }` (FP8 ÷ 16-bit fraction, in (0, 1]). */
export type GemmLibraryChoice = string | { readonly fp8: number };

/** Validate a choice: a listed library or `{ fp8 }` with a fraction in (0, 1]; refused naming the value. */
export function checkGemmLibrary(choice: GemmLibraryChoice): GemmLibraryChoice {
  if (typeof choice === "string") {
    // names are matched without regard to case, as gpu() and model() match theirs
    const name = Object.keys(GEMM_LIBRARIES).find((k) => k.toLowerCase() === choice.toLowerCase());
    if (name === undefined) {
      const known = Object.keys(GEMM_LIBRARIES).join(", ");
      throw new SuanliError("bad-argument", `unknown GEMM library ${show(choice)}; known: ${known} (or { fp8: factor })`, { value: choice, expected: known });
    }
    return name;
  }
  if (choice === null || typeof choice !== "object" || Object.keys(choice).some((k) => k !== "fp8")) {
    throw new SuanliError("bad-argument", `gemmLibrary takes a library name or { fp8: factor }, got ${show(choice)}`, { value: choice });
  }
  return Object.freeze({ fp8: unitFraction(choice.fp8, "gemmLibrary.fp8") });
}

/**
 * The FP8 GEMM factor `choice` gives on generation `architecture` at `precision`, or undefined
 * where it gives none (not fp8, or a library without that generation): the caller keeps the
 * generation factor (efficiency.ts computeFactor).
 */
export function gemmLibraryFactor(choice: GemmLibraryChoice | undefined, architecture: string, precision: Precision): number | undefined {
  if (choice === undefined || precision !== "fp8") return undefined;
  return typeof choice === "string" ? GEMM_LIBRARIES[choice]?.fp8[architecture] : choice.fp8;
}
