/**
 * Sensitivity: move each assumption a number depends on across its plausible range, holding
 * the others at their current values, and report how far the number moves — one row per
 * assumption, largest swing first (the input of `chart.tornado`).
 *
 * Plausible ranges (each overridable with `.sensitivity({ compute: [0.6, 0.8] })`):
 *
 * inference (engine.ts knobs)
 * - compute efficiency 0.5–0.85: dense GEMMs reach ~60–80 % of tensor-core peak at serving shapes,
 *   less at the small M of decode (Narayanan et al. 2021, arXiv:2104.04473 Table 1; cuBLAS notes).
 * - memory efficiency 0.6–0.92: batch-1 model bandwidth utilisation 60–80 % (Databricks, "LLM
 *   Inference Performance Engineering", 2023) up to STREAM-class ~90 % of HBM peak.
 * - link efficiency 0.6–0.9: NCCL all-reduce bus bandwidth 75–85 % of the link for large
 *   messages, less for small (nccl-tests doc/PERFORMANCE.md).
 * - overlap 0–1: compute and memory phases serial (0) to fully overlapped (1, the classic roofline).
 * - per-step overhead 0.1–1 ms: host loop, sampling and synchronisation per step (TensorRT-LLM
 *   128-token TTFT rows, datasets/measurements.json, sit 1–3 ms above the roofline).
 * - per-layer overhead 3–20 µs: ~10 kernels a layer at ~2–4 µs launch and tail each, less under
 *   CUDA graphs ("Getting Started with CUDA Graphs", NVIDIA 2019).
 * Where the engine has the knob (kernels.ts, overhead.ts), also:
 * - per-sequence overhead 1–10 µs: sampling and KV-page bookkeeping that grow with the batch.
 * - all-reduce latency 6–17 µs: one-shot/two-shot all-reduce of a small message at TP 8
 *   (TensorRT-LLM custom all-reduce and vLLM custom_all_reduce measurements).
 * - MoE only: grouped-GEMM efficiency 0.25–0.7 of the dense GEMM rate, and expert load imbalance
 *   1–1.5, the busiest expert's load over the mean under top-k routing (DeepSeek-V3,
 *   arXiv:2412.19437 §2.1.2 motivates its balancing loss by it).
 *
 * training (options.ts knobs)
 * - efficiency 0.35–0.65: matmul fraction of dense peak; MFU of published runs spans 38–43 %
 *   (Llama 3, arXiv:2407.21783 Table 4) to 52 % (Megatron-LM 1T, arXiv:2104.04473 Table 1).
 * - link efficiency 0.6–0.9 (as above).
 * - goodput 0.8–0.98: Llama 3 reports > 90 % effective training time (arXiv:2407.21783 §3.3.4).
 *
 * An override must be [low, high] with low ≤ high; an inverted range is refused naming it.
 */
import type { ColumnTable } from "arquero";
import { arquero } from "../util/lazy.js";
import { SuanliError, show } from "../errors.js";
import type { InferenceEngine } from "../inference/engine.js";
import type { Training } from "../training/training.js";

/** One assumption: its plausible range, where it comes from, and how to read and set it. */
export interface Assumption<T> {
  readonly name: string;
  readonly label: string;
  readonly range: readonly [number, number];
  readonly source: string;
  /**
   * The current value; null when the knob exists but has no single value (a default chosen per
   * GPU); undefined when the subject has no such knob (the row is left out).
   */
  get(x: T): number | null | undefined;
  set(x: T, v: number): T;
}

export type Ranges = Readonly<Record<string, readonly [number, number]>>;

const CUBLAS = "arXiv:2104.04473 Table 1; https://docs.nvidia.com/cuda/cublas/";
const NCCL = "https://github.com/NVIDIA/nccl-tests/blob/master/doc/PERFORMANCE.md";

const num = (v: unknown) => (typeof v === "number" ? v : undefined);

/** A kernel constant the engine may or may not model (undefined where it does not, or for dense models when `moeOnly`). */
function kernelKnob(name: string, label: string, range: readonly [number, number], source: string, moeOnly: boolean): Assumption<InferenceEngine> {
  return {
    name, label, range, source,
    get: (e) => (moeOnly && !e.model.arch.moe ? undefined : num((e.kernels() as unknown as Record<string, unknown>)[name])),
    set: (e, v) => e.kernels({ [name]: v } as never),
  };
}

/** An overhead term the engine may or may not model. */
function overheadKnob(name: string, label: string, range: readonly [number, number], source: string): Assumption<InferenceEngine> {
  return { name, label, range, source, get: (e) => num((e.overhead() as unknown as Record<string, unknown>)[name]), set: (e, v) => e.overhead({ [name]: v } as never) };
}

