import { describe, it, expect } from "vitest";
import { table } from "arquero";
import { chart } from "../../src/index.js";
import { typical } from "./fixtures.js";
import { overlaps, textBoxes } from "./textboxes.js";

describe("every chart builder on typical data, as vega draws it", () => {
  const specs = typical();
  for (const [name, spec] of Object.entries(specs)) {
    it(`${name}: no two text marks intersect, none is cut short, all inside the view`, async () => {
      const { boxes, width, height } = await textBoxes(spec);
      expect(boxes.length).toBeGreaterThan(5);
      expect(overlaps(boxes).map(([a, b]) => `${a.role} "${a.text}" × ${b.role} "${b.text}"`)).toEqual([]);
      expect(boxes.filter((b) => b.text.endsWith("…")).map((b) => b.text)).toEqual([]);
      if (width > 0) {
        // the plot area starts at 0; axes and legends may extend past it, never above the title's line
        for (const b of boxes) expect(b.y1, `"${b.text}" above the view`).toBeGreaterThan(-60);
      }
      expect(height).toBeGreaterThanOrEqual(0);
    });
  }

  it("log axes tick at the data's own values (powers of two) and name them in full", async () => {
    const labels = (await textBoxes(specs.lineBatch!)).boxes.filter((b) => b.role === "axis-label").map((b) => b.text);
    for (const v of ["1", "2", "4", "8", "16", "32", "64", "128", "256"]) expect(labels).toContain(v);
    const ctx = (await textBoxes(specs.lineLogX!)).boxes.filter((b) => b.role === "axis-label").map((b) => b.text);
    for (const v of ["4096", "8192", "16384", "32768", "65536", "131072"]) expect(ctx).toContain(v);
    expect(ctx).not.toContain("5000");
    const rows = [1, 2, 4, 8, 16, 32, 64, 96, 128, 192, 256].map((batch) => ({ batch, y_ms: batch }));
    const crowded = (await textBoxes(chart.line(rows, { x: "batch", y: "y_ms", logX: true }))).boxes.filter((b) => b.role === "axis-label").map((b) => b.text);
    for (const v of ["1", "8", "64", "128", "256"]) expect(crowded).toContain(v); // powers of two before 96 and 192
    const facet = (await textBoxes(specs.lineFacet!)).boxes.filter((b) => b.role === "axis-label").map((b) => b.text);
    expect(facet.filter((t) => t === "131072")).toHaveLength(3); // the last value too, in every panel
  });

  it("axis titles carry the whole unit: throughput_tok_s → throughput (tok/s)", async () => {
    const titles = (await textBoxes(specs.frontier!)).boxes.filter((b) => b.role === "axis-title").map((b) => b.text);
    expect(titles).toEqual(expect.arrayContaining(["throughput (tok/s)", "tpot (ms)"]));
  });

  it("a log y axis has a tick above its highest line", async () => {
    const spec = specs.lineLogY!;
    const y = (spec.encoding as { y: { scale: { domain: [number, number] }; axis: { values: number[] } } }).y;
    const rows = (spec.data as { values: { days: number }[] }).values;
    const top = Math.max(...rows.map((r) => r.days));
    expect(Math.max(...y.axis.values)).toBeGreaterThan(top);
    expect(y.scale.domain[1]).toBeGreaterThan(top * 1.05);
  });
});

describe("one colour per thing across charts", () => {
  const colourOf = (spec: Record<string, unknown>, name: string): string => {
    const enc = (spec.encoding ?? (spec.layer as { encoding: Record<string, unknown> }[])[0]!.encoding) as { color: { scale: { domain: string[]; range: string[] } } };
    const { domain, range } = enc.color.scale;
    return range[domain.indexOf(name)]!;
  };
  it("a memory term keeps its colour whatever else is stacked beside it", () => {
    const a = chart.memoryBreakdown([{ b: 1, term: "weights", m_GiB: 1 }, { b: 1, term: "gradients", m_GiB: 1 }], { x: "b", y: "m_GiB", stack: "term" });
    const b = chart.memoryBreakdown([{ b: 1, term: "weights", m_GiB: 1 }, { b: 1, term: "fp8Copies", m_GiB: 1 }, { b: 1, term: "gradients", m_GiB: 1 }], { x: "b", y: "m_GiB", stack: "term" });
    expect(colourOf(a.layer ? (a.layer as Record<string, unknown>[])[0]! : a, "gradients")).toBe(colourOf((b.layer as Record<string, unknown>[])[0]!, "gradients"));
  });
  it("a GPU or a series name keeps its colour across builders; two names of one chart never share one", () => {
    const rows = ["H20", "H100", "my setup"].flatMap((gpu) => [1, 2].map((batch) => ({ gpu, batch, y_ms: batch })));
    const l = chart.line(rows, { x: "batch", y: "y_ms", color: "gpu" });
    const f = chart.frontier(rows.filter((r) => r.gpu !== "H100"), { x: "batch", y: "y_ms", color: "gpu" });
    for (const g of ["H20", "my setup"]) expect(colourOf(l, g)).toBe(colourOf((f.layer as Record<string, unknown>[])[0]!, g));
    const domain = (l.encoding as { color: { scale: { range: string[] } } }).color.scale.range;
    expect(new Set(domain).size).toBe(domain.length);
  });
});

describe("chart builders refuse what they cannot draw", () => {
  it("an empty table: names its columns", () => {
    const empty = table({ batch: [] as number[], kv_GiB: [] as number[] });
    expect(() => chart.line(empty, { x: "batch", y: "kv_GiB" })).toThrowError(/no rows to plot.*columns: batch, kv_GiB/);
  });
  it("a missing column: names it and the table's columns", () => {
    const t = table({ batch: [1, 2], kv_GiB: [1, 2] });
    for (const build of [
      () => chart.line(t, { x: "batch", y: "kv_GB" }),
      () => chart.bar(t, { x: "batch", y: "kv_GB" }),
      () => chart.frontier(t, { x: "batch", y: "kv_GB" }),
      () => chart.heatmap(t, { x: "batch", y: "kv_GiB", color: "kv_GB" }),
      () => chart.memoryBreakdown(t, { x: "batch", y: "kv_GB", stack: "batch" }),
    ]) expect(build).toThrowError(/"kv_GB" is not a column; columns: batch, kv_GiB/);
  });
});
