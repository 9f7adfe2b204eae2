/**
 * Published inference measurements (datasets/measurements.json) and the kit's prediction for
 * each: the table `npm run validate` prints and `calibrate` fits against. Every row carries its
 * full setup (GPU, count, TP, precision, engine, input/output lengths, batch, metric) and source.
 */
import { SuanliError, show } from "../errors.js";
import { readJson } from "../data/paths.js";
import { gpu } from "../hardware/gpu.js";
import { cluster } from "../hardware/cluster.js";
import { model } from "../model/model.js";
import type { Precision } from "../hardware/precision.js";
import type { Efficiency } from "./efficiency.js";
import { KV_READS, LM_HEADS, MOE_KERNELS, type Kernels, type KvReads, type LmHead, type MoeKernels } from "./kernels.js";
import type { Overhead } from "./overhead.js";
import { layerKernelRatio } from "./servingEngines.js";

export type MeasurementMetric = "output_tps_total" | "output_tps_per_gpu" | "ttft_ms" | "itl_ms";
const METRICS: readonly MeasurementMetric[] = ["output_tps_total", "output_tps_per_gpu", "ttft_ms", "itl_ms"];

export interface Measurement {
  readonly id: string;
  readonly engine: string;
  readonly engineVersion?: string;
  readonly gpu: string;
  readonly count: number;
  readonly tp: number;
  readonly pp: number;
  readonly precision: string;
  readonly weights: string;
  readonly kv: string;
  readonly model: string;
  readonly input: number;
  readonly output: number;
  readonly batch: number;
  readonly metric: MeasurementMetric;
  readonly value: number;
  readonly source: string;
  readonly note?: string;
  /**
   * How the run's decode attention read a GQA model's KV cache (kernels.ts): "per-query-head"
   * for TensorRT-LLM builds without the XQA kernel; absent means "per-kv-head".
   */
  readonly kvReads?: KvReads;
  /** Kernel family of the run's MoE experts (kernels.ts): "gather" for per-token weight gathers; absent means "grouped". */
  readonly moe?: MoeKernels;
  /** How the run's tensor parallelism held the LM head (kernels.ts): "replicated" for gpt-fast; absent means "vocab-parallel". */
  readonly lmHead?: LmHead;
  /** Kernels the run's engine launches per layer (servingEngines.ts); absent: the engine's listed count. */
  readonly kernelsPerLayer?: number;
}

/** What `predict` may override besides the efficiency (kvReads, moe and lmHead come from the row). */
export interface ModelOptions {
  readonly overlap?: number;
  readonly overhead?: Partial<Overhead>;
  /** Kernel constants besides overlap, kvReads and moe (halfM, grouped, imbalance, allReduce, dequant). */
  readonly kernels?: Partial<Omit<Kernels, "overlap" | "kvReads" | "moe" | "lmHead">>;
}

