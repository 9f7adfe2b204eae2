import { describe, it, expect } from "vitest";
import {
  trainingMeasurements, trainingModel, predictTraining, trainingErrorOf, calibrateTraining, leaveOneSourceOut, trainingRegime, TRAINING_METRICS,
  SuanliError, train, cluster, gpu, type TrainingMeasurement,
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

describe("predictTraining(row, scale)", () => {
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
      const lo = predictTraining(r, 0.6).value, hi = predictTraining(r, 1.2).value;
      if (metric === "gpu_hours") expect(hi).toBeLessThan(lo);
      else expect(hi).toBeGreaterThan(lo);
    }
  });

  it("scores GPU-hours as time().gpuHours does, goodput included (the quantity calibrateTraining fits)", () => {
    const r = trainingMeasurements().find((x) => x.metric === "gpu_hours")!;
    const cl = cluster(gpu(r.gpu), r.count).tp(r.tp).pp(r.pp).network(r.network);
    const t = train(trainingModel(r), { seq: r.seq, microBatch: r.microBatch, globalBatch: r.globalBatch, precision: r.precision, zero: r.zero, recompute: r.recompute }).on(cl);
    const run = t.time({ tokens: r.tokens!, checkMemory: false });
    expect(predictTraining(r).value).toBeCloseTo(run.gpuHours.value, 6);
    const noGoodput = (r.tokens! / run.step.times.tokensPerStep) * run.step.times.step * r.count / 3600;
    expect(predictTraining(r).value / noGoodput).toBeCloseTo(1 / 0.9, 9);
  });
});

describe("calibrateTraining(rows)", () => {
  it("fits one scale per regime (architecture × 16-bit/fp8), none worse than the defaults on its rows", () => {
    const rows = trainingMeasurements();
    const c = calibrateTraining(rows);
    expect(Object.keys(c.scales).sort()).toEqual([...new Set(rows.map(trainingRegime))].sort());
    for (const [regime, k] of Object.entries(c.scales)) {
      expect(k).toBeGreaterThan(0.4);
      expect(k).toBeLessThan(1.6);
      const mine = rows.filter((r) => trainingRegime(r) === regime);
      expect(trainingErrorOf(mine, k).median).toBeLessThanOrEqual(trainingErrorOf(mine, 1).median);
    }
    expect(c.before).toEqual(trainingErrorOf(rows, 1));
    expect(c.after.median).toBeCloseTo(trainingErrorOf(rows, c.scales).median, 12);
    expect(c.table).toHaveLength(rows.length);
    for (const t of c.table) for (const v of [t.before, t.after, t.errorBefore, t.errorAfter]) expect(Number.isFinite(v)).toBe(true);
  });

  it("recovers the scale a synthetic dataset was generated with", () => {
    const base = trainingMeasurements().filter((r) => r.metric === "hw_tflops_per_gpu");
    const synthetic: TrainingMeasurement[] = base.map((r) => ({ ...r, value: predictTraining(r, 0.83).value }));
    const c = calibrateTraining(synthetic);
    for (const k of Object.values(c.scales)) expect(k).toBeCloseTo(0.83, 2);
    expect(c.after.median).toBeLessThan(1e-3);
  });

  it("refuses an empty list, naming it", () => {
    expect(() => calibrateTraining([])).toThrow(SuanliError);
    expect(() => calibrateTraining([])).toThrow(/non-empty/);
  });
});

describe("leaveOneSourceOut(rows)", () => {
  it("predicts each source's rows with the scale fitted on the other sources", () => {
    const rows = trainingMeasurements();
    const l = leaveOneSourceOut(rows);
    expect(l).toHaveLength(rows.length);
    for (const x of l) {
      const others = rows.filter((r) => r.source !== x.source);
      expect(x.scale).toBeCloseTo(calibrateTraining(others).scales[x.regime] ?? 1, 12);
      expect(x.error).toBeCloseTo(Math.abs(x.predicted - x.measured) / x.measured, 12);
      expect(Number.isFinite(x.predicted)).toBe(true);
    }
  });
  it("recovers a synthetic scale on unseen sources", () => {
    const synthetic = trainingMeasurements().filter((r) => r.metric !== "gpu_hours").map((r) => ({ ...r, value: predictTraining(r, 0.9).value }));
    const sourcesOf = (regime: string) => new Set(synthetic.filter((r) => trainingRegime(r) === regime).map((r) => r.source));
    for (const x of leaveOneSourceOut(synthetic)) {
      if (sourcesOf(x.regime).size > 1) expect(x.error, x.id).toBeLessThan(2e-3);
      else expect(x.scale, x.id).toBe(1); // no other source covers the regime: the defaults
    }
  });
  it("refuses an empty list", () => {
    expect(() => leaveOneSourceOut([])).toThrow(/leaveOneSourceOut\(rows\) needs a non-empty array/);
  });
});
