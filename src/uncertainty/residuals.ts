/**
 * Leave-one-source-out residuals: for each source of the shipped measurements, calibrate the
 * kit on every other source and predict that source's rows — the error a setup nobody measured
 * should expect. The defaults are themselves a fit to all measurements, so their in-sample error
 * flatters them; the held-out error is the honest one.
 *
 * Each residual is a log error ratio in time orientation,
 *
 *   r = ln(predicted time ÷ measured time)   (= ln(measured rate ÷ predicted rate) for a rate),
 *
 * so r > 0 means the kit is pessimistic (too slow) and r < 0 optimistic, whatever the metric.
 *
 * Everything goes through the public calibration API, so when the physics or the fitted knobs
 * change, the residuals follow without edits here: where the calibration modules ship their own
 * leave-one-source-out (`looCalibrate` for inference, `leaveOneSourceOut` for training: rows of
 * { id, source, predicted }), those are used, since they know how their fit predicts; otherwise
 * each source is held out here through `calibrate(rows)` + `predict(row, …)` and
 * `calibrateTraining(rows)` + `predictTraining(row, …)`. Computing them takes one calibration per
 * source (tens of seconds for inference), so `residualsOf(kind)` reads the stored table
 * (stored.ts, `npm run residuals`) while it matches the current measurements and physics, and
 * computes only a kind that is asked for.
 */
import { gpu } from "../hardware/gpu.js";
import { model } from "../model/model.js";
import * as inferenceCalibration from "../inference/calibrate.js";
import { calibrate, type Calibration } from "../inference/calibrate.js";
import { measurements, predict, type Measurement, type ModelOptions } from "../inference/measurements.js";
import * as trainingCalibration from "../training/calibrate.js";
import { calibrateTraining, predictTraining, trainingMeasurements, type TrainingCalibration, type TrainingMeasurement } from "../training/calibrate.js";
import { SuanliError } from "../errors.js";
import type { InferenceSetup, Setup, TrainingSetup } from "./regimes.js";
import { storedPredictions, type ResidualKind } from "./stored.js";

export interface Residual {
  readonly id: string;
  readonly source: string;
  readonly metric: string;
  readonly setup: Setup;
  readonly measured: number;
  /** The prediction under the fit that never saw this row's source. */
  readonly predicted: number;
  /** ln(predicted time ÷ measured time) (header). */
  readonly residual: number;
}

/** Metrics that are times (the rest are rates: bigger is faster). */
const TIME_METRICS = new Set(["ttft_ms", "gpu_hours"]);

/** ln(predicted/measured) turned to time orientation. */
export function logRatio(metric: string, predicted: number, measured: number): number {
  const r = Math.log(predicted / measured);
  return TIME_METRICS.has(metric) ? r : -r;
}

/** The inference setup a measurement row describes. */
export function measurementSetup(r: Measurement): InferenceSetup {
  const g = gpu(r.gpu);
  return Object.freeze({
    kind: "inference", phase: r.metric === "ttft_ms" ? "prefill" : "decode", gpu: g.id, generation: g.spec.architecture,
    precision: r.precision, moe: model(r.model).arch.moe !== undefined, batch: r.batch,
  });
}

/** The training setup a training measurement row describes. */
export function trainingSetup(r: TrainingMeasurement): TrainingSetup {
  const g = gpu(r.gpu);
  return Object.freeze({ kind: "training", gpu: g.id, generation: g.spec.architecture, precision: r.precision, gpus: r.count });
}

/** A held-out prediction as the calibration modules' own leave-one-source-out functions return it. */
type HeldOut = { readonly id: string; readonly source: string; readonly predicted: number | null };
type Loo<R> = (rows: readonly R[]) => readonly HeldOut[];

/** The module's own leave-one-source-out function `name`, when it exports one. */
function shippedLoo<R>(mod: object, name: string): Loo<R> | undefined {
  const f = (mod as Record<string, unknown>)[name];
  return typeof f === "function" ? (f as Loo<R>) : undefined;
}

/** Held-out predictions by row id: the module's own LOSO where it has one, else `each(rest, row)` per source. */
function heldOut<R extends { id: string; source: string }>(rows: readonly R[], loo: Loo<R> | undefined, fit: (rest: readonly R[]) => (r: R) => number | null): Map<string, number | null> {
  if (loo) return new Map(loo(rows).map((h) => [h.id, h.predicted]));
  const out = new Map<string, number | null>();
  for (const src of sourcesOf(rows)) {
    const rest = rows.filter((r) => r.source !== src);
    if (rest.length === 0) continue;
    const predictOne = fit(rest);
    for (const r of rows) if (r.source === src) out.set(r.id, predictOne(r));
  }
  return out;
}

