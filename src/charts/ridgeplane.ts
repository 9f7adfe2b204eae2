/**
 * The catalog on one plane, log–log: each part's memory bandwidth (TB/s) against its dense peak
 * (TFLOPS) at 16-bit and FP8, with lines of constant ridge point (peak ÷ bandwidth, FLOP/B —
 * Williams, Waterman & Patterson, "Roofline", CACM 52(4), 2009). A part above a line needs more
 * FLOPs per byte than that line's intensity before its compute binds. Labels name the 16-bit
 * points; parts at the same point share one label, and a label that finds no free place is left
 * out (the name stays in the tooltip).
 */
import { checkKeys } from "../validate.js";
import { SuanliError, show } from "../errors.js";
import { gpuCatalog, type GpuSpec } from "../hardware/catalog.js";
import { gpu as lookupGpu, type Gpu } from "../hardware/gpu.js";
import { logTicks } from "./axes.js";
import { labelLayers, pixel, placeLabels, type Place } from "./labels.js";
import { colorsOf } from "./palette.js";
import { optionKeys, CONFIG, SCHEMA, type ChartOptions, type ChartSpec, type Row } from "./spec.js";

export interface RidgePlaneOptions extends ChartOptions {
  /** ridge lines to draw, FLOP/B (default 30, 100, 300, 1000) */
  ridges?: readonly number[];
}

/** Places around a point, a little further out than labels.ts AROUND (the estimate runs a size up). */
const PLACES: readonly Place[] = [
  { dx: 8, dy: -7, align: "left" },
  { dx: -8, dy: -7, align: "right" },
  { dx: 8, dy: 8, align: "left" },
  { dx: -8, dy: 8, align: "right" },
  { dx: 0, dy: -14, align: "center" },
  { dx: 0, dy: 14, align: "center" },
];

const X = "bandwidth_TB_s";
const Y = "dense_TFLOPS";

const RIDGE_PLANE_KEYS = optionKeys<RidgePlaneOptions>({ ridges: true });

/**
 * Bandwidth against dense 16-bit and FP8 peak for `parts` (default: the whole catalog).
 * @example ridgePlane(["H100", "H20", "A800", "MI300X"])
 */
