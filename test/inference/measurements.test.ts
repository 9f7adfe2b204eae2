import { describe, it, expect } from "vitest";
import { measurements, predict, calibrate, looCalibrate, predictFit, errorOf, median, model, DEFAULT_EFFICIENCY, DEFAULT_FIT, NO_OVERHEAD, DEFAULT_OVERHEAD, KV_READS, type Measurement } from "../../src/index.js";

describe("measurements()", () => {
  it("every row has its full setup and a source URL", () => {
    const rows = measurements();
    expect(rows.length).toBeGreaterThanOrEqual(20);
    for (const r of rows) {
      expect(r.source).toMatch(/^https:\/\//);
      for (const k of ["gpu", "model", "precision", "weights", "kv", "engine", "metric"] as const) expect(typeof r[k]).toBe("string");
      for (const k of ["count", "tp", "input", "output", "batch", "value"] as const) expect(r[k]).toBeGreaterThan(0);
      if (r.kvReads !== undefined) {
        expect(KV_READS).toContain(r.kvReads);
        expect(r.note).toMatch(/kvReads per-query-head/); // the reason is stated on the row
      }
    }
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  it("predict(row) honours the row's kvReads and the overrides", () => {
    const row = measurements().find((r) => r.kvReads === "per-query-head" && r.metric !== "ttft_ms")!;
    const shared: Measurement = { ...row, kvReads: undefined };
    expect(predict(row).value!).toBeLessThan(predict(shared).value!); // more KV traffic: fewer tokens/s
    expect(predict(row, undefined, { overhead: NO_OVERHEAD }).value!).toBeGreaterThan(predict(row).value!);
    expect(predict(row, undefined, { overlap: 1 }).value!).toBeGreaterThan(predict(row).value!);
  });

  it("predict(row) gives a finite value for every shipped row", () => {
    for (const r of measurements()) {
      const p = predict(r);
      expect(p.reason).toBeUndefined();
      expect(Number.isFinite(p.value)).toBe(true);
    }
  });
});

describe("calibrate(rows)", () => {
  it("does not make its objective worse (mean |log error| by default, or the median) and keeps fractions in (0, 1]", () => {
    const rows = measurements().filter((r) => r.model === "llama2-7b");
    const c = calibrate(rows, { rounds: 1 });
    expect(c.after.meanLog!).toBeLessThanOrEqual(c.before.meanLog!);
    const m = calibrate(rows, { rounds: 1, objective: "median" });
    expect(m.after.median).toBeLessThanOrEqual(m.before.median);
    expect(c.before).toEqual(errorOf(rows, DEFAULT_EFFICIENCY));
    for (const v of Object.values(c.efficiency)) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(c.table).toHaveLength(rows.length);
  });

  it("on the shipped rows: the defaults beat the classic roofline, and a fit does not lose to them", () => {
    const rows = measurements();
    const defaults = errorOf(rows, DEFAULT_EFFICIENCY);
    const classic = errorOf(rows, DEFAULT_EFFICIENCY, { overlap: 1, overhead: NO_OVERHEAD });
    expect(defaults.rows).toBe(rows.length);
    expect(defaults.median).toBeLessThan(classic.median);
    expect(defaults.worst).toBeLessThan(classic.worst);
    expect(defaults.median).toBeLessThan(0.15); // regression guard: 8.6 % when written
    const c = calibrate(rows, { rounds: 1, knobs: ["overlap", "perStep"] });
    expect(c.before).toEqual(defaults);
    expect(c.after.meanLog!).toBeLessThanOrEqual(c.before.meanLog!);
    expect(c.overlap).toBeGreaterThanOrEqual(0);
    expect(c.overlap).toBeLessThanOrEqual(1);
    expect(c.overhead.perStep).toBeGreaterThanOrEqual(0);
    expect(c.overhead.perLayer).toBe(DEFAULT_OVERHEAD.perLayer); // not in knobs: left alone
  });

  it("fits the overhead: from none, it recovers a fixed cost and lowers the TTFT error", () => {
    const rows = measurements().filter((r) => r.metric === "ttft_ms");
    const c = calibrate(rows, { rounds: 2, knobs: ["perStep", "perLayer"] });
    const none = errorOf(rows, DEFAULT_EFFICIENCY, { overhead: NO_OVERHEAD });
    // the objective (mean |log error|): the median alone can favour none, which fits the many
    // compute-bound 2048-token rows and gives up the short prompts
    expect(c.after.meanLog!).toBeLessThan(none.meanLog!);
    expect(c.overhead.perStep + 80 * c.overhead.perLayer).toBeGreaterThan(0);
  });

  it("fits the MoE kernel knobs on MoE rows (TensorRT-LLM v0.9 Mixtral) without touching dense rows", () => {
    const moe = measurements().filter((r) => model(r.model).arch.moe && r.engine === "TensorRT-LLM");
    const dense = measurements().filter((r) => !model(r.model).arch.moe).slice(0, 8);
    expect(moe.length).toBeGreaterThanOrEqual(10);
    const c = calibrate(moe, { rounds: 1, knobs: ["grouped", "imbalance"] });
    expect(c.after.meanLog!).toBeLessThanOrEqual(c.before.meanLog!);
    expect(c.kernels.grouped).toBeGreaterThanOrEqual(0.2);
    expect(c.kernels.imbalance).toBeGreaterThanOrEqual(1);
    for (const r of dense) expect(predictFit(r, c)).toBe(predictFit(r, DEFAULT_FIT));
  });

  it("the ridge (prior) keeps a knob the rows cannot identify at its default: grouped on dense rows", () => {
    const rows = measurements().filter((r) => r.model === "llama2-7b").slice(0, 6);
    expect(calibrate(rows, { rounds: 1, knobs: ["grouped", "imbalance"] }).kernels).toEqual(DEFAULT_FIT.kernels);
    const free = calibrate(rows, { rounds: 1, knobs: ["compute"], prior: 0 });
    const held = calibrate(rows, { rounds: 1, knobs: ["compute"], prior: 1 });
    expect(Math.abs(held.efficiency.compute - DEFAULT_FIT.efficiency.compute)).toBeLessThanOrEqual(Math.abs(free.efficiency.compute - DEFAULT_FIT.efficiency.compute));
  });

  it("looCalibrate(rows): each source predicted by a fit that never saw it", () => {
    const rows = measurements().filter((r) => r.model === "llama2-7b" && r.metric !== "ttft_ms");
    const sources = new Set(rows.map((r) => r.source));
    expect(sources.size).toBeGreaterThanOrEqual(2);
    const held = looCalibrate(rows, { rounds: 1, knobs: ["compute", "memory"] });
    expect(held.map((h) => h.id)).toEqual(rows.map((r) => r.id));
    for (const h of held) {
      expect(Number.isFinite(h.predicted)).toBe(true);
      expect(h.error).toBeCloseTo(Math.abs(h.predicted! - h.measured) / h.measured, 12);
    }
    // a held-out source's prediction equals calibrating on the others and predicting it
    const src = [...sources][0]!;
    const fit = calibrate(rows.filter((r) => r.source !== src), { rounds: 1, knobs: ["compute", "memory"] });
    const one = rows.find((r) => r.source === src)!;
    expect(held.find((h) => h.id === one.id)!.predicted).toBe(predictFit(one, fit));
  });

  it("median() of odd and even lists", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
