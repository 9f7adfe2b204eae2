/**
 * GEMM kernels each operator of ops.ts launches per layer — what a fixed per-GEMM latency
 * (kernels.gemmLatency, the part's `gemmLatency` in datasets/gpus.json) is paid on:
 *
 *   t_op = roofline(op) + launches(op) × gemmLatency
 *
 * One launch per weight matrix the op multiplies in series, with the fusions serving engines
 * make: gate and up projections as one GEMM (vLLM's MergedColumnParallelLinear, SGLang's
 * gate_up_proj), Q, K and V as one (QKVParallelLinear). DeepSeek's MLA runs q_a and kv_a as one
 * GEMM, then q_b and the absorbed W_UK batched GEMM before attention and the absorbed W_UV
 * batched GEMM and o_proj after it (SGLang python/sglang/srt/models/deepseek_v2.py:
 * fused_qkv_a_proj_with_mqa, q_b_proj, w_kc, w_vc, o_proj; DeepSeek-V2, arXiv:2405.04434
 * §2.1.3). MoE experts run two grouped GEMMs (gate_up, then down), and the always-on shared
 * experts two more (DeepSeek-V3, arXiv:2412.19437 §2.1.2). The router and the LM head are one
 * each. Attention, norms and collectives are not GEMMs: 0 (collectives carry their own
 * latency, hardware/collectives.ts).
 *
 * The latency per part (datasets/gpus.json `gemmLatency`) is the intercept α of a least-squares
 * fit t = α + weight bytes ÷ β over measured small-M GEMM times (M ≤ 16 rows, weights up to
 * 64 MB): AMD's tuned gfx942 table for MI300X/MI325X (4.7 µs), and for NVIDIA parts the
 * TensorRT-LLM GEMM latencies NVIDIA's aiconfigurator collected (github.com/ai-dynamo/aiconfigurator,
 * aic-core/src/aiconfigurator_core/systems/data/<part>/gemm/trtllm/<version>/gemm_perf.parquet,
 * bfloat16): A100 4.9 µs, H100 3.6 µs, H200 3.8 µs, B200 3.1 µs, each slope β at 0.67–0.80 of
 * the part's HBM peak — the kit's memory efficiency (0.8) already prices the bytes.
 *
 * Sum, not floor: the same tables fit t = α + bytes/β with a smaller relative residual than
 * t = max(α, bytes/β) (whose best β falls to 0.4–0.5 of HBM), so α is a start-up that the
 * stream adds to — tile dispatch, pipeline fill, the last wave's tail and the split-K reduction —
 * not a minimum that enough bytes hide. The per-layer overhead (overhead.ts) is not reduced for
 * it: refitting the 141 kernel rows (scripts/validate.mjs) with these latencies in place moves
 * the fitted per-layer overhead from 16 to 10.5 µs, onto the 10 µs default, so the GEMM latency
 * explains what the fit asked beyond the default rather than a part of it.
 *
 * Quantized activations. A GEMM whose activations run narrow (W8A8 FP8, NVFP4) first quantizes
 * them: TensorRT-LLM's PyTorch Linear runs static_quantize_e4m3_per_tensor (per-tensor FP8),
 * fp8_quantize_1x128 (FP8 block scales) or fp4_quantize (NVFP4) as its own kernel before the GEMM,
 * and skips it only when the input arrives already quantized from a fused producer
 * (tensorrt_llm/_torch/modules/linear.py: FP8QDQLinearMethod.apply, FP8BlockScalesLinearMethod.apply,
 * NVFP4LinearMethod._input_prepare). The same tables time that Linear per format, so its α holds
 * the quantize launch: H100/H200/B200 α = 7.2/7.3/7.3 µs for FP8 block scales, B200 12.0 µs for
 * NVFP4, and 6.0 µs for per-tensor FP8 once the dynamic scale computation the collector's
 * scale-less weights force (7.2–8.5 µs, aiconfigurator's computescale table) is taken off —
 * served checkpoints carry a static input scale (gpus.json gemmLatency.formats). The excess over
 * the part's bf16 α is booked once per separate quantize launch:
 *
 *   t_op += quantizeLaunches(op) × (α_format − α_bf16)
 *
 * The per-layer kernel count (layerKernels.ts) leaves activation quantization out, so nothing
 * else counts it. Quantize launches per op: one per quantized Linear (QKV or MLA's fused q_a/kv_a
 * and q_b; o_proj; gate_up and down), the fused MoE op one (the fc31 input, quantized once before
 * the grouped GEMMs; the activation kernel writes the down GEMM's input already quantized —
 * tensorrt_llm/_torch/modules/fused_moe) plus two for the shared experts' Linears; MLA's absorbed
 * BMMs, the router and the LM head: none. The excess holds the narrow GEMM's own longer start-up
 * besides the quantize kernel (the static per-tensor quantize alone is 1.4–2.1 µs,
 * aiconfigurator's scale_matrix table), so it stays booked where TensorRT-LLM fuses the quantize
 * upstream — into the FP8 block-scale MoE's permute, or an all-reduce + RMSNorm + quantize
 * kernel (AllReduceFusionOp.RESIDUAL_RMS_NORM_QUANT_FP8/NVFP4) — an upper bound there.
 */