export function ridgePlane(parts?: readonly (string | Gpu)[], o: RidgePlaneOptions = {}): ChartSpec {
  checkKeys(o, RIDGE_PLANE_KEYS, "chart.ridgePlane");
  const specs: GpuSpec[] = parts === undefined ? [...gpuCatalog().list] : parts.map((p) => (typeof p === "string" ? lookupGpu(p) : p).spec);
  if (specs.length === 0) throw new SuanliError("bad-argument", "chart.ridgePlane: give at least one GPU (or none for the whole catalog)", { value: parts });
  const ridgeList = o.ridges ?? [30, 100, 300, 1000];
  for (const r of ridgeList) if (!(typeof r === "number" && r > 0 && Number.isFinite(r))) throw new SuanliError("bad-argument", `chart.ridgePlane: ridges are FLOP/B > 0, got ${show(r)}`, { value: r });
  const points: Row[] = [];
  for (const g of specs) {
    const half = g.peak.fp16 ?? g.peak.bf16;
    if (half !== undefined) points.push({ gpu: g.id, vendor: g.vendor, precision: "16-bit", [X]: g.bandwidth / 1e12, [Y]: half / 1e12, ridge_FLOP_B: Math.round(half / g.bandwidth) });
    if (g.peak.fp8 !== undefined) points.push({ gpu: g.id, vendor: g.vendor, precision: "fp8", [X]: g.bandwidth / 1e12, [Y]: g.peak.fp8 / 1e12, ridge_FLOP_B: Math.round(g.peak.fp8 / g.bandwidth) });
  }
  if (points.length === 0) throw new SuanliError("bad-argument", "chart.ridgePlane: none of these parts has a 16-bit or FP8 peak in the catalog", { value: specs.map((s) => s.id) });
  const width = o.width ?? 560;
  const height = o.height ?? 400;
  const xs = points.map((p) => p[X] as number);
  const ys = points.map((p) => p[Y] as number);
  const xDomain: [number, number] = [Math.min(...xs) / 1.4, Math.max(...xs) * 1.4];
  const yDomain: [number, number] = [Math.min(...ys) / 1.6, Math.max(...ys) * 1.6];
  const lines: Row[] = ridgeList.flatMap((r) => xDomain.map((bw) => ({ ridge: `${r} FLOP/B`, [X]: bw, [Y]: r * bw })));
  const x = { field: X, type: "quantitative", title: "memory bandwidth (TB/s)", scale: { type: "log", domain: xDomain, nice: false }, axis: { values: logTicks(...xDomain), format: ",~g" } };
  const y = { field: Y, type: "quantitative", title: "dense peak (TFLOPS)", scale: { type: "log", domain: yDomain, nice: false }, axis: { values: logTicks(...yDomain), format: ",~g" } };
  const precisions = ["16-bit", "fp8"];
  const color = { field: "precision", type: "nominal", scale: { domain: precisions, range: colorsOf(["fp16", "fp8"]) } };
  const px = (r: Row) => pixel(r[X] as number, xDomain, width, { log: true });
  const py = (r: Row) => pixel(r[Y] as number, yDomain, height, { log: true, flip: true });
  // one label per 16-bit point; parts at the same point (H100-SXM, H800-SXM) share it
  const labels: Row[] = [];
  for (const p of points.filter((q) => q.precision === "16-bit")) {
    const same = labels.find((l) => Math.abs(px(l) - px(p)) < 1 && Math.abs(py(l) - py(p)) < 1);
    if (same) same.label = `${same.label} · ${p.gpu}`;
    else labels.push({ ...p, label: String(p.gpu) });
  }
  // ridge-line names just inside where each line leaves the plot (right edge or top), under the line
  const ridgeLabels: Row[] = ridgeList
    .map((r) => {
      const bw = Math.min(xDomain[1], yDomain[1] / r) / 1.04;
      return { ridge: `${r} FLOP/B`, [X]: bw, [Y]: r * bw };
    })
    .filter((r) => (r[Y] as number) > yDomain[0] && (r[X] as number) > xDomain[0]);
  const ridgeBoxes = ridgeLabels.map((r) => {
    const w = String(r.ridge).length * 9 * 0.64;
    return { x1: px(r) - 2 - w, x2: px(r) - 2, y1: py(r) + 6, y2: py(r) + 6 + 9 * 1.25 };
  });
  const dots = points.map((r) => ({ x1: px(r) - 4, y1: py(r) - 4, x2: px(r) + 4, y2: py(r) + 4 }));
  // boxes estimated a size up: part names are capitals and digits, wider than the average glyph
  const chosen = placeLabels(labels.map((r) => ({ x: px(r), y: py(r), text: String(r.label) })), { width, height, size: 10, places: PLACES, obstacles: [...dots, ...ridgeBoxes] });
  const spec: ChartSpec = {
    $schema: SCHEMA,
    title: o.title ?? "Memory bandwidth vs dense peak, with ridge points",
    width,
    height,
    layer: [
      { data: { values: lines }, mark: { type: "line", color: "#bbb", strokeDash: [4, 3], clip: true }, encoding: { x, y, detail: { field: "ridge" } } },
      { data: { values: ridgeLabels }, mark: { type: "text", align: "right", baseline: "top", dx: -2, dy: 6, color: "#888", fontSize: 9, clip: true }, encoding: { x, y, text: { field: "ridge" } } },
      {
        data: { values: points },
        mark: { type: "point", filled: true, size: 50 },
        encoding: { x, y, color, shape: { field: "vendor", type: "nominal" }, tooltip: [{ field: "gpu" }, { field: "precision" }, { field: Y }, { field: X }, { field: "ridge_FLOP_B" }] },
      },
      ...labelLayers(labels, chosen, PLACES, { fontSize: 9 }, { x, y, text: { field: "label" } }),
    ],
    config: CONFIG,
  };
  return spec;
}
