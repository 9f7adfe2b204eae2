/**
 * Training validation: published training runs (datasets/training-measurements.json), the
 * kit's prediction for each, and `calibrateTraining(rows)` — one scale k per regime on the
 * matmuls' default fraction of the dense peak (η = k × the GPU's entry in
 * datasets/training-efficiency.json, capped at 1; k = 1 is the default), the regime being what
 * that default depends on: GPU architecture × precision class (16-bit or fp8); with the error
 * before and after. `leaveOneSourceOut(rows)` fits the scales on every other source and predicts
 * each source's rows (k = 1 for a regime no other source covers).
 *
 * Metrics and what the kit computes for them (time.ts, step.ts):
 *   gpu_hours             time({ tokens }).gpuHours = tokens ÷ tokens per step × step × GPUs ÷ goodput ÷ 3600
 *                         (the same quantity: predictTraining calls time())
 *   mfu                   step().mfu = 3·F·tokens per step ÷ (step × GPUs × peak)  (PaLM App. B)
 *   hw_tflops_per_gpu     executed FLOPs per token (recomputation included) × tokens per step ÷ (step × GPUs)
 *                         — Narayanan et al. 2021 (arXiv:2104.04473) eq. 3 counts it this way
 *   tokens_per_s_per_gpu  tokens per step ÷ (step × GPUs)
 *
 * Error: |predicted − measured| ÷ measured. Fit, per regime: the median error over its rows is minimised on
 * a grid of k = 0.40, 0.41, …, 1.60 (it holds the default 1, so the fit never does worse than
 * the default), then refined by golden-section search (Kiefer 1953) on the grid cell either
 * side of the best point. Steps are evaluated with `checkMemory: false`: a row whose assumed
 * layout would not fit still gets a time (the time model does not depend on the fit).
 */
import { SuanliError, show } from "../errors.js";
import { readJson } from "../data/paths.js";
import { gpu } from "../hardware/gpu.js";
import { cluster } from "../hardware/cluster.js";
import { model, type Model } from "../model/model.js";
import { absError, median } from "../inference/measurements.js";
import type { ErrorSummary } from "../inference/calibrate.js";
import type { TrainOptions } from "./options.js";
import { train } from "./training.js";
import { trainingEfficiency } from "./time.js";
import { percent, withText } from "../display/result.js";

export type TrainingMetric = "gpu_hours" | "mfu" | "hw_tflops_per_gpu" | "tokens_per_s_per_gpu";
export const TRAINING_METRICS: readonly TrainingMetric[] = ["gpu_hours", "mfu", "hw_tflops_per_gpu", "tokens_per_s_per_gpu"];

/** One published training run with its setup (see the dataset's "about"). */
export interface TrainingMeasurement {
  readonly id: string;
  /** Catalog model id, or absent when `arch` gives a GPT model inline. */
  readonly model?: string;
  readonly arch?: { readonly layers: number; readonly hidden: number; readonly heads: number; readonly vocab: number };
  readonly gpu: string;
  readonly count: number;
  readonly tp: number;
  readonly pp: number;
  readonly dp: number;
  /** "published" when the source gives tp/pp/dp, "assumed" otherwise. */
  readonly layout: "published" | "assumed";
  readonly microBatch: number;
  readonly interleave?: number;
  readonly zero: number;
  readonly recompute: string;
  readonly flashAttention?: boolean;
  readonly dropout?: boolean;
  readonly attentionFlops?: "causal" | "full";
  /** Gradient dtype where the source says (default: the kit's, options.ts). */
  readonly gradDtype?: string;
  /** Gradient buffer lifetime where the source's framework sets it (default "persistent", options.ts). */
  readonly gradBuffer?: string;
  /** Interleaved pipeline: micro-batches per model chunk run back to back (default pp). */
  readonly microbatchGroup?: number;
  readonly precision: string;
  readonly seq: number;
  /** Sequences per optimizer step. */
  readonly globalBatch: number;
  /** Tokens of the run (gpu_hours rows). */
  readonly tokens?: number;
  /** Inter-node bandwidth per GPU, one direction, e.g. "400 Gb/s". */
  readonly network: string;
  readonly metric: TrainingMetric;
  readonly value: number;
  readonly source: string;
  /** The table/section of the source the value and setup come from. */
  readonly where: string;
  readonly note: string;
}

