/**
 * Fixed time a forward step costs beyond its operators' roofline — what a roofline alone
 * cannot see and what makes short steps (a 128-token prompt at batch 1, a decode step of a
 * small model) slower than bytes ÷ bandwidth:
 *
 *   t_step = Σ_ops t_op + Σ collectives + perStep + perLayer × layers (of the busiest stage)
 *            + perSequence × sequences in the step
 *
 * - perLayer 10 µs — each layer launches ~10 kernels (norms, QKV, attention, output
 *   projection, all-reduce, gate/up, activation, down, FP8 quantize), and each costs a few µs
 *   of launch and tail beyond its work ("Getting Started with CUDA Graphs", NVIDIA, 2019,
 *   https://developer.nvidia.com/blog/cuda-graphs/ measures ~3–4 µs per short kernel, ~2 µs
 *   of it launch overhead). With CUDA graphs the host part shrinks but the per-kernel gaps stay.
 *   The count is TensorRT-LLM's; an engine that fuses less pays more per layer, in proportion to
 *   the kernels it launches (servingEngines.ts: gpt-fast 14 ÷ 10), and a layer whose architecture
 *   launches more (MLA, MoE routing and grouped GEMMs) in proportion to its count
 *   (layerKernels.ts: a DeepSeek-V3 MoE layer 24 ÷ 10; `layers` below counts dense-layer units).
 *   It is the gaps between kernels; each GEMM's own fixed start-up is the part's GEMM latency
 *   (launches.ts), paid on top: with it in place the fit over the kernel rows asks 10.5 µs.
 * - perStep 0.3 ms — once per step: input preparation, sampling, the host synchronisation
 *   that decides whether sequences finished (TensorRT-LLM's gptSessionBenchmark runs one
 *   such loop per generated token). Order of magnitude from the TTFT of 128-token prompts in
 *   TensorRT-LLM's tables (datasets/measurements.json), which sit 1–3 ms above the roofline.
 *
 * - perSequence 3 µs — work that grows with the batch rather than with the model: sampling
 *   (softmax, top-k/top-p over the vocabulary per sequence), stop checks, detokenization and the
 *   scheduler's KV-page bookkeeping per sequence (vLLM's profiles put the CPU-side scheduling and
 *   output processing at a growing share of a step at large batch: "vLLM v0.6.0: 2.7x
 *   Throughput Improvement and 75% Latency Reduction", https://blog.vllm.ai/2024/09/05/perf-update.html).
 *   The value is the order of magnitude the batch-1024 rows of TensorRT-LLM's tables ask for
 *   (datasets/measurements.json; `calibrate()` refits it).
 *
 * All are fitted by `calibrate()` and overridable: `engine.overhead({ perLayer: "4 µs" })`.
 * Values are times ≥ 0 (numbers in seconds, strings such as "4 µs" or "0.3 ms", or mathjs Units).
 */
import { SuanliError, show } from "../errors.js";
import { parseQuantity } from "../units.js";
import type { Unit } from "mathjs";

export interface Overhead {
  /** Seconds once per forward step (per pipeline stage and micro-batch). */
  readonly perStep: number;
  /** Seconds per transformer layer per forward step. */
  readonly perLayer: number;
  /** Seconds per sequence in the step (sampling, scheduling, KV-page bookkeeping). */
  readonly perSequence: number;
}

export type OverheadOptions = { [K in keyof Overhead]?: number | string | Unit };

export const OVERHEAD_KEYS = ["perStep", "perLayer", "perSequence"] as const;

/** The defaults above; see the module comment for where each value comes from. */
export const DEFAULT_OVERHEAD: Overhead = Object.freeze({ perStep: 0.3e-3, perLayer: 10e-6, perSequence: 3e-6 });

/** No fixed overhead: the pure roofline. */
export const NO_OVERHEAD: Overhead = Object.freeze({ perStep: 0, perLayer: 0, perSequence: 0 });

export const OVERHEAD_SOURCES: Readonly<Record<keyof Overhead, string>> = Object.freeze({
  perStep: "TTFT of 128-token prompts, TensorRT-LLM performance tables (datasets/measurements.json)",
  perLayer: "https://developer.nvidia.com/blog/cuda-graphs/",
  perSequence: "https://blog.vllm.ai/2024/09/05/perf-update.html; batch-1024 rows of datasets/measurements.json",
});

/** Merge a user patch over `base`: times ≥ 0, unknown keys refused. */
export function withOverhead(base: Overhead, patch: OverheadOptions): Overhead {
  if (patch === null || typeof patch !== "object") {
    throw new SuanliError("bad-argument", `overhead takes an object like { perStep: "0.3 ms", perLayer: "10 µs" }, got ${show(patch)}`, { value: patch });
  }
  const next: Record<string, number> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (!(OVERHEAD_KEYS as readonly string[]).includes(k)) {
      throw new SuanliError("bad-argument", `unknown overhead ${show(k)}; accepted: ${OVERHEAD_KEYS.join(", ")}`, { value: k, expected: OVERHEAD_KEYS.join(", ") });
    }
    if (v === undefined) continue;
    // mathjs spells micro "u": accept the micro sign (U+00B5) and Greek mu (U+03BC) too.
    const input = typeof v === "string" ? v.replace(/[\u00b5\u03bc]s\b/g, "us") : v;
    next[k] = parseQuantity(input as number | string | Unit, "time", `overhead.${k}`);
  }
  return Object.freeze(next as unknown as Overhead);
}

/** Seconds of overhead in one step of a stage holding `layers` layers, running `sequences` sequences. */
export function overheadTime(o: Overhead, layers: number, sequences = 0): number {
  return o.perStep + o.perLayer * layers + o.perSequence * sequences;
}
