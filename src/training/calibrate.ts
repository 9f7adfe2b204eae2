/**
 * Training validation: published training runs (datasets/training-measurements.json), the
 * kit's prediction for each, and `calibrateTraining(rows)` — a 1-D fit of the one free constant
 * of the training time model, the achievable fraction η of the dense peak (options.ts,
 * default 0.5), with the error before and after.
 *
 * Metrics and what the kit computes for them (time.ts, step.ts):
 *   gpu_hours             time({ tokens }).gpuHours = tokens ÷ tokens per step × step × GPUs ÷ 3600
 *   mfu                   step().mfu = 3·F·tokens per step ÷ (step × GPUs × peak)  (PaLM App. B)
 *   hw_tflops_per_gpu     executed FLOPs per token (recomputation included) × tokens per step ÷ (step × GPUs)
 *                         — Narayanan et al. 2021 (arXiv:2104.04473) eq. 3 counts it this way
 *   tokens_per_s_per_gpu  tokens per step ÷ (step × GPUs)
 *
 * Error: |predicted − measured| ÷ measured. Fit: the median error over the rows is minimised on
 * a grid of η = 0.005, 0.010, …, 1 (it holds the default 0.5, so the fit never does worse than
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
import { readTrainOptions, type TrainOptions } from "./options.js";
import { train } from "./training.js";
import { percent, withText } from "../display/result.js";

/** The training model's default achievable fraction of the dense peak, as options.ts sets it. */
export const DEFAULT_TRAIN_EFFICIENCY: number = readTrainOptions({ seq: 1 }).efficiency;

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
  /** The fitted achievable fraction of the dense peak. */
  readonly efficiency: number;
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

/** The kit's value of the row's metric at achievable fraction `efficiency` (default: the kit's). */
export function predictTraining(r: TrainingMeasurement, efficiency: number = DEFAULT_TRAIN_EFFICIENCY): TrainingPrediction {
  const cl = cluster(gpu(r.gpu), r.count).tp(r.tp).pp(r.pp).network(r.network);
  const opts: TrainOptions = {
    seq: r.seq, microBatch: r.microBatch, globalBatch: r.globalBatch, precision: r.precision, zero: r.zero, recompute: r.recompute,
    interleave: r.interleave ?? 1, efficiency,
    ...(r.flashAttention !== undefined ? { flashAttention: r.flashAttention } : {}),
    ...(r.dropout !== undefined ? { dropout: r.dropout } : {}),
    ...(r.attentionFlops !== undefined ? { attentionFlops: r.attentionFlops } : {}),
  };
  const t = train(trainingModel(r), opts).on(cl);
  const fits = t.memory().fits !== false;
  const s = t.step({ checkMemory: false }).times;
  const perGpuSecond = s.tokensPerStep / (s.step * s.gpus);
  let value: number;
  switch (r.metric) {
    case "gpu_hours": value = ((r.tokens! / s.tokensPerStep) * s.step * s.gpus) / 3600; break;
    case "mfu": value = s.mfu; break;
    case "hw_tflops_per_gpu": value = (s.flops.hardware * perGpuSecond) / 1e12; break;
    case "tokens_per_s_per_gpu": value = perGpuSecond; break;
  }
  return Object.freeze({ value, fits, mfu: s.mfu });
}

function summary(errs: readonly number[]): ErrorSummary {
  return Object.freeze({ median: errs.length ? median(errs) : 0, worst: errs.length ? Math.max(...errs) : 0, rows: errs.length });
}

/** Error summary of `rows` at achievable fraction `efficiency`. */
export function trainingErrorOf(rows: readonly TrainingMeasurement[], efficiency: number): ErrorSummary {
  return summary(rows.map((r) => absError(predictTraining(r, efficiency).value, r.value)));
}

const better = (a: ErrorSummary, b: ErrorSummary) => a.median < b.median - 1e-12 || (Math.abs(a.median - b.median) <= 1e-12 && a.worst < b.worst);

/**
 * Fit η to `rows` (default: the shipped dataset): grid over (0, 1] then golden-section
 * refinement (header). Returns η, the error summaries at the default and at η, and a per-row table.
 */
export function calibrateTraining(rows: readonly TrainingMeasurement[] = trainingMeasurements()): TrainingCalibration {
  if (!Array.isArray(rows) || rows.length === 0) throw new SuanliError("bad-argument", `calibrateTraining(rows) needs a non-empty array of training measurements, got ${show(rows)}`, { value: rows });
  const err = (eta: number) => trainingErrorOf(rows, eta);
  let best = DEFAULT_TRAIN_EFFICIENCY;
  let bestErr = err(best);
  const before = bestErr;
  const STEP = 0.005;
  for (let k = 1; k <= 200; k++) {
    const e = err(k * STEP);
    if (better(e, bestErr)) { best = k * STEP; bestErr = e; }
  }
  // Golden-section refinement on [best − STEP, best + STEP] ∩ (0, 1].
  const phi = (Math.sqrt(5) - 1) / 2;
  let lo = Math.max(1e-3, best - STEP), hi = Math.min(1, best + STEP);
  for (let i = 0; i < 30 && hi - lo > 1e-5; i++) {
    const x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo);
    const e1 = err(x1), e2 = err(x2);
    if (better(e1, e2)) hi = x2; else lo = x1;
    for (const [x, e] of [[x1, e1], [x2, e2]] as const) if (better(e, bestErr)) { best = x; bestErr = e; }
  }
  const table = rows.map((r) => {
    const b = predictTraining(r, DEFAULT_TRAIN_EFFICIENCY), a = predictTraining(r, best);
    return { id: r.id, metric: r.metric, measured: r.value, before: b.value, after: a.value, errorBefore: absError(b.value, r.value), errorAfter: absError(a.value, r.value), fits: b.fits };
  });
  return withText({ efficiency: best, before, after: bestErr, table: Object.freeze(table) }, describeTrainingCalibration);
}

function describeTrainingCalibration(c: TrainingCalibration): string {
  return [
    `training calibration on ${c.after.rows} published runs: achieved fraction of dense peak ${percent(DEFAULT_TRAIN_EFFICIENCY)} (default) → ${percent(c.efficiency)} (fitted)`,
    `median error ${percent(c.before.median)} → ${percent(c.after.median)}, worst ${percent(c.before.worst)} → ${percent(c.after.worst)}`,
  ].join("\n");
}
