/**
 * Achievable fractions of the datasheet roofs. A datasheet gives peaks no kernel reaches; the
 * roofline divides by η × peak instead. These are explicit, documented defaults, overridable
 * with `engine.efficiency({ … })` and fitted to measurements by `calibrate(…)`.
 *
 * - compute 0.7 — dense GEMMs at serving shapes on the reference generation (Hopper, Ampere):
 *   XLA's measured table gives H100 bf16 0.79 of peak at m = n = k = 4096 (see below) and less for
 *   the narrower N and K a tensor-parallel shard leaves; cuBLAS on A100 reaches a similar share
 *   (Narayanan et al. 2021, arXiv:2104.04473 Table 1). 0.7 sits below the large-GEMM figure.
 * - memory 0.8 — streaming kernels reach ~85–92 % of HBM peak (BabelStream-class measurements),
 *   and decode GEMV/attention kernels somewhat less; "model bandwidth utilisation" reported by
 *   serving engines at batch 1 is 60–80 % (Databricks, "LLM Inference Performance Engineering:
 *   Best Practices", 2023, https://www.databricks.com/blog/llm-inference-performance-engineering-best-practices).
 * - link 0.8 — NCCL ring all-reduce "bus bandwidth" on NVLink reaches ~75–85 % of the per-direction
 *   link rate for large messages (nccl-tests, https://github.com/NVIDIA/nccl-tests/blob/master/doc/PERFORMANCE.md).
 *
 * The compute fraction is the reference generation's (Hopper and Ampere); other GPU
 * generations reach a different fraction of their datasheet peak, and `computeFactor` scales it
 * (COMPUTE_FACTORS). XLA's measured GEMM table (openxla/xla, xla/service/gpu/model/
 * matmul_interpolator_data.h) gives, at m = n = k = 4096: H100 (sm_90) bf16 783 TFLOPS = 0.79 of
 * its 989.5 peak; B200 (sm_100) bf16 1417 TFLOPS = 0.63 of 2250 and fp8 2765 TFLOPS = 0.61 of 4500
 * — Blackwell at 0.8× Hopper's fraction. FP4 is not in the table; it is given fp8's factor.
 *
 * FP8 on Hopper reaches a lower fraction of its (twice as high) peak than BF16 does of its own:
 * the FP8 tensor-core rate doubles while the work beside the MMAs does not — the FP8 kernels
 * promote their limited-precision tensor-core accumulators into FP32 registers every few
 * K-blocks on the CUDA cores (DeepSeek-V3, arXiv:2412.19437 §3.3.2, "Increasing Accumulation
 * Precision"; cuBLASLt's CUBLASLT_MATMUL_DESC_FAST_ACCUM off by default) and the scaled epilogue
 * runs at the same rate as BF16's. Measured TensorRT-LLM GEMMs (NVIDIA aiconfigurator's
 * collected tables, https://github.com/ai-dynamo/aiconfigurator, aic-core/src/aiconfigurator_core/
 * systems/data/{h100_sxm,h200_sxm}/gemm/trtllm/1.2.0rc5/gemm_perf.parquet, static FP8 = the
 * dynamic FP8 latency less the quantize/compute_scale/trtllm/1.2.0rc5 computescale_perf
 * overhead, as aiconfigurator derives it): over M 2048–8192 and N, K 4096–16384 on H100 and
 * H200, 96 shapes, FP8 reaches 0.61–0.63 of its peak where BF16 reaches 0.75–0.76 of its own;
 * the median ratio of the two fractions is 0.84 (quartiles 0.72 and 0.89). Hopper fp8 is given
 * that factor (an engine running other FP8 kernels, `.gemmLibrary(…)`, takes its library's
 * factor instead: gemmLibraries.ts); its 16-bit attention keeps the 16-bit factor (1). Ada's FP8 (L40S, same tables:
 * 0.82 of BF16's fraction) is not listed: the shipped L40S rows (TensorRT-LLM v0.9) do not ask
 * for it, and a factor the measurements contradict is not a default.
 *
 * All three are fractions in (0, 1]; anything else is refused naming the value.
 * The model's other fitted constants are not fractions of a roof and live beside these: the
 * kernels' compute/memory overlap (kernels.ts) and the fixed per-step overhead (overhead.ts).
 */
import { SuanliError, show } from "../errors.js";
import type { Precision } from "../hardware/precision.js";
import { unitFraction } from "../validate.js";

