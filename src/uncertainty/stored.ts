/**
 * The stored residual table (datasets/residuals.json): the held-out predictions of residuals.ts,
 * computed once by `npm run residuals` and shipped, so that a process's first `.interval()` reads
 * them (milliseconds) instead of refitting the calibration once per source (tens of seconds).
 *
 * Each kind's table is keyed by a fingerprint: a SHA-256 of everything the held-out predictions
 * follow from that can be had cheaply —
 * - the measurement rows themselves (every field);
 * - every row's prediction under the shipped defaults, and under a probe setting (inference:
 *   every efficiency halved; training: the matmul scale halved), so a change to the physics
 *   shows even where it leaves the defaults' predictions alone;
 * - inference only: the calibration's knob list, its default fit and ridge weight (whichever of
 *   CALIBRATION_KNOBS, DEFAULT_FIT, DEFAULT_PRIOR inference/calibrate.ts exports);
 * - RESIDUAL_METHOD, a version bumped by hand when residuals.ts changes how it holds out.
 * A table whose fingerprint differs is ignored and the residuals are computed afresh (in memory,
 * once per process and kind). What the fingerprint cannot see — a change to the calibration's
 * search (step sizes, rounds) that leaves every prediction above unchanged — `npm run
 * validate:intervals` does: it recomputes from scratch and says when the stored table differs.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { datasetPath } from "../data/paths.js";
import * as inferenceCalibration from "../inference/calibrate.js";
import { DEFAULT_EFFICIENCY } from "../inference/efficiency.js";
import { measurements, predict } from "../inference/measurements.js";
import { predictTraining, trainingMeasurements } from "../training/calibrate.js";

/** The version of the hold-out method in residuals.ts; bump it when that method changes. */
export const RESIDUAL_METHOD = 1;

export type ResidualKind = "inference" | "training";

/** One kind's stored table: the fingerprint it was computed under and each row's held-out prediction. */
export interface StoredKind {
  readonly fingerprint: string;
  readonly predicted: Readonly<Record<string, number | null>>;
}

const FILE = "residuals.json";

const sha = (x: unknown) => createHash("sha256").update(JSON.stringify(x)).digest("hex").slice(0, 16);

/** The fingerprint of the shipped `kind` measurements under the current physics (header). */
export function fingerprint(kind: ResidualKind): string {
  if (kind === "inference") {
    const rows = measurements();
    const half = { compute: DEFAULT_EFFICIENCY.compute / 2, memory: DEFAULT_EFFICIENCY.memory / 2, link: DEFAULT_EFFICIENCY.link / 2 };
    // read by name, so a calibration that adds, renames or drops one of these still fingerprints
    const cal = inferenceCalibration as Record<string, unknown>;
    return sha({ method: RESIDUAL_METHOD, rows, base: rows.map((r) => predict(r).value), probe: rows.map((r) => predict(r, half).value), knobs: cal.CALIBRATION_KNOBS, fit: cal.DEFAULT_FIT, prior: cal.DEFAULT_PRIOR });
  }
  const rows = trainingMeasurements();
  return sha({ method: RESIDUAL_METHOD, rows, base: rows.map((r) => predictTraining(r).value), probe: rows.map((r) => predictTraining(r, 0.5).value) });
}

let file: Partial<Record<ResidualKind, StoredKind>> | undefined;

function readStored(): Partial<Record<ResidualKind, StoredKind>> {
  if (file) return file;
  const p = datasetPath(FILE);
  try {
    file = existsSync(p) ? (JSON.parse(readFileSync(p, "utf8")) as Partial<Record<ResidualKind, StoredKind>>) : {};
  } catch {
    file = {}; // an unreadable table is only a missed shortcut: the residuals are computed instead
  }
  return file;
}

/** The stored held-out predictions of `kind` when their fingerprint is `current`, else undefined. */
export function storedPredictions(kind: ResidualKind, current: string = fingerprint(kind)): ReadonlyMap<string, number | null> | undefined {
  const k = readStored()[kind];
  if (!k || k.fingerprint !== current || typeof k.predicted !== "object" || k.predicted === null) return undefined;
  return new Map(Object.entries(k.predicted));
}

/** The stored fingerprint of `kind` (undefined when there is none): what the freshness test compares. */
export function storedFingerprint(kind: ResidualKind): string | undefined {
  return readStored()[kind]?.fingerprint;
}

/** Write the table of `tables` (kind → held-out prediction by row id) atomically (npm run residuals). */
export function writeStored(tables: Readonly<Record<ResidualKind, ReadonlyMap<string, number | null>>>): string {
  const p = datasetPath(FILE);
  const out: Record<string, unknown> = {
    about: "Derived, not measured: leave-one-source-out predictions of datasets/measurements.json and training-measurements.json (src/uncertainty/residuals.ts), written by `npm run residuals`; used only while each kind's fingerprint matches (src/uncertainty/stored.ts).",
  };
  for (const kind of ["inference", "training"] as const) out[kind] = { fingerprint: fingerprint(kind), predicted: Object.fromEntries(tables[kind]) };
  writeFileSync(`${p}.tmp`, JSON.stringify(out, null, 1) + "\n");
  renameSync(`${p}.tmp`, p);
  file = undefined;
  return p;
}