function check(r: Record<string, unknown>, i: number): Measurement {
  const where = `measurements.json row ${i} (${show(r.id)})`;
  for (const k of ["id", "engine", "gpu", "precision", "weights", "kv", "model", "metric", "source"]) {
    if (typeof r[k] !== "string" || r[k] === "") throw new SuanliError("bad-dataset", `${where}: "${k}" must be a non-empty string`, { value: r[k] });
  }
  for (const k of ["count", "tp", "pp", "input", "output", "batch", "value"]) {
    const v = r[k];
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw new SuanliError("bad-dataset", `${where}: "${k}" must be a number > 0`, { value: v });
  }
  if (!/^https?:\/\//.test(r.source as string)) throw new SuanliError("bad-dataset", `${where}: source must be a URL`, { value: r.source });
  if (!METRICS.includes(r.metric as MeasurementMetric)) throw new SuanliError("bad-dataset", `${where}: metric must be one of ${METRICS.join(", ")}`, { value: r.metric });
  if (r.kvReads !== undefined && !KV_READS.includes(r.kvReads as KvReads)) throw new SuanliError("bad-dataset", `${where}: kvReads must be one of ${KV_READS.join(", ")}`, { value: r.kvReads });
  if (r.lmHead !== undefined && !LM_HEADS.includes(r.lmHead as LmHead)) throw new SuanliError("bad-dataset", `${where}: lmHead must be one of ${LM_HEADS.join(", ")}`, { value: r.lmHead });
  if (r.moe !== undefined && !MOE_KERNELS.includes(r.moe as MoeKernels)) throw new SuanliError("bad-dataset", `${where}: moe must be one of ${MOE_KERNELS.join(", ")}`, { value: r.moe });
  try {
    layerKernelRatio(r.engine as string, r.kernelsPerLayer as number | undefined);
  } catch (err) {
    if (err instanceof SuanliError) throw new SuanliError("bad-dataset", `${where}: ${err.message}`, { value: r.kernelsPerLayer ?? r.engine });
    throw err;
  }
  return Object.freeze(r as unknown as Measurement);
}

let cache: readonly Measurement[] | undefined;

/** The measurement rows, validated once. */
export function measurements(): readonly Measurement[] {
  if (cache) return cache;
  const raw = readJson("measurements.json") as { measurements?: Record<string, unknown>[] };
  if (!Array.isArray(raw.measurements)) throw new SuanliError("bad-dataset", `measurements.json has no "measurements" array`);
  cache = Object.freeze(raw.measurements.map(check));
  return cache;
}

/**
 * The kit's prediction of a row's metric under `efficiency` and `opts` (the engine's defaults
 * for whatever is omitted; the row's own `kvReads`, `moe` and `lmHead`, and its engine's kernels per layer
 * scaling the per-layer overhead, servingEngines.ts), or null with the reason when the
 * configuration does not fit or the model/GPU is not in the catalogs.
 */
export function predict(row: Measurement, efficiency?: Partial<Efficiency>, opts: ModelOptions = {}): { value: number | null; reason?: string } {
  try {
    const g = gpu(row.gpu).precision(row.precision as Precision);
    let e = model(row.model).on(cluster(g, row.count).tp(row.tp).pp(row.pp)).dtypes({ weights: row.weights, kv: row.kv });
    if (efficiency) e = e.efficiency(efficiency);
    const k: Partial<Kernels> = { ...opts.kernels, kvReads: row.kvReads ?? "per-kv-head", moe: row.moe ?? "grouped", lmHead: row.lmHead ?? "vocab-parallel", ...(opts.overlap === undefined ? {} : { overlap: opts.overlap }) };
    e = e.kernels(k);
    if (opts.overhead) e = e.overhead(opts.overhead);
    // the per-layer overhead is the reference engine's; this row's engine launches its own kernel count
    const ratio = layerKernelRatio(row.engine, row.kernelsPerLayer);
    if (ratio !== 1) e = e.overhead({ perLayer: e.overhead().perLayer * ratio });
    switch (row.metric) {
      case "ttft_ms":
        return { value: e.prefill({ batch: row.batch, prompt: row.input }).time.value * 1e3 };
      case "itl_ms":
        // mean time between output tokens: a decode step of `batch` sequences at the mean context
        return { value: e.decode({ batch: row.batch, context: row.input + Math.ceil(row.output / 2) }).time.value * 1e3 };
      case "output_tps_total":
        return { value: e.request({ prompt: row.input, output: row.output, batch: row.batch }).tokensPerSecond };
      case "output_tps_per_gpu":
        return { value: e.request({ prompt: row.input, output: row.output, batch: row.batch }).tokensPerSecondPerGpu };
    }
  } catch (err) {
    if (err instanceof SuanliError) return { value: null, reason: err.message };
    throw err;
  }
}

/** |predicted − measured| / measured. */
export function absError(predicted: number, measured: number): number {
  return Math.abs(predicted - measured) / measured;
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
