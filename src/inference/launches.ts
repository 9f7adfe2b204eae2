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
 */
import type { Shard } from "./shard.js";

/** GEMM launches per instance of operator `name` (ops.ts names) on shard `s`. */
export function gemmLaunches(name: string, s: Shard): number {
  const a = s.arch;
  switch (name) {
    case "qkv":
      return a.mla ? 3 : 1;
    case "attn out":
      return a.mla ? 2 : 1;
    case "mlp":
      return 2;
    case "experts":
      return 2 + (a.moe && a.moe.shared > 0 ? 2 : 0);
    case "router":
    case "lm head":
      return 1;
    default:
      return 0;
  }
}
