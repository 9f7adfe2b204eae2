/**
 * `uncertainty.predict(row)` — the kit's value of a measurement-shaped row (the setup fields of
 * datasets/measurements.json or training-measurements.json, without `value` and `source`) with
 * its band: { value, low, high, level }, in the metric's own unit (tok/s, ms, GPU-hours, …).
 */
import { SuanliError, show } from "../errors.js";
import { predict as predictInference, type Measurement } from "../inference/measurements.js";
import { predictTraining, type TrainingMeasurement } from "../training/calibrate.js";
import { bandFor, bounds, DEFAULT_LEVEL, type Band } from "./interval.js";
import { logRatio, measurementSetup, trainingSetup } from "./residuals.js";

export type SetupRow = Omit<Measurement, "value" | "source" | "id"> | Omit<TrainingMeasurement, "value" | "source" | "id" | "where" | "note">;

export interface Prediction {
  readonly value: number;
  readonly low: number;
  readonly high: number;
  readonly level: number;
  readonly band: Band;
}

const isTraining = (r: SetupRow): r is Omit<TrainingMeasurement, "value" | "source" | "id" | "where" | "note"> => "globalBatch" in r;

/** The row's prediction and its band at `level` (default 0.8); refuses a row the kit cannot predict, saying why. */
export function predictRow(row: SetupRow, level: number = DEFAULT_LEVEL): Prediction {
  if (row === null || typeof row !== "object") throw new SuanliError("bad-argument", `predict(row) needs a measurement-shaped object, got ${show(row)}`, { value: row });
  const full = { id: "row", source: "https://user", value: 1, where: "", note: "", ...row };
  let value: number;
  let setup;
  if (isTraining(row)) {
    const r = full as TrainingMeasurement;
    value = predictTraining(r).value;
    setup = trainingSetup(r);
  } else {
    const r = full as Measurement;
    const p = predictInference(r);
    if (p.value === null) throw new SuanliError("bad-argument", `predict(row): ${p.reason}`, { value: row });
    value = p.value;
    setup = measurementSetup(r);
  }
  const band = bandFor(setup, level);
  const time = logRatio(row.metric, 2, 1) > 0;
  const { low, high } = bounds(value, band, time ? "time" : "rate");
  return Object.freeze({ value, low, high, level, band });
}
