import { describe, it, expect } from "vitest";
import { measurements, predict, calibrate, errorOf, median, DEFAULT_EFFICIENCY } from "../../src/index.js";

describe("measurements()", () => {
  it("every row has its full setup and a source URL", () => {
    const rows = measurements();
    expect(rows.length).toBeGreaterThanOrEqual(20);
    for (const r of rows) {
      expect(r.source).toMatch(/^https:\/\//);
      for (const k of ["gpu", "model", "precision", "weights", "kv", "engine", "metric"] as const) expect(typeof r[k]).toBe("string");
      for (const k of ["count", "tp", "input", "output", "batch", "value"] as const) expect(r[k]).toBeGreaterThan(0);
    }
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
  it("does not make the median error worse and keeps fractions in (0, 1]", () => {
    const rows = measurements().filter((r) => r.model === "llama2-7b");
    const c = calibrate(rows, { rounds: 1 });
    expect(c.after.median).toBeLessThanOrEqual(c.before.median);
    expect(c.before).toEqual(errorOf(rows, DEFAULT_EFFICIENCY));
    for (const v of Object.values(c.efficiency)) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(c.table).toHaveLength(rows.length);
  });

  it("median() of odd and even lists", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
