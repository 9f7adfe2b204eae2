/**
 * Kernels one transformer layer launches in a decode step, by its architecture — what the
 * per-layer overhead (overhead.ts, perLayer) pays for. The default perLayer is the cost of a
 * dense Llama layer under the reference engine (TensorRT-LLM, 10 kernels; servingEngines.ts);
 * a layer that launches more kernels pays in proportion:
 *
 *   perLayer(layer) = perLayer × kernels(layer) ÷ 10,   kernels = attention block + FFN block
 *
 * Counted from TensorRT-LLM's code for the decode (generation) path, collectives apart
 * (collectives.ts prices the tensor-parallel all-reduces and expert all-to-alls with their own
 * latency), activation quantization apart as in the dense reference:
 *
 * - GQA/MHA/MQA attention block, 4: input RMSNorm, QKV GEMM, the attention kernel (RoPE, KV write
 *   and attention fused), output GEMM (tensorrt_llm/models/llama/model.py, LLaMADecoderLayer).
 * - MLA attention block, 10: input RMSNorm; the fused q_a + kv_a down-projection GEMM
 *   (`kv_a_proj_with_mqa`, "fused_a"); q_a_layernorm and kv_a_layernorm (two kernels, run on two
 *   streams); q_b_proj GEMM; the absorbed W_UK batched GEMM (`k_b_proj_trans` BMM) beside
 *   `mla_rope_generation` (RoPE of q_pe and k_pe, KV-cache append); the MLA generation attention
 *   kernel; the absorbed W_UV batched GEMM (`v_b_proj` BMM); o_proj GEMM
 *   (tensorrt_llm/_torch/modules/attention.py, MLA.forward_absorption_generation;
 *   https://github.com/NVIDIA/TensorRT-LLM/blob/main/tensorrt_llm/_torch/modules/attention.py).
 *   Without a query down-projection (qLoraRank null, DeepSeek-V2-Lite) the q_a norm goes and
 *   q_proj replaces q_b_proj: 9.
 * - Dense FFN block, 6: post-attention residual add + RMSNorm, fc and gate GEMMs, SiLU·mul, down
 *   GEMM, residual add (LLaMADecoderLayer, as above).
 * - MoE FFN block, 10: post-attention residual add + RMSNorm; router GEMM
 *   (`dsv3_router_gemm_op`); top-k routing (`noaux_tc_op`) — DeepseekV3Gate and
 *   Deepseekv3MoE.compute_routed_output in tensorrt_llm/_torch/models/modeling_deepseekv3.py
 *   (https://github.com/NVIDIA/TensorRT-LLM/blob/main/tensorrt_llm/_torch/models/modeling_deepseekv3.py);
 *   then the fused MoE op, CutlassMoeFCRunner::runMoe in
 *   cpp/tensorrt_llm/kernels/cutlass_kernels/moe_gemm/moe_kernels.cu: expert maps and sort
 *   (fusedBuildExpertMapsSortFirstToken), permute (expandInputRowsKernel), grouped GEMM 1
 *   (gate/up), activation (doActivationKernel), grouped GEMM 2 (down), un-permute and weighted
 *   sum (finalizeMoeRoutingKernel, or the output memset before a finalize-fused GEMM 2) — 6;
 *   residual add. Shared experts add 4: their GatedMLP (gate_up GEMM, SiLU·mul, down GEMM) on an
 *   auxiliary stream and the `shared_output + routed_output` sum (Deepseekv3MoE.forward).
 *
 * NVIDIA's own account of a DeepSeek-R1 MoE decode layer lists the same modules (Fuse_A GEMM,
 * 2× RMSNorm, UQ_QR GEMM, UK BGEMM, KV concat + RoPE, genAttention, UV GEMM, WO GEMM, fused
 * all-reduce + add + RMSNorm, router GEMM and top-k, shared expert, sparse experts, final fused
 * all-reduce + add + RMSNorm: "Pushing Latency Boundaries: Optimizing DeepSeek-R1 Performance on
 * NVIDIA B200 GPUs", TensorRT-LLM tech blog 1, "Everything in One Diagram",
 * https://github.com/NVIDIA/TensorRT-LLM/blob/main/docs/source/blogs/tech_blog/blog1_Pushing_Latency_Boundaries_Optimizing_DeepSeek-R1_Performance_on_NVIDIA_B200_GPUs.md).
 *
 * Dense Llama: 4 + 6 = 10, the reference (unchanged). Mixtral / gpt-oss (GQA + routed experts):
 * 4 + 10 = 14. DeepSeek-V2/V3/R1 MoE layers: 10 + 14 = 24; their first dense layers 10 + 6 = 16.
 * The kernels run on the critical path one after another except the two MLA norms, the BMM beside
 * the RoPE kernel and the shared experts beside the routed ones, which TensorRT-LLM overlaps on
 * an auxiliary stream; each still pays its launch and tail, so all are counted, an upper bound
 * where the streams hide them. Other engines fuse differently: a row's engine scales the whole
 * count (servingEngines.ts) — the architecture's count relative to the dense layer is assumed to
 * carry over. DeepSeek sparse attention's indexer kernels are not counted.
 */
import type { Architecture } from "../model/architecture.js";
import type { Shard } from "./shard.js";

/** Kernels of the dense Llama layer under the reference engine: the default perLayer's count. */
export const DENSE_LAYER_KERNELS = 10;

/** Kernels of the attention block of one decode layer (input norm through output projection). */
export function attentionKernels(a: Architecture): number {
  if (a.mla) return a.mla.qLoraRank === null ? 9 : 10;
  return 4;
}

/** Kernels of the feed-forward block of one decode layer (post-attention norm through residual add). */
export function ffnKernels(a: Architecture, moe: boolean): number {
  if (!moe || !a.moe) return 6;
  return 10 + (a.moe.shared > 0 ? 4 : 0);
}

/** Kernels one decode layer launches (attention + FFN block), MoE or dense by `moe`. */
export function layerKernels(a: Architecture, moe: boolean): number {
  return attentionKernels(a) + ffnKernels(a, moe);
}

/**
 * The busiest stage's layers in units of the dense reference layer:
 * Σ_groups count × layerKernels ÷ DENSE_LAYER_KERNELS — what perLayer multiplies
 * (overhead.ts). Equal to layersPerStage for a dense GQA/MHA model.
 */
export function kernelLayers(s: Shard): number {
  let n = 0;
  for (const g of s.groups) n += (g.count * layerKernels(s.arch, g.moe)) / DENSE_LAYER_KERNELS;
  return n;
}
