import { describe, it, expect } from "vitest";
import { conformalBand, minResiduals, checkLevel } from "../../src/uncertainty/conformal.js";
import { regimeChain } from "../../src/uncertainty/regimes.js";
import { bandFor, bounds, withBand, MIN_ROWS } from "../../src/uncertainty/interval.js";
import type { Residual } from "../../src/uncertainty/residuals.js";
import type { InferenceSetup } from "../../src/uncertainty/regimes.js";
import { errorOf } from "../helpers.js";

const setup = (o: Partial<InferenceSetup> = {}): InferenceSetup => ({ kind: "inference", phase: "decode", gpu: "H100-SXM", generation: "Hopper", precision: "fp8", moe: false, batch: 64, ...o });
const res = (s: InferenceSetup, r: number, i: number): Residual => ({ id: `r${i}`, source: `s${i % 3}`, metric: "ttft_ms", setup: s, measured: 1, predicted: Math.exp(r), residual: r });

describe("conformalBand(residuals, level)", () => {
  it("takes the ⌊(n+1)α/2⌋-th and ⌈(n+1)(1−α/2)⌉-th smallest residuals", () => {
    const rs = Array.from({ length: 19 }, (_, i) => i + 1); // 1..19, n + 1 = 20
    expect(conformalBand(rs, 0.8)).toEqual({ lo: 2, hi: 18 });
    expect(conformalBand(rs, 0.5)).toEqual({ lo: 5, hi: 15 });
  });
  it("is null with fewer than 2/α − 1 residuals", () => {
    expect(minResiduals(0.8)).toBe(9);
    expect(conformalBand([1, 2, 3, 4, 5, 6, 7, 8], 0.8)).toBeNull();
    expect(conformalBand([1, 2, 3, 4, 5, 6, 7, 8, 9], 0.8)).toEqual({ lo: 1, hi: 9 });
  });
  it("refuses a level outside (0, 1), naming it", () => {
    for (const bad of [0, 1, 1.2, -0.5, NaN, "0.8"]) expect(errorOf(() => checkLevel(bad)).message).toContain(String(bad === "0.8" ? '"0.8"' : bad));
  });
});

describe("bandFor(setup, level, pool)", () => {
  it("uses the finest regime with enough rows, else falls back and says so", () => {
    const fine = Array.from({ length: 12 }, (_, i) => res(setup(), 0.01 * (i - 6), i));
    const other = Array.from({ length: 12 }, (_, i) => res(setup({ batch: 512 }), 0.05 * (i - 6), 100 + i));
    const b = bandFor(setup(), 0.8, [...fine, ...other]);
    expect(b.regime).toBe(regimeChain(setup())[0]);
    expect(b.rows).toBe(12);
    const few = fine.slice(0, MIN_ROWS - 1);
    const fb = bandFor(setup(), 0.8, [...few, ...other]);
    expect(fb.regime).toBe(regimeChain(setup())[1]);
    expect(fb.note).toContain("fell back");
    expect(fb.hi - fb.lo).toBeGreaterThan(b.hi - b.lo);
  });
  it("falls back from a regime whose residuals all come from one source", () => {
    const one = Array.from({ length: 12 }, (_, i) => ({ ...res(setup(), 0.01 * (i - 6), i), source: "only" }));
    const other = Array.from({ length: 12 }, (_, i) => res(setup({ batch: 512 }), 0.05 * (i - 6), 100 + i));
    const b = bandFor(setup(), 0.8, [...one, ...other]);
    expect(b.regime).toBe(regimeChain(setup())[1]);
    expect(b.note).toContain("from 2 sources");
  });
  it("gives a generation nobody measured the widest band, saying why", () => {
    const pool = [
      ...Array.from({ length: 12 }, (_, i) => res(setup(), 0.01 * (i - 6), i)),
      ...Array.from({ length: 12 }, (_, i) => res(setup({ generation: "Ampere", gpu: "A100-SXM-80GB", precision: "fp16" }), 0.1 * (i - 6), 50 + i)),
    ];
    const b = bandFor(setup({ generation: "Blackwell", gpu: "B200" }), 0.8, pool);
    expect(b.widest).toBe(true);
    expect(b.note).toMatch(/no published inference measurement on a Blackwell GPU/);
    for (const s of [setup(), setup({ generation: "Ampere", gpu: "A100-SXM-80GB", precision: "fp16" })]) {
      const own = bandFor(s, 0.8, pool);
      expect(b.lo).toBeLessThanOrEqual(own.lo);
      expect(b.hi).toBeGreaterThanOrEqual(own.hi);
    }
  });
});

