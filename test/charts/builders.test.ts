import { describe, it, expect } from "vitest";
import { chart, gpu, SuanliError } from "../../src/index.js";
import { paretoFrontier } from "../../src/charts/frontier.js";
import { specs } from "./fixtures.js";

const rows = [
  { gpu: "H20", precision: "fp16", peak_TFLOPS: 148 },
  { gpu: "H20", precision: "fp8", peak_TFLOPS: 296 },
];

describe("chart.bar(data, { x, y, group })", () => {
  it("groups bars with xOffset and titles the axis with the column unit", () => {
    const s = chart.bar(rows, { x: "gpu", y: "peak_TFLOPS", group: "precision" }) as any;
    expect(s.$schema).toBe("https://vega.github.io/schema/vega-lite/v6.json");
    expect(s.mark).toEqual({ type: "bar" });
    expect(s.encoding.y).toMatchObject({ field: "peak_TFLOPS", type: "quantitative", title: "peak (TFLOPS)" });
    expect(s.encoding.xOffset).toEqual({ field: "precision", type: "nominal", sort: ["fp16", "fp8"] });
    expect(s.data.values).toEqual(rows);
  });
  it("refuses a field that is not a column, listing the columns", () => {
    expect(() => chart.bar(rows, { x: "gpu", y: "peak" })).toThrowError(
      'chart.bar: y field "peak" is not a column; columns: gpu, precision, peak_TFLOPS',
    );
    expect(() => chart.bar([], { x: "a", y: "b" })).toThrowError(/no rows to plot/);
  });
  it("refuses non-finite numbers", () => {
    expect(() => chart.bar([{ a: "x", b: NaN }], { x: "a", y: "b" })).toThrowError(SuanliError);
  });
});

describe("chart.gpuComparison(gpus, { precisions })", () => {
  it("takes dense peaks from the catalog, skipping precisions a part lacks", () => {
    const s = chart.gpuComparison(["H20", "A100"], { precisions: ["fp16", "fp8"] }) as any;
    const v = s.data.values as { gpu: string; precision: string; peak_TFLOPS: number }[];
    expect(v.find((r) => r.gpu === "H20" && r.precision === "fp8")!.peak_TFLOPS).toBe(gpu("H20").fp8().peak().value / 1e12);
    expect(v.some((r) => r.gpu.startsWith("A100") && r.precision === "fp8")).toBe(false);
  });
  it("ridge metric is peak ÷ bandwidth in FLOP/B", () => {
    const s = chart.gpuComparison(["H20"], { precisions: ["fp16"], metric: "ridge" }) as any;
    expect(s.data.values[0].ridge_FLOP_B).toBeCloseTo(gpu("H20").ridge().value, 9);
    expect(s.encoding.y.title).toBe("ridge (FLOP/B)");
  });
  it("refuses an empty list and an unknown metric", () => {
    expect(() => chart.gpuComparison([])).toThrowError(/at least one GPU/);
    expect(() => chart.gpuComparison(["H20"], { metric: "speed" as never })).toThrowError(/metric "speed" is not one of peak, ridge/);
  });
});

describe("chart.line / heatmap / frontier / memoryBreakdown / roofline", () => {
  const s = specs() as Record<string, any>;
  it("line: color and log x; facet wraps an inner spec", () => {
    expect(s.line.encoding.x.scale).toEqual({ type: "log", domain: [1024, 32768], nice: false }); // the data extent, not padded to powers of ten
    expect(s.line.encoding.x.axis.values).toEqual([1024, 4096, 32768]); // ticked at the data's own values
    expect(s.line.encoding.color.field).toBe("batch");
    expect(s.lineFacet.facet.field).toBe("batch");
    expect(s.lineFacet.spec.encoding.y.title).toBe("kv (GiB)");
  });
  it("line: refuses a log axis with zero", () => {
    expect(() => chart.line([{ a: 0, b: 1 }], { x: "a", y: "b", logX: true })).toThrowError(/log axis "a" holds 0/);
    expect(() => chart.line([{ a: 1, b: 1 }], { x: "a", y: "b", color: "c" })).toThrowError(/color field "c" is not a column/);
  });
  it("roofline: log–log with ridge points at peak ÷ bandwidth and op points on the roof", () => {
    const r = s.roofline;
    expect(r.layer[0].encoding.x.scale.type).toBe("log");
    expect(r.layer[0].encoding.y.scale.type).toBe("log");
    const ridge = r.layer[1].data.values.find((v: any) => v.gpu === "H20 fp16");
    expect(ridge.intensity_FLOP_B).toBeCloseTo(gpu("H20").ridge().value, 9);
    const op = r.layer[4].data.values.find((v: any) => v.gpu === "H20 fp16" && v.op === "decode b=1");
    expect(op.attainable_TFLOPS).toBeCloseTo(gpu("H20").spec.bandwidth / 1e12, 9);
    expect(() => chart.roofline("H20", { ops: [{ name: "x", intensity: -1 }] })).toThrowError(/op "x" has intensity -1/);
  });
  it("memoryBreakdown: stacks parts and draws the capacity rule", () => {
    expect(s.memoryBreakdown.layer[0].encoding.y.stack).toBe("zero");
    expect(s.memoryBreakdown.layer[1].data.values[0].capacity).toBe(96);
    expect(() => chart.memoryBreakdown([{ a: 1, b: 1, c: "w" }], { x: "a", y: "b", stack: "c", capacity: -1 })).toThrowError(/capacity must be a positive number/);
  });
  it("heatmap: rect + text layers over ordinal axes", () => {
    expect(s.heatmap.layer.map((l: any) => l.mark.type)).toEqual(["rect", "text"]);
    expect(s.heatmap.encoding.x.type).toBe("ordinal");
  });
  it("paretoFrontier keeps the points no other beats on both axes", () => {
    const f = paretoFrontier([{ x: 1, y: 1 }, { x: 2, y: 3 }, { x: 3, y: 2 }, { x: 4, y: 5 }], "x", "y");
    expect(f.filter((r) => r.frontier).map((r) => r.x)).toEqual([1, 2, 4]);
  });
});

