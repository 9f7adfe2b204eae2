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
