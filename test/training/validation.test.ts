import { describe, it, expect } from "vitest";
import {
  trainingMeasurements, trainingModel, predictTraining, trainingErrorOf, calibrateTraining, DEFAULT_TRAIN_EFFICIENCY, TRAINING_METRICS,
  readTrainOptions, SuanliError, type TrainingMeasurement,
} from "../../src/index.js";

describe("trainingMeasurements()", () => {
  it("every row has its setup, the table it comes from and a source URL", () => {
    const rows = trainingMeasurements();
    expect(rows.length).toBeGreaterThanOrEqual(15);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    for (const r of rows) {
      expect(r.source).toMatch(/^https:\/\//);
      expect(r.where.length).toBeGreaterThan(10);
      expect(r.note.length).toBeGreaterThan(10);
      expect(["published", "assumed"]).toContain(r.layout);
      expect(TRAINING_METRICS).toContain(r.metric);
      expect(r.tp * r.pp * r.dp).toBe(r.count);
      expect(r.globalBatch % (r.microBatch * r.dp)).toBe(0);
      for (const k of ["gpu", "precision", "recompute", "network"] as const) expect(typeof r[k]).toBe("string");
      for (const k of ["seq", "value", "microBatch"] as const) expect(r[k]).toBeGreaterThan(0);
      expect(r.model !== undefined || r.arch !== undefined).toBe(true);
      if (r.metric === "gpu_hours") expect(r.tokens).toBeGreaterThan(0);
      if (r.metric === "mfu") expect(r.value).toBeLessThanOrEqual(1);
    }
  });

  it("trainingModel(row) builds inline GPT configs with the published shape", () => {
    const r = trainingMeasurements().find((x) => x.arch !== undefined)!;
    const m = trainingModel(r);
    expect(m.arch.layers).toBe(r.arch!.layers);
    expect(m.arch.hidden).toBe(r.arch!.hidden);
    expect(m.arch.heads).toBe(r.arch!.heads);
    expect(m.arch.vocab).toBe(r.arch!.vocab);
  });
});

describe("predictTraining(row, efficiency)", () => {
  it("is finite and positive for every shipped row", () => {
    for (const r of trainingMeasurements()) {
      const p = predictTraining(r);
      expect(Number.isFinite(p.value), r.id).toBe(true);
      expect(p.value, r.id).toBeGreaterThan(0);
      expect(p.mfu, r.id).toBeGreaterThan(0);
      expect(p.mfu, r.id).toBeLessThanOrEqual(1);
    }
  });

  it("moves with the efficiency the way each metric should", () => {
    for (const metric of TRAINING_METRICS) {
      const r = trainingMeasurements().find((x) => x.metric === metric);
      if (!r) continue;
      const lo = predictTraining(r, 0.3).value, hi = predictTraining(r, 0.6).value;
      if (metric === "gpu_hours") expect(hi).toBeLessThan(lo);
      else expect(hi).toBeGreaterThan(lo);
    }
  });

  it("uses the training model's default efficiency", () => {
    expect(DEFAULT_TRAIN_EFFICIENCY).toBe(readTrainOptions({ seq: 1 }).efficiency);
  });
});

describe("calibrateTraining(rows)", () => {
  it("does not increase the median error and returns a fraction in (0, 1]", () => {
    const rows = trainingMeasurements();
    const c = calibrateTraining(rows);
    expect(c.efficiency).toBeGreaterThan(0);
    expect(c.efficiency).toBeLessThanOrEqual(1);
    expect(c.after.median).toBeLessThanOrEqual(c.before.median);
    expect(c.before).toEqual(trainingErrorOf(rows, DEFAULT_TRAIN_EFFICIENCY));
    expect(c.after.median).toBeCloseTo(trainingErrorOf(rows, c.efficiency).median, 12);
    expect(c.table).toHaveLength(rows.length);
    for (const t of c.table) for (const v of [t.before, t.after, t.errorBefore, t.errorAfter]) expect(Number.isFinite(v)).toBe(true);
  });

  it("recovers the efficiency a synthetic dataset was generated with", () => {
    const base = trainingMeasurements().filter((r) => r.metric === "hw_tflops_per_gpu");
    const synthetic: TrainingMeasurement[] = base.map((r) => ({ ...r, value: predictTraining(r, 0.42).value }));
    const c = calibrateTraining(synthetic);
    expect(c.efficiency).toBeCloseTo(0.42, 2);
    expect(c.after.median).toBeLessThan(1e-3);
  });

  it("refuses an empty list, naming it", () => {
    expect(() => calibrateTraining([])).toThrow(SuanliError);
    expect(() => calibrateTraining([])).toThrow(/non-empty/);
  });
});
