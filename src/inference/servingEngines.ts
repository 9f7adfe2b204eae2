/**
 * How many kernels a serving engine launches per transformer layer in a decode step — what the
 * per-layer overhead (overhead.ts, perLayer) pays for: each kernel costs a few µs of launch and
 * tail beyond its work even under CUDA graphs, so an engine that fuses less pays more per layer:
 *
 *   perLayer(engine) = perLayer × kernelsPerLayer(engine) ÷ kernelsPerLayer(TensorRT-LLM)
 *
 * The default perLayer (10 µs, "~10 kernels") is TensorRT-LLM's, the reference. Counts are read
 * from each engine's model code for a Llama block (tensor parallelism adds the all-reduces, which
 * collectives.ts prices apart), an estimate at the fusion each engine documents, not a profile:
 *
 * - TensorRT-LLM 10: RMSNorm, QKV GEMM, the GPT attention plugin (RoPE, KV write and attention in
 *   one kernel), output GEMM, residual add + RMSNorm, fc and gate GEMMs, SiLU·mul, down GEMM,
 *   residual add — LLaMADecoderLayer, tensorrt_llm/models/llama/model.py
 *   (https://github.com/NVIDIA/TensorRT-LLM/blob/main/tensorrt_llm/models/llama/model.py); FP8
 *   builds add activation quantization, fused into the preceding kernels where TensorRT can.
 * - gpt-fast 14: torch.compile (mode "reduce-overhead": CUDA graphs, Inductor's fusion of
 *   pointwise ops, GEMMs left to cuBLAS) of model.py's TransformerBlock: RMSNorm, wqkv GEMM,
 *   RoPE on q and k, two KV-cache index_put writes, repeat_interleave of K and V to the query
 *   heads, scaled_dot_product_attention, the transpose copy, wo GEMM, residual add + RMSNorm,
 *   separate w1 and w3 GEMMs, SiLU·mul, w2 GEMM (the residual add fuses into the next norm)
 *   (https://github.com/pytorch-labs/gpt-fast/blob/c9f683edd4f89d3e81ed8f52387e866a245e3226/model.py,
 *   generate.py). 14 ÷ 10 = 1.4× TensorRT-LLM's per-layer cost.
 *
 * A measurement row names its engine (measurements.ts); a row may give its own `kernelsPerLayer`.
 * The counts are a dense Llama layer's; other architectures scale them by their own count under
 * the reference engine (layerKernels.ts: MLA, MoE routing and grouped GEMMs).
 * An engine of the kit is configured directly: `.overhead({ perLayer: "14 µs" })`.
 */
import { SuanliError, show } from "../errors.js";

export interface ServingEngineProfile {
  /** Kernels launched per transformer layer in a decode step (tensor-parallel collectives apart). */
  readonly kernelsPerLayer: number;
  readonly source: string;
}

/** The reference engine: the default perLayer overhead is its per-layer cost. */
export const REFERENCE_SERVING_ENGINE = "TensorRT-LLM";

/** Kernel counts per layer, counted from each engine's code (see the module comment). */
export const SERVING_ENGINES: Readonly<Record<string, ServingEngineProfile>> = Object.freeze({
  "TensorRT-LLM": Object.freeze({ kernelsPerLayer: 10, source: "https://github.com/NVIDIA/TensorRT-LLM/blob/main/tensorrt_llm/models/llama/model.py" }),
  "gpt-fast": Object.freeze({ kernelsPerLayer: 14, source: "https://github.com/pytorch-labs/gpt-fast/blob/c9f683edd4f89d3e81ed8f52387e866a245e3226/model.py" }),
});

/**
 * Per-layer overhead of serving engine `engine` relative to the reference (TensorRT-LLM):
 * kernelsPerLayer ÷ 10, with the engine's count from SERVING_ENGINES unless `kernelsPerLayer` is
 * given. An engine not listed needs its own count.
 */
export function layerKernelRatio(engine: string, kernelsPerLayer?: number): number {
  const ref = SERVING_ENGINES[REFERENCE_SERVING_ENGINE]!.kernelsPerLayer;
  if (kernelsPerLayer !== undefined) {
    if (typeof kernelsPerLayer !== "number" || !Number.isFinite(kernelsPerLayer) || kernelsPerLayer <= 0) {
      throw new SuanliError("bad-argument", `kernelsPerLayer must be a number > 0, got ${show(kernelsPerLayer)}`, { value: kernelsPerLayer, expected: "a number > 0" });
    }
    return kernelsPerLayer / ref;
  }
  const p = Object.hasOwn(SERVING_ENGINES, engine) ? SERVING_ENGINES[engine] : undefined;
  if (!p) {
    const known = Object.keys(SERVING_ENGINES).join(", ");
    throw new SuanliError("bad-argument", `unknown serving engine ${show(engine)}; known: ${known} (or give kernelsPerLayer)`, { value: engine, expected: known });
  }
  return p.kernelsPerLayer / ref;
}