export const ENGINE_ASSUMPTIONS: readonly Assumption<InferenceEngine>[] = [
  { name: "compute", label: "compute efficiency", range: [0.5, 0.85], source: CUBLAS, get: (e) => e.efficiency().compute, set: (e, v) => e.efficiency({ compute: v }) },
  { name: "memory", label: "memory efficiency", range: [0.6, 0.92], source: "https://www.databricks.com/blog/llm-inference-performance-engineering-best-practices", get: (e) => e.efficiency().memory, set: (e, v) => e.efficiency({ memory: v }) },
  { name: "link", label: "link efficiency", range: [0.6, 0.9], source: NCCL, get: (e) => e.efficiency().link, set: (e, v) => e.efficiency({ link: v }) },
  { name: "overlap", label: "compute/memory overlap", range: [0, 1], source: "definition: serial (0) to classic roofline (1)", get: (e) => e.kernels().overlap, set: (e, v) => e.kernels({ overlap: v }) },
  { name: "perStep", label: "per-step overhead (s)", range: [0.1e-3, 1e-3], source: "datasets/measurements.json (128-token TTFT rows)", get: (e) => e.overhead().perStep, set: (e, v) => e.overhead({ perStep: v }) },
  { name: "perLayer", label: "per-layer overhead (s)", range: [3e-6, 20e-6], source: "https://developer.nvidia.com/blog/cuda-graphs/", get: (e) => e.overhead().perLayer, set: (e, v) => e.overhead({ perLayer: v }) },
  overheadKnob("perSequence", "per-sequence overhead (s)", [1e-6, 10e-6], "sampling and KV-page bookkeeping per sequence (inference/overhead.ts)"),
  kernelKnob("allReduce", "all-reduce latency (s)", [6e-6, 17e-6], "one-shot all-reduce at TP 8 (inference/kernels.ts)", false),
  kernelKnob("grouped", "grouped-GEMM efficiency", [0.25, 0.7], "MoE grouped GEMMs (inference/kernels.ts)", true),
  kernelKnob("imbalance", "expert load imbalance", [1, 1.5], "arXiv:2412.19437 §2.1.2", true),
];

export const TRAINING_ASSUMPTIONS: readonly Assumption<Training>[] = [
  {
    name: "efficiency", label: "matmul efficiency", range: [0.35, 0.65], source: "arXiv:2407.21783 Table 4; arXiv:2104.04473 Table 1",
    get: (t) => num((t.config as unknown as Record<string, unknown>).efficiency) ?? null, set: (t, v) => t.with({ efficiency: v }),
  },
  { name: "linkEfficiency", label: "link efficiency", range: [0.6, 0.9], source: NCCL, get: (t) => t.config.linkEfficiency, set: (t, v) => t.with({ linkEfficiency: v }) },
  { name: "goodput", label: "goodput", range: [0.8, 0.98], source: "arXiv:2407.21783 §3.3.4", get: (t) => t.config.goodput, set: (t, v) => t.with({ goodput: v }) },
];

function checkRanges<T>(ranges: Ranges, known: readonly Assumption<T>[]): void {
  if (ranges === null || typeof ranges !== "object") throw new SuanliError("bad-argument", `sensitivity ranges must be an object like { compute: [0.5, 0.85] }, got ${show(ranges)}`, { value: ranges });
  for (const [k, r] of Object.entries(ranges)) {
    if (!known.some((a) => a.name === k)) throw new SuanliError("bad-argument", `unknown assumption ${show(k)}; accepted: ${known.map((a) => a.name).join(", ")}`, { value: k });
    if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => typeof x === "number" && Number.isFinite(x))) {
      throw new SuanliError("bad-argument", `sensitivity range for ${k} must be [low, high] numbers, got ${show(r)}`, { value: r });
    }
    if (r[0] > r[1]) throw new SuanliError("bad-argument", `sensitivity range for ${k} is inverted: ${show(r)}; give [low, high] with low ≤ high`, { value: r, expected: "low ≤ high" });
  }
}

/**
 * The sensitivity table of `result(subject)` over `assumptions` (ranges patched by `ranges`).
 * Columns: assumption, label, setting_low, setting_base (null where the default is chosen per
 * GPU), setting_high, result_low, result_base,
 * result_high (the result at each setting, in `unit`), swing (|high − low| result), swing_pct
 * (of the base), unit, source. Rows sorted by swing, largest first.
 */
export function sensitivityTable<T>(subject: T, assumptions: readonly Assumption<T>[], result: (x: T) => number, unit: string, ranges: Ranges = {}): ColumnTable {
  checkRanges(ranges, assumptions);
  const base = result(subject);
  const rows = [];
  for (const a of assumptions) {
    const now = a.get(subject);
    if (now === undefined) continue;
    const [lo, hi] = ranges[a.name] ?? a.range;
    const rl = result(a.set(subject, lo));
    const rh = result(a.set(subject, hi));
    rows.push({
      assumption: a.name, label: a.label, setting_low: lo, setting_base: now, setting_high: hi,
      result_low: rl, result_base: base, result_high: rh, swing: Math.abs(rh - rl), swing_pct: (100 * Math.abs(rh - rl)) / base, unit, source: a.source,
    });
  }
  rows.sort((x, y) => y.swing - x.swing);
  return arquero().from(rows);
}

/** Sensitivity of a number an engine computes (`result`, in `unit`). */
export function engineSensitivity(e: InferenceEngine, result: (e: InferenceEngine) => number, unit: string, ranges?: Ranges): ColumnTable {
  return sensitivityTable(e, ENGINE_ASSUMPTIONS, result, unit, ranges);
}

/** Sensitivity of a number a training computes (`result`, in `unit`). */
export function trainingSensitivity(t: Training, result: (t: Training) => number, unit: string, ranges?: Ranges): ColumnTable {
  return sensitivityTable(t, TRAINING_ASSUMPTIONS, result, unit, ranges);
}