export interface TrainingPrediction {
  readonly value: number;
  /** Whether the configuration fits the GPU's memory under the kit's memory model. */
  readonly fits: boolean;
  readonly mfu: number;
}

export interface TrainingCalibration {
  /** The fitted scale on the default matmul efficiency per regime (trainingRegime; 1: the defaults). */
  readonly scales: Readonly<Record<string, number>>;
  readonly before: ErrorSummary;
  readonly after: ErrorSummary;
  readonly table: readonly { id: string; metric: TrainingMetric; measured: number; before: number; after: number; errorBefore: number; errorAfter: number; fits: boolean }[];
  /** A short summary with units. */
  toString(): string;
}

function bad(where: string, k: string, v: unknown, expected: string): never {
  throw new SuanliError("bad-dataset", `training-measurements.json ${where}: "${k}" must be ${expected}, got ${show(v)}`, { value: v, expected });
}

function check(r: Record<string, unknown>, i: number): TrainingMeasurement {
  const where = `row ${i} (${show(r.id)})`;
  for (const k of ["id", "gpu", "recompute", "precision", "network", "metric", "source", "where", "note", "layout"]) {
    if (typeof r[k] !== "string" || r[k] === "") bad(where, k, r[k], "a non-empty string");
  }
  for (const k of ["count", "tp", "pp", "dp", "microBatch", "seq", "globalBatch", "value"]) {
    const v = r[k];
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) bad(where, k, v, "a number > 0");
  }
  if (!/^https?:\/\//.test(r.source as string)) bad(where, "source", r.source, "a URL");
  if (!TRAINING_METRICS.includes(r.metric as TrainingMetric)) bad(where, "metric", r.metric, TRAINING_METRICS.join(", "));
  if (r.layout !== "published" && r.layout !== "assumed") bad(where, "layout", r.layout, '"published" or "assumed"');
  if ((r.tp as number) * (r.pp as number) * (r.dp as number) !== r.count) bad(where, "count", r.count, "tp × pp × dp");
  if ((typeof r.model === "string") === (r.arch !== undefined)) bad(where, "model", r.model, "a catalog id, or absent with an inline arch");
  if (r.metric === "gpu_hours" && !(typeof r.tokens === "number" && r.tokens > 0)) bad(where, "tokens", r.tokens, "a number > 0 for gpu_hours");
  return Object.freeze(r as unknown as TrainingMeasurement);
}

let cache: readonly TrainingMeasurement[] | undefined;

/** The training measurement rows, validated once. */
export function trainingMeasurements(): readonly TrainingMeasurement[] {
  if (cache) return cache;
  const raw = readJson("training-measurements.json") as { measurements?: Record<string, unknown>[] };
  if (!Array.isArray(raw.measurements)) throw new SuanliError("bad-dataset", `training-measurements.json has no "measurements" array`);
  cache = Object.freeze(raw.measurements.map(check));
  return cache;
}

const models = new Map<string, Model>();

/**
 * The row's model: a catalog id, or a GPT model from its (layers, hidden, heads, vocab) built
 * as a GPT-2-style config (MHA, 4h MLP, tied embeddings: Narayanan et al. 2021 §5.1).
 */
export function trainingModel(r: TrainingMeasurement): Model {
  const key = r.model ?? JSON.stringify(r.arch);
  let m = models.get(key);
  if (!m) {
    const a = r.arch;
    m = a
      ? model.fromHFConfig({ model_type: "gpt2", n_layer: a.layers, n_embd: a.hidden, n_head: a.heads, n_inner: 4 * a.hidden, n_positions: r.seq, vocab_size: a.vocab, tie_word_embeddings: true }, r.id)
      : model(r.model!);
    models.set(key, m);
  }
  return m;
}

