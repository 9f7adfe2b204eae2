import { describe, it, expect } from "vitest";
import { reproduce, articleClaims, VERDICTS, verdictSummary } from "../../src/index.js";
import { judge, statedScales, writtenDigits } from "../../src/article/judge.js";

const rows = reproduce();
const claims = articleClaims();

describe("reproduce() — every numeric claim of the seed article", () => {
  it("has one row per claim, each with a derivation", () => {
    expect(rows.length).toBe(claims.length);
    expect(rows.length).toBeGreaterThanOrEqual(30);
    for (const r of rows) {
      expect(r.derivation.length, r.id).toBeGreaterThan(5);
      expect(VERDICTS).toContain(r.verdict);
      if (typeof r.kitValue === "number") expect(Number.isFinite(r.kitValue), r.id).toBe(true);
    }
  });
  for (const c of claims) {
    it(`${c.id}: ${c.en} → ${c.expect}`, () => {
      const r = rows.find((x) => x.id === c.id)!;
      expect(r.verdict, `${r.kit} vs ${r.stated}: ${r.reason}`).toBe(c.expect);
    });
  }
  it("the headline numbers, computed", () => {
    const v = (id: string) => rows.find((r) => r.id === id)!.kitValue as number;
    expect(v("kv-article")).toBe(80 * 2 ** 30);
    expect(v("kv-real")).toBe(10 * 2 ** 30);
    expect(v("recompute-flops")).toBe(640 * 2 ** 40);
    expect(v("flops-per-byte")).toBe(8192);
    expect(v("tp-bound-a800")).toBe(31);
    expect(v("tp-bound-h20")).toBe(149);
    expect(v("memory-20pct")).toBeCloseTo(0.2, 12);
    expect(v("recompute-time-h100")).toBeCloseTo((4096 * 80 * 2 * 8192 * 8192 * 2) / 3.35e12, 9);
    // MHA: 2 × 80 × 8192 × 4096 × 2 B = 10.7 GB per sequence against 138 GB of weights → batch 13, not 9.
    expect(v("kv-exceeds-weights")).toBe(13);
    // Dense peaks: H20 FP8 296 TFLOPS vs A800 INT8 624 TOPS; H100 FP8 1979 vs A100 INT8 624.
    expect(v("fp8-gemm-vs-int8-gemm-h20")).toBeCloseTo(296 / 624, 12);
    expect(v("fp8-gemm-vs-int8-gemm")).toBeCloseTo(1979 / 624, 12);
    // Optimizer steps = tokens ÷ global batch: the micro-batch does not change them.
    expect(v("microbatch-fewer-steps")).toBe(1);
    expect(v("microbatch-fewer-steps-global")).toBe(4);
  });
  it("FP8 training parity: level only if FP8 GEMMs reached the same fraction of twice the peak", () => {
    const v = (id: string) => rows.find((r) => r.id === id)!.kitValue as number;
    expect(Math.abs(v("train-h20fp8-vs-a800fp16") - 1)).toBeLessThan(0.05);
    // with FP8 at its measured end-to-end speedup (1.37× on H100, arXiv:2411.08719), H20 FP8 is slower than A800 FP16
    expect(v("train-h20fp8-vs-a800fp16-measured")).toBeLessThan(0.95);
  });
  it("inference: a decode step on 8×H20 spends most of its time on HBM, not on the links", () => {
    const r = rows.find((x) => x.id === "inference-comm-bound")!;
    expect(r.kitValue as number).toBeLessThan(0.5);
    expect(r.derivation).toMatch(/memory-bound .* \+ collectives/);
  });
  it("summarises the verdicts", () => {
    const s = verdictSummary(rows);
    expect(Object.values(s).reduce((a, b) => a + b, 0)).toBe(rows.length);
    expect(s["unit slip"]).toBeGreaterThan(0);
  });
});

describe("judge(kit, stated)", () => {
  const k = (value: number, text = String(value)) => ({ value, kind: "count" as const, text, derivation: "", markdown: "" });
  it("exact, rounded, binary-read and wrong values", () => {
    expect(judge(k(148e12), { op: "=", value: 148, unit: "TFLOPS", text: "148" }).verdict).toBe("matches");
    expect(judge(k(137.95e9), { op: "=", value: 140, unit: "GB", text: "140 GB" }).verdict).toBe("rounding");
    expect(judge(k(80 * 2 ** 30), { op: "=", value: 80, unit: "GB", text: "80 GB" }).verdict).toBe("unit slip");
    expect(judge(k(149), { op: "=", value: 148, text: "148" }).verdict).toBe("arithmetic error");
    expect(judge(k(149), { op: "=", value: 148, text: "148" }, "another layout").verdict).toBe("different assumption");
  });
  it("typos and qualitative claims", () => {
    const named = { value: false, kind: "count" as const, text: 'no format "BFP16"', derivation: "", markdown: "", typoOf: "BF16" };
    expect(judge(named, { op: "=", value: true, text: "BFP16" }).verdict).toBe("typo");
    expect(judge(k(0.3), { op: ">", value: 0.5, text: "mostly" }, undefined, true).verdict).toBe("does not hold");
    expect(judge(k(0.7), { op: ">", value: 0.5, text: "mostly" }, undefined, true).verdict).toBe("matches");
  });
  it("comparisons and ranges", () => {
    expect(judge(k(2.25), { op: ">", value: 2, text: ">2" }).verdict).toBe("matches");
    expect(judge(k(1.9), { op: ">", value: 2, text: ">2" }).verdict).toBe("arithmetic error");
    expect(judge(k(26), { op: "range", min: 10, max: 100, unit: "s", text: "tens of s" }).verdict).toBe("matches");
    expect(judge(k(0.09), { op: "range", min: 10, max: 100, unit: "s", text: "tens of s" }).verdict).toBe("arithmetic error");
  });
  it("statedScales and writtenDigits", () => {
    expect(statedScales("GB")).toEqual([1e9, 2 ** 30]);
    expect(statedScales("TFLOP")).toEqual([1e12, 2 ** 40]);
    expect(statedScales("T")).toEqual([1e12, 2 ** 40]);
    expect(statedScales("GiB")).toEqual([2 ** 30, null]);
    expect([writtenDigits(140), writtenDigits(3.35), writtenDigits(148), writtenDigits(1)]).toEqual([2, 3, 3, 1]);
  });
});

describe("inference ratios carry the kit's error band", () => {
  it("a ratio whose 80 % band spans 1 is said to be on par; a clear one is not", () => {
    const ratios = rows.filter((r) => /80 % band/.test(r.kit));
    expect(ratios.length).toBeGreaterThanOrEqual(2);
    for (const r of ratios) {
      const m = /80 % band ([\d.]+)–([\d.]+)×/.exec(r.kit)!;
      const [lo, hi] = [Number(m[1]), Number(m[2])];
      expect(lo).toBeLessThanOrEqual(r.kitValue as number);
      expect(hi).toBeGreaterThanOrEqual(r.kitValue as number);
      expect(/on par/.test(r.kit)).toBe(lo < 1 && hi > 1);
    }
    expect(rows.find((r) => r.id === "inference-h20fp16-vs-a800-batch256")!.kit).toMatch(/on par/);
  });
});