import type { CheckpointQuantization } from "../model/architecture.js";
import type { Precision } from "../hardware/precision.js";
import type { QuantizedGemm } from "../hardware/catalog.js";
import type { WeightFormat } from "./dtypes.js";
import type { Shard } from "./shard.js";

/**
 * [GEMM launches, separate activation-quantize launches when its weights run quantized] per
 * instance of operator `name` (ops.ts names) on shard `s` (module comment); [0, 0] for the rest.
 */
export function launchCounts(name: string, s: Shard): readonly [number, number] {
  const a = s.arch;
  switch (name) {
    case "qkv":
      return a.mla ? MLA_QKV : ONE_EACH;
    case "attn out":
      return a.mla ? MLA_OUT : ONE_EACH;
    case "mlp":
      return TWO_EACH;
    case "experts":
      return a.moe && a.moe.shared > 0 ? SHARED_EXPERTS : EXPERTS;
    case "router":
    case "lm head":
      return GEMM_ONLY;
    default:
      return NONE;
  }
}

// the counts as constants: launchTime runs for every operator of every priced step
const ONE_EACH = [1, 1] as const;
const TWO_EACH = [2, 2] as const;
const MLA_QKV = [3, 2] as const;
const MLA_OUT = [2, 1] as const;
const EXPERTS = [2, 1] as const;
const SHARED_EXPERTS = [4, 3] as const;
const GEMM_ONLY = [1, 0] as const;
const NONE = [0, 0] as const;

/** GEMM launches per instance of operator `name` (ops.ts names) on shard `s`. */
export function gemmLaunches(name: string, s: Shard): number {
  return launchCounts(name, s)[0];
}

/** Separate activation-quantize launches per instance of operator `name` when its weights run quantized (module comment). */
export function quantizeLaunches(name: string, s: Shard): number {
  return launchCounts(name, s)[1];
}

/**
 * The quantized GEMM a weight class runs as, or null for a 16-bit (or weight-only) one: FP8
 * weights at FP8 compute — block-scale where the checkpoint ships FP8 (its 128 × 128 blocks,
 * dtypes.ts), else per-tensor — and FP4 weights at FP4 compute (NVFP4).
 */
export function quantizedGemm(weights: WeightFormat, precision: Precision, checkpoint?: CheckpointQuantization): QuantizedGemm | null {
  if (weights === "fp8" && precision === "fp8") return checkpoint?.method === "fp8" ? "fp8Block" : "fp8";
  if (weights === "fp4" && precision === "fp4") return "fp4";
  return null;
}

/** Seconds one quantize launch adds beyond the bf16 α: α_format − α_bf16 (≥ 0), 0 where unmeasured. */
export function quantizeLatency(format: QuantizedGemm | null, bf16: number | undefined, formats: Readonly<Partial<Record<QuantizedGemm, number>>> | undefined): number {
  const alpha = format === null ? undefined : formats?.[format];
  return alpha === undefined || bf16 === undefined ? 0 : Math.max(0, alpha - bf16);
}