const sourcesOf = (rows: readonly { source: string }[]) => [...new Set(rows.map((r) => r.source))];

/** A row's prediction under a calibration: its efficiency, and every other fitted constant as model options. */
function predictUnder(r: Measurement, cal: Calibration): number | null {
  const { efficiency, before: _b, after: _a, table: _t, ...rest } = cal;
  return predict(r, efficiency, rest as ModelOptions).value;
}

/** The constant calibrateTraining fitted (its one numeric field), in the form predictTraining takes it. */
function fittedConstant(cal: TrainingCalibration): number {
  const nums = Object.values(cal).filter((v): v is number => typeof v === "number");
  if (nums.length !== 1) throw new SuanliError("bad-dataset", `internal: calibrateTraining returned ${nums.length} fitted numbers, expected 1`);
  return nums[0]!;
}

/** Held-out predictions by row id of the inference measurements `rows`, computed afresh. */
export function inferenceHeldOut(rows: readonly Measurement[] = measurements()): Map<string, number | null> {
  return heldOut(rows, shippedLoo<Measurement>(inferenceCalibration, "looCalibrate"), (rest) => {
    const cal = calibrate(rest, { rounds: 2 });
    return (r) => predictUnder(r, cal);
  });
}

/** Held-out predictions by row id of the training measurements `rows`, computed afresh. */
export function trainingHeldOut(rows: readonly TrainingMeasurement[] = trainingMeasurements()): Map<string, number | null> {
  return heldOut(rows, shippedLoo<TrainingMeasurement>(trainingCalibration, "leaveOneSourceOut"), (rest) => {
    const k = fittedConstant(calibrateTraining(rest));
    return (r) => predictTraining(r, k).value;
  });
}

/** LOSO residuals of the inference measurements (`rows`, default the shipped ones), computed afresh. */
export function inferenceResiduals(rows: readonly Measurement[] = measurements()): readonly Residual[] {
  return residualRows(rows, inferenceHeldOut(rows), measurementSetup);
}

/** LOSO residuals of the training measurements (`rows`, default the shipped ones), computed afresh. */
export function trainingResiduals(rows: readonly TrainingMeasurement[] = trainingMeasurements()): readonly Residual[] {
  return residualRows(rows, trainingHeldOut(rows), trainingSetup);
}

/** One residual per row with a positive held-out prediction. */
function residualRows<R extends { id: string; source: string; metric: string; value: number }>(rows: readonly R[], held: ReadonlyMap<string, number | null>, setupOf: (r: R) => Setup): readonly Residual[] {
  const out: Residual[] = [];
  for (const r of rows) {
    const p = held.get(r.id);
    if (p === null || p === undefined || !(p > 0)) continue;
    out.push(Object.freeze({ id: r.id, source: r.source, metric: r.metric, setup: setupOf(r), measured: r.value, predicted: p, residual: logRatio(r.metric, p, r.value) }));
  }
  return Object.freeze(out);
}

const cache = new Map<ResidualKind, readonly Residual[]>();

/**
 * The LOSO residuals of one kind of the shipped measurements, once per process: from the stored
 * table when its fingerprint matches the current measurements and physics (stored.ts), else
 * computed. `fresh: true` always computes (what validate:intervals checks the table against).
 */
export function residualsOf(kind: ResidualKind, opts: { fresh?: boolean } = {}): readonly Residual[] {
  if (opts.fresh) return kind === "inference" ? inferenceResiduals() : trainingResiduals();
  let out = cache.get(kind);
  if (!out) {
    const stored = storedPredictions(kind);
    out = kind === "inference"
      ? residualRows(measurements(), stored ?? inferenceHeldOut(), measurementSetup)
      : residualRows(trainingMeasurements(), stored ?? trainingHeldOut(), trainingSetup);
    cache.set(kind, out);
  }
  return out;
}

let both: readonly Residual[] | undefined;

/** Every LOSO residual, inference then training (residualsOf each, once per process). */
export function residuals(): readonly Residual[] {
  both ??= Object.freeze([...residualsOf("inference"), ...residualsOf("training")]);
  return both;
}