/**
 * The kit's value of the row's metric with the matmul efficiency scaled by `scale` (default 1:
 * the kit's defaults). GPU-hours come from `time({ tokens }).gpuHours`, goodput included.
 */
export function predictTraining(r: TrainingMeasurement, scale = 1): TrainingPrediction {
  const cl = cluster(gpu(r.gpu), r.count).tp(r.tp).pp(r.pp).network(r.network);
  const base: TrainOptions = {
    seq: r.seq, microBatch: r.microBatch, globalBatch: r.globalBatch, precision: r.precision, zero: r.zero, recompute: r.recompute,
    interleave: r.interleave ?? 1,
    ...(r.flashAttention !== undefined ? { flashAttention: r.flashAttention } : {}),
    ...(r.dropout !== undefined ? { dropout: r.dropout } : {}),
    ...(r.attentionFlops !== undefined ? { attentionFlops: r.attentionFlops } : {}),
    ...(r.gradDtype !== undefined ? { gradDtype: r.gradDtype } : {}),
    ...(r.gradBuffer !== undefined ? { gradBuffer: r.gradBuffer } : {}),
    ...(r.microbatchGroup !== undefined ? { microbatchGroup: r.microbatchGroup } : {}),
  };
  const t0 = train(trainingModel(r), base).on(cl);
  const t = scale === 1 ? t0 : t0.with({ efficiency: Math.min(1, scale * trainingEfficiency(cl, t0.config)) });
  const fits = t.memory().fits !== false;
  const run = t.time({ tokens: r.tokens ?? 1, checkMemory: false });
  const s = run.step.times;
  const perGpuSecond = s.tokensPerStep / (s.step * s.gpus);
  let value: number;
  switch (r.metric) {
    case "gpu_hours": value = run.gpuHours.value; break;
    case "mfu": value = s.mfu; break;
    case "hw_tflops_per_gpu": value = (s.flops.hardware * perGpuSecond) / 1e12; break;
    case "tokens_per_s_per_gpu": value = perGpuSecond; break;
  }
  return Object.freeze({ value, fits, mfu: s.mfu });
}

function summary(errs: readonly number[]): ErrorSummary {
  return Object.freeze({ median: errs.length ? median(errs) : 0, worst: errs.length ? Math.max(...errs) : 0, rows: errs.length });
}

/** The calibration regime of a row: the GPU's architecture × precision class ("Ampere · 16-bit", "Hopper · fp8"). */
export function trainingRegime(r: Pick<TrainingMeasurement, "gpu" | "precision">): string {
  return `${gpu(r.gpu).spec.architecture} · ${r.precision.toLowerCase() === "fp8" ? "fp8" : "16-bit"}`;
}

const scaleOf = (r: TrainingMeasurement, scale: number | Readonly<Record<string, number>>) => (typeof scale === "number" ? scale : (scale[trainingRegime(r)] ?? 1));

/** Error summary of `rows` with the matmul efficiency scaled by `scale` (one number, or one per regime). */
export function trainingErrorOf(rows: readonly TrainingMeasurement[], scale: number | Readonly<Record<string, number>> = 1): ErrorSummary {
  return summary(rows.map((r) => absError(predictTraining(r, scaleOf(r, scale)).value, r.value)));
}

const better = (a: ErrorSummary, b: ErrorSummary) => a.median < b.median - 1e-12 || (Math.abs(a.median - b.median) <= 1e-12 && a.worst < b.worst);

/** The scale k minimising the median error over `rows` (grid, then golden-section; header). */
function fitScale(rows: readonly TrainingMeasurement[]): { scale: number; before: ErrorSummary; after: ErrorSummary } {
  const err = (k: number) => trainingErrorOf(rows, k);
  let best = 1;
  let bestErr = err(best);
  const before = bestErr;
  const STEP = 0.01;
  for (let i = 40; i <= 160; i++) {
    const e = err(i * STEP);
    if (better(e, bestErr)) { best = i * STEP; bestErr = e; }
  }
  // Golden-section refinement on [best − STEP, best + STEP].
  const phi = (Math.sqrt(5) - 1) / 2;
  let lo = best - STEP, hi = best + STEP;
  for (let i = 0; i < 30 && hi - lo > 1e-5; i++) {
    const x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo);
    const e1 = err(x1), e2 = err(x2);
    if (better(e1, e2)) hi = x2; else lo = x1;
    for (const [x, e] of [[x1, e1], [x2, e2]] as const) if (better(e, bestErr)) { best = x; bestErr = e; }
  }
  return { scale: best, before, after: bestErr };
}