export interface Efficiency {
  /** Fraction of dense peak FLOP/s the GEMMs and attention reach. */
  readonly compute: number;
  /** Fraction of HBM bandwidth weight, KV and activation streams reach. */
  readonly memory: number;
  /** Fraction of per-direction link bandwidth a collective reaches. */
  readonly link: number;
}

export const EFFICIENCY_KEYS = ["compute", "memory", "link"] as const;

/** The defaults above; see the module comment for where each value comes from. */
export const DEFAULT_EFFICIENCY: Efficiency = Object.freeze({ compute: 0.7, memory: 0.8, link: 0.8 });

/** Where each default comes from (for `.explain()`-style notes and the notebook). */
export const EFFICIENCY_SOURCES: Readonly<Record<keyof Efficiency, string>> = Object.freeze({
  compute: "arXiv:2104.04473 Table 1; https://docs.nvidia.com/cuda/cublas/",
  memory: "https://www.databricks.com/blog/llm-inference-performance-engineering-best-practices",
  link: "https://github.com/NVIDIA/nccl-tests/blob/master/doc/PERFORMANCE.md",
});

/** Merge a user patch over `base`, validating each fraction in (0, 1] and refusing unknown keys. */
export function withEfficiency(base: Efficiency, patch: Partial<Efficiency>): Efficiency {
  if (patch === null || typeof patch !== "object") {
    throw new SuanliError("bad-argument", `efficiency takes an object like { compute: 0.7, memory: 0.8, link: 0.8 }, got ${show(patch)}`, { value: patch });
  }
  const next: Record<string, number> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (!(EFFICIENCY_KEYS as readonly string[]).includes(k)) {
      throw new SuanliError("bad-argument", `unknown efficiency ${show(k)}; accepted: ${EFFICIENCY_KEYS.join(", ")}`, { value: k, expected: EFFICIENCY_KEYS.join(", ") });
    }
    if (v === undefined) continue;
    next[k] = unitFraction(v, `efficiency.${k}`);
  }
  return Object.freeze(next as unknown as Efficiency);
}

/**
 * Fraction of the reference generation's compute efficiency each GPU generation (the catalog's
 * `architecture`) reaches at a precision; 1 where nothing is listed. See the module comment.
 */
export const COMPUTE_FACTORS: Readonly<Record<string, Partial<Record<Precision, number>>>> = Object.freeze({
  Blackwell: Object.freeze({ fp16: 0.8, bf16: 0.8, fp8: 0.8, int8: 0.8, fp4: 0.8 }),
  Hopper: Object.freeze({ fp8: 0.84 }),
  // CDNA 3 (MI300X): AMD's max-achievable FLOPs ÷ the dense peak ÷ Hopper's 0.79 (CDNA3_MAF_SOURCE)
  "CDNA 3": Object.freeze({ fp16: 0.63, bf16: 0.69, fp8: 0.62 }),
});

/**
 * AMD's measured max-achievable FLOPs on MI300X (hipBLASLt, M = 4096, N = 4864 or 3648,
 * K = 32896, warm and at the median clock under load): FP16 654, BF16 708, FP8 1273 TFLOPS —
 * 0.50, 0.54 and 0.49 of its 1307.4 / 1307.4 / 2614.9 dense peaks, against H100's 0.79 at bf16
 * in XLA's table: factors 0.63, 0.69, 0.62 for the "CDNA 3" entry. The same table gives MI325X
 * (same 304 CUs, 1000 W, higher clocks) 794 / 843 / 1519 TFLOPS, 0.61–0.64 of peak; the entry
 * keeps MI300X's lower figures for the whole generation.
 */
export const CDNA3_MAF_SOURCE = "https://rocm.blogs.amd.com/software-tools-optimization/measuring-max-achievable-flops-part2/README.html (Table 1)";

export const COMPUTE_FACTOR_SOURCE =
  "https://github.com/openxla/xla/blob/main/xla/service/gpu/model/matmul_interpolator_data.h (sm_90 and sm_100_B200 entries, m = n = k = 4096); " +
  "https://github.com/ai-dynamo/aiconfigurator (systems/data/h100_sxm and h200_sxm gemm/trtllm/1.2.0rc5: FP8 vs BF16 fraction of peak, M 2048–8192, N and K 4096–16384)";

/** The factor for GPU generation `architecture` at `precision` (1 when not listed). */
export function computeFactor(architecture: string, precision: Precision): number {
  return COMPUTE_FACTORS[architecture]?.[precision] ?? 1;
}
