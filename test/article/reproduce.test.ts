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