/** One scale per regime present in `rows`, each fitted on that regime's rows. */
function fitScales(rows: readonly TrainingMeasurement[]): Record<string, number> {
  const by = new Map<string, TrainingMeasurement[]>();
  for (const r of rows) { const k = trainingRegime(r); if (!by.has(k)) by.set(k, []); by.get(k)!.push(r); }
  return Object.fromEntries([...by].map(([k, rs]) => [k, fitScale(rs).scale]));
}

function needRows(rows: unknown, what: string): void {
  if (!Array.isArray(rows) || rows.length === 0) throw new SuanliError("bad-argument", `${what}(rows) needs a non-empty array of training measurements, got ${show(rows)}`, { value: rows });
}

/**
 * Fit the efficiency scale k of each regime to `rows` (default: the shipped dataset). Returns the
 * scales, the error summaries at the defaults (k = 1) and at the scales, and a per-row table.
 */
export function calibrateTraining(rows: readonly TrainingMeasurement[] = trainingMeasurements()): TrainingCalibration {
  needRows(rows, "calibrateTraining");
  const scales = Object.freeze(fitScales(rows));
  const table = rows.map((r) => {
    const b = predictTraining(r, 1), a = predictTraining(r, scaleOf(r, scales));
    return { id: r.id, metric: r.metric, measured: r.value, before: b.value, after: a.value, errorBefore: absError(b.value, r.value), errorAfter: absError(a.value, r.value), fits: b.fits };
  });
  const after = summary(table.map((t) => t.errorAfter));
  return withText({ scales, before: trainingErrorOf(rows, 1), after, table: Object.freeze(table) }, describeTrainingCalibration);
}

function describeTrainingCalibration(c: TrainingCalibration): string {
  const fitted = Object.entries(c.scales).map(([k, v]) => `${k} ×${v.toFixed(3)}`).join(", ");
  return [
    `training calibration on ${c.after.rows} published runs: matmul efficiency scale per regime ${fitted || "(none fitted)"}`,
    `median error ${percent(c.before.median)} → ${percent(c.after.median)}, worst ${percent(c.before.worst)} → ${percent(c.after.worst)}`,
  ].join("\n");
}

export interface LeaveOneSourceOutRow {
  readonly id: string;
  readonly source: string;
  readonly regime: string;
  /** The regime's scale fitted on every other source (1 where none covers the regime). */
  readonly scale: number;
  readonly predicted: number;
  readonly measured: number;
  /** |predicted − measured| ÷ measured. */
  readonly error: number;
}

/**
 * Leave-one-source-out: for each source, fit the regimes' scales on the rows of every other source
 * and predict this source's rows with them — the error a new, unseen source should expect, so that
 * overfitting shows. One row per measurement.
 */
export function leaveOneSourceOut(rows: readonly TrainingMeasurement[] = trainingMeasurements()): readonly LeaveOneSourceOutRow[] {
  needRows(rows, "leaveOneSourceOut");
  const sources = [...new Set(rows.map((r) => r.source))];
  const out: LeaveOneSourceOutRow[] = [];
  for (const src of sources) {
    const rest = rows.filter((r) => r.source !== src);
    const scales = rest.length ? fitScales(rest) : {};
    for (const r of rows.filter((x) => x.source === src)) {
      const k = scaleOf(r, scales);
      const p = predictTraining(r, k).value;
      out.push(Object.freeze({ id: r.id, source: src, regime: trainingRegime(r), scale: k, predicted: p, measured: r.value, error: absError(p, r.value) }));
    }
  }
  return Object.freeze(out);
}
