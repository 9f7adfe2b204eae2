/**
 * FP8 against BF16 in the roofline, one switch at a time (NVIDIA, "H100 has 4.6x A100
 * Performance in TensorRT-LLM", https://nvidia.github.io/TensorRT-LLM/blogs/H100vsA100.html —
 * FP8 doubles H100 throughput again over FP16 in MLPerf; TensorRT-LLM precision docs,
 * https://nvidia.github.io/TensorRT-LLM/reference/precision.html — FP8 weights/activations,
 * FP8 KV cache, FP8 context FMHA):
 *
 *   bf16              GEMMs at the 16-bit peak, weights and KV 2 B
 *   fp8 gemm          GEMMs at the FP8 peak, weights 1 B, KV 2 B
 *   fp8 gemm+kv       … and KV 1 B (halves the cache and its reads)
 *   fp8 gemm+kv+fmha  … and attention (QKᵀ, AV) at the FP8 tensor-core peak
 *
 * The article (§4, optimisation 6) shows NVIDIA's GPT-175B chart: FP8 FMHA ≈ 2× BF16 FMHA, and
 * context- vs generation-phase times at several batch sizes. The chart's figures are not
 * published in text; `fmhaSpeedup` gives what the roofline predicts: 2 × 0.84 = 1.68× where
 * attention is compute-bound (FP8 peak = 2 × BF16 peak on Hopper, reached at 0.84× BF16's
 * fraction, inference/efficiency.ts; FlashAttention-3 measures ~1.2 PFLOP/s in FP8 against
 * ~740 TFLOP/s in BF16 on H100, 1.6×, Shah et al. 2024, arXiv:2407.08608) and 2× where it is
 * memory-bound with an FP8 KV cache (half the bytes), and `fp8Compare` the context/generation
 * comparison for any model.
 */
import { Cluster } from "../hardware/cluster.js";
import type { Gpu } from "../hardware/gpu.js";
import { InferenceEngine } from "../inference/engine.js";
import { kvCacheBytes, weightBytes } from "../inference/memory.js";
import { withDtypes } from "../inference/dtypes.js";
import { positiveInt } from "../validate.js";
import { decodePart, mixedStep, ratesWithAttention } from "./mixed.js";

export const FP8_CONFIGS = ["bf16", "fp8 gemm", "fp8 gemm+kv", "fp8 gemm+kv+fmha"] as const;
export type Fp8Config = (typeof FP8_CONFIGS)[number];

export interface Fp8Row {
  readonly config: Fp8Config;
  /** Context phase: prefill of `batch` prompts, s, and its attention part. */
  readonly context_s: number;
  readonly context_attention_s: number;
  /** Generation phase: one decode step at `context`, s, and its attention part. */
  readonly generation_ms: number;
  readonly generation_attention_ms: number;
  /** Per GPU. */
  readonly weights_GiB: number;
  readonly kv_GiB: number;
  /** Largest batch that fits at this context. */
  readonly maxBatch: number;
}

/** The engine `e` switched to `config` (same cluster layout, efficiency, reserve). */
export function fp8Engine(e: InferenceEngine, config: Fp8Config): InferenceEngine {
  const g0 = e.gpu;
  const bf = g0.has("bf16") ? "bf16" : "fp16";
  const g: Gpu = config === "bf16" ? g0.precision(bf) : g0.fp8();
  const cluster = new Cluster({ ...e.cluster.state, gpu: g });
  const dtypes = withDtypes(e.state.dtypes, { weights: config === "bf16" ? bf : "fp8", kv: config === "bf16" || config === "fp8 gemm" ? bf : "fp8" });
  return new InferenceEngine({ ...e.state, cluster, dtypes });
}

function timed(e: InferenceEngine, config: Fp8Config, part: { batch: number; tokens: number; past: number }) {
  const r = config === "fp8 gemm+kv+fmha" ? ratesWithAttention(e, e.gpu.spec.peak.fp8 ?? e.gpu.peak().value) : e.rates();
  return mixedStep(e, [part], r);
}

/**
 * Context (prefill) and generation (decode) phases under each FP8 switch.
 * @example fp8Compare(model("gpt3-175b").on(cluster(gpu("H100"), 8).tp(8)), { batch: 8, prompt: 2048, context: 2048 })
 */
export function fp8Compare(e: InferenceEngine, o: { batch?: number; prompt: number; context?: number }): Fp8Row[] {
  const batch = positiveInt(o?.batch ?? 1, "batch");
  const prompt = positiveInt(o?.prompt, "prompt");
  const context = positiveInt(o?.context ?? prompt, "context");
  return FP8_CONFIGS.map((config) => {
    const x = fp8Engine(e, config);
    const pre = timed(x, config, { batch, tokens: prompt, past: 0 });
    const dec = timed(x, config, decodePart(batch, context));
    return Object.freeze({
      config,
      context_s: pre.time,
      context_attention_s: pre.attention,
      generation_ms: dec.time * 1e3,
      generation_attention_ms: dec.attention * 1e3,
      weights_GiB: weightBytes(x.shard, x.state.dtypes) / 2 ** 30,
      kv_GiB: kvCacheBytes(x.shard, x.state.dtypes, batch, context) / 2 ** 30,
      maxBatch: x.maxBatch({ context }),
    });
  });
}

/**
 * Attention time BF16 FMHA ÷ FP8 FMHA (FP8 KV both ways in the FP8 case), for the context
 * phase (prefill of `seq` tokens) and the generation phase (decode at `seq`). A kernel-level
 * claim, so both kernels are priced at their roofline (overlap 1): fused attention kernels
 * pipeline their loads under the math (FlashAttention, Dao et al. 2022, §3.1), unlike the
 * engine-wide overlap fitted to whole steps.
 */
export function fmhaSpeedup(e: InferenceEngine, o: { batch?: number; seq: number }): { context: number; generation: number } {
  const batch = positiveInt(o?.batch ?? 1, "batch");
  const seq = positiveInt(o?.seq, "seq");
  const bf = fp8Engine(e, "bf16").kernels({ overlap: 1 });
  const f8 = fp8Engine(e, "fp8 gemm+kv+fmha").kernels({ overlap: 1 });
  const ctx = timed(bf, "bf16", { batch, tokens: seq, past: 0 }).attention / timed(f8, "fp8 gemm+kv+fmha", { batch, tokens: seq, past: 0 }).attention;
  const gen = timed(bf, "bf16", decodePart(batch, seq)).attention / timed(f8, "fp8 gemm+kv+fmha", decodePart(batch, seq)).attention;
  return Object.freeze({ context: ctx, generation: gen });
}