describe("bandFor: source-level widening", () => {
  // three sources in one regime, each with its own offset and a small spread around it
  const pool = (offset: number) => [0, 1, 2].flatMap((src) => Array.from({ length: 6 }, (_, i) => ({ ...res(setup(), (src - 1) * offset + 0.01 * (i - 3), src * 10 + i), source: `s${src}` })));
  it("widens the band by how far each source lands outside the band of the others", () => {
    const apart = bandFor(setup(), 0.8, pool(0.3));
    expect(apart.widening).toBeGreaterThan(0.1);
    // a left-out source lies 0.3 beyond the others' band edge: the widened band reaches it
    expect(apart.lo).toBeLessThanOrEqual(-0.3);
    expect(apart.hi).toBeGreaterThanOrEqual(0.3);
  });
  it("is about nothing when the sources agree, and never inverts the band", () => {
    const together = bandFor(setup(), 0.8, pool(0));
    expect(Math.abs(together.widening)).toBeLessThan(0.02);
    expect(together.lo).toBeLessThanOrEqual(together.hi);
  });
  it("is 0 with a single source", () => {
    const one = Array.from({ length: 12 }, (_, i) => ({ ...res(setup(), 0.01 * i, i), source: "only" }));
    expect(bandFor(setup(), 0.8, one).widening).toBe(0);
  });
});

describe("bandFor(moe setup) without MoE measurements", () => {
  it("is the widest band, saying why", () => {
    const pool = Array.from({ length: 24 }, (_, i) => res(setup({ batch: i < 12 ? 64 : 512 }), 0.02 * (i - 12), i));
    const b = bandFor(setup({ moe: true }), 0.8, pool);
    expect(b.widest).toBe(true);
    expect(b.note).toContain("mixture-of-experts");
    expect(bandFor(setup({ moe: true }), 0.8, [...pool, ...Array.from({ length: 12 }, (_, i) => res(setup({ moe: true }), 0.3, 100 + i))]).widest).toBe(false);
  });
});

describe("bounds(value, band, orientation)", () => {
  it("never inverts and always contains the value", () => {
    for (const [lo, hi] of [[-0.2, 0.3], [0.1, 0.4], [-0.5, -0.1], [0, 0]]) {
      for (const o of ["time", "rate"] as const) {
        const { low, high } = bounds(7.2, { lo: lo!, hi: hi! }, o);
        expect(low).toBeLessThanOrEqual(7.2);
        expect(high).toBeGreaterThanOrEqual(7.2);
      }
    }
  });
  it("a pessimistic kit (r > 0) moves a time down and a rate up", () => {
    expect(bounds(10, { lo: 0.1, hi: 0.2 }, "time").low).toBeCloseTo(10 * Math.exp(-0.2), 12);
    expect(bounds(10, { lo: 0.1, hi: 0.2 }, "rate").high).toBeCloseTo(10 * Math.exp(0.2), 12);
  });
});

describe("withBand(value, low, high, level, fmt)", () => {
  it('prints "7.2 ms (80 %: 6.5–8.4 ms)"', () => {
    expect(withBand(7.2e-3, 6.5e-3, 8.4e-3, 0.8, (x) => `${+(x * 1e3).toFixed(1)} ms`)).toBe("7.2 ms (80 %: 6.5–8.4 ms)");
  });
  it("refuses a bad level", () => {
    expect(errorOf(() => withBand(1, 1, 1, 80)).message).toContain("80");
  });
});