describe("chart options are checked by name", () => {
  const line = [{ batch: 1, decode_ms: 5, gpu: "H20" }];
  it("every builder refuses a misspelt option with a did-you-mean", () => {
    const cases: [() => unknown, RegExp][] = [
      [() => chart.line(line, { x: "batch", y: "decode_ms", colour: "gpu" } as never), /chart\.line: unknown option "colour" \(did you mean color\?\)/],
      [() => chart.bar(rows, { x: "gpu", y: "peak_TFLOPS", grup: "precision" } as never), /chart\.bar: unknown option "grup"/],
      [() => chart.gpuComparison(["H20"], { metrics: "ridge" } as never), /chart\.gpuComparison: unknown option "metrics" \(did you mean metric\?\)/],
      [() => chart.frontier(line, { x: "batch", y: "decode_ms", logx: true } as never), /chart\.frontier: unknown option "logx"/],
      [() => chart.heatmap(line, { x: "batch", y: "gpu", color: "decode_ms", schem: "blues" } as never), /chart\.heatmap: unknown option "schem"/],
      [() => chart.memoryBreakdown(line, { x: "gpu", y: "decode_ms", stack: "batch", capacty: 1 } as never), /chart\.memoryBreakdown: unknown option "capacty"/],
      [() => chart.roofline("H20", { ranges: [1, 10] } as never), /chart\.roofline: unknown option "ranges"/],
      [() => chart.ridgePlane(["H20"], { ridge: [10] } as never), /chart\.ridgePlane: unknown option "ridge"/],
      [() => chart.tornado([], { titel: "x" } as never), /chart\.tornado: unknown option "titel"/],
    ];
    for (const [f, msg] of cases) expect(f).toThrowError(msg);
  });
  it("the common options (title, width, height) are accepted everywhere", () => {
    expect(() => chart.line(line, { x: "batch", y: "decode_ms", title: "t", width: 300, height: 200 })).not.toThrow();
    expect(() => chart.roofline("H20", { title: "t", width: 300, height: 200 })).not.toThrow();
  });
});

describe("chart.line: a series with no value anywhere", () => {
  const t = [
    { batch: 1, decode_ms: 5, gpu: "H20" },
    { batch: 2, decode_ms: 6, gpu: "H20" },
    { batch: 1, decode_ms: null, gpu: "A800" },
    { batch: 2, decode_ms: null, gpu: "A800" },
  ];
  it("is left out of the legend and named in the subtitle", () => {
    const s = chart.line(t, { x: "batch", y: "decode_ms", color: "gpu", title: "decode" }) as any;
    expect(s.encoding.color.scale.domain).toEqual(["H20"]);
    expect(s.data.values.every((r: { gpu: string }) => r.gpu === "H20")).toBe(true);
    expect(s.title).toEqual({ text: "decode", subtitle: "no decode_ms at any batch: gpu A800" });
  });
  it("a series missing only at some x keeps its legend entry and no subtitle", () => {
    const s = chart.line([...t.slice(0, 3), { batch: 2, decode_ms: 9, gpu: "A800" }], { x: "batch", y: "decode_ms", color: "gpu", title: "decode" }) as any;
    expect(s.encoding.color.scale.domain).toEqual(["H20", "A800"]);
    expect(s.title).toBe("decode");
  });
});
