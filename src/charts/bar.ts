/**
 * Grouped bar charts: one bar per (category, group), the groups side by side (vega-lite
 * `xOffset`) and coloured — e.g. GPUs along x, one bar per precision.
 */
import { checkKeys } from "../validate.js";
import { SuanliError, show } from "../errors.js";
import { gpu as lookupGpu, type Gpu } from "../hardware/gpu.js";
import type { Precision } from "../hardware/precision.js";
import { colorScale } from "./palette.js";
import { linearY } from "./axes.js";
import { optionKeys, base, channel, CONFIG, requireField, rowsOf, type ChartData, type ChartOptions, type ChartSpec, type Row } from "./spec.js";

export interface BarOptions extends ChartOptions {
  /** the category column along x */
  x: string;
  /** the numeric column (its unit suffix becomes the axis unit) */
  y: string;
  /** the column whose values sit side by side within a category (and set the colour) */
  group?: string;
  /** label each bar with its value (default false) */
  labels?: boolean;
}

const BAR_KEYS = optionKeys<BarOptions>({ x: true, y: true, group: true, labels: true });

/**
 * A (grouped) bar chart.
 * @example bar(rows, { x: "gpu", y: "peak_TFLOPS", group: "precision" })
 */
export function bar(data: ChartData, o: BarOptions): ChartSpec {
  checkKeys(o, BAR_KEYS, "chart.bar");
  const { rows, columns } = rowsOf(data, "chart.bar");
  requireField(columns, o.x, "x", "chart.bar");
  requireField(columns, o.y, "y", "chart.bar");
  requireField(columns, o.group, "group", "chart.bar");
  const order = [...new Set(rows.map((r) => r[o.x]))];
  const groups = o.group ? [...new Set(rows.map((r) => r[o.group!]))] : [undefined];
  // each bar at least as wide as its value label; each category at least as wide as its name
  const labelChars = o.labels ? Math.max(...rows.map((r) => valueLabel(r[o.y]).length)) : 0;
  const barWidth = Math.max(22, labelChars * 10 * 0.7 + 10);
  const names = order.map(String);
  const nameWidth = Math.max(...names.map((n) => n.length)) * 11 * 0.7 + 20;
  const step = Math.max(groups.length * barWidth + 24, nameWidth);
  const width = o.width ?? Math.max(400, Math.min(900, order.length * step));
  const angle = labelAngle(names, width);
  const encoding: Record<string, unknown> = {
    x: { ...channel(rows, o.x), type: "nominal", sort: order, axis: { labelAngle: angle, labelLimit: 0, ...(angle !== 0 ? { labelAlign: "right", labelBaseline: "middle" } : {}) } },
    y: channel(rows, o.y, linearY(rows.map((r) => r[o.y]), o.labels ? 0.12 : 0.04)),
  };
  if (o.group) {
    encoding.xOffset = { field: o.group, type: "nominal", sort: groups };
    encoding.color = { ...channel(rows, o.group), type: "nominal", sort: groups, ...colorScale(groups) };
  }
  encoding.tooltip = [o.x, ...(o.group ? [o.group] : []), o.y].map((f) => channel(rows, f));
  const spec = base({ ...o, width }, rows);
  if (o.labels) {
    const text = { field: o.y, type: "quantitative", format: ",.3~r" };
    spec.layer = [{ mark: { type: "bar" } }, { mark: { type: "text", dy: -7, fontSize: 10 }, encoding: { text } }];
    spec.encoding = encoding;
  } else {
    spec.mark = { type: "bar" };
    spec.encoding = encoding;
  }
  spec.config = CONFIG;
  return spec;
}

/** A bar's value label as d3's ",.3~r" writes it (three significant digits, thousands separated). */
function valueLabel(v: unknown): string {
  return typeof v === "number" ? Number(v.toPrecision(3)).toLocaleString("en", { maximumFractionDigits: 12 }) : String(v ?? "");
}

export interface GpuComparisonOptions extends ChartOptions {
  /** precisions to compare (default fp16 and fp8); a GPU that lacks one has no bar for it */
  precisions?: readonly Precision[];
  /** "peak" (dense TFLOPS) or "ridge" (FLOP/B, peak ÷ memory bandwidth) */
  metric?: "peak" | "ridge";
}

const GPU_COMPARISON_KEYS = optionKeys<GpuComparisonOptions>({ precisions: true, metric: true });

/**
 * GPUs side by side, one bar per precision: dense peak (TFLOPS, vendor datasheets) or the
 * roofline ridge point (peak ÷ bandwidth, FLOP/B).
 * @example gpuComparison(["H100", "H20", "A100"], { precisions: ["fp16", "fp8"] })
 */
export function gpuComparison(gpus: readonly (string | Gpu)[], o: GpuComparisonOptions = {}): ChartSpec {
  checkKeys(o, GPU_COMPARISON_KEYS, "chart.gpuComparison");
  if (!Array.isArray(gpus) || gpus.length === 0) {
    throw new SuanliError("bad-argument", `chart.gpuComparison: give at least one GPU (a name or a gpu(...)), got ${show(gpus)}`, { value: gpus });
  }
  const precisions = o.precisions ?? (["fp16", "fp8"] as const);
  const metric = o.metric ?? "peak";
  if (metric !== "peak" && metric !== "ridge") {
    throw new SuanliError("bad-argument", `chart.gpuComparison: metric ${show(metric)} is not one of peak, ridge`, { value: metric, expected: "peak, ridge" });
  }
  const y = metric === "peak" ? "peak_TFLOPS" : "ridge_FLOP_B";
  const rows: Row[] = [];
  for (const g0 of gpus) {
    const g = typeof g0 === "string" ? lookupGpu(g0) : g0;
    for (const p of precisions) {
      const peak = g.spec.peak[p];
      if (peak === undefined) continue;
      rows.push({ gpu: g.id, precision: p, [y]: metric === "peak" ? peak / 1e12 : peak / g.spec.bandwidth });
    }
  }
  if (rows.length === 0) {
    throw new SuanliError("bad-argument", `chart.gpuComparison: none of these GPUs has ${precisions.join(", ")} in the catalog`, { value: precisions });
  }
  const title = o.title ?? (metric === "peak" ? "Dense peak by precision" : "Roofline ridge point by precision");
  return bar(rows, { title, width: o.width, height: o.height, x: "gpu", y, group: "precision" });
}

/** Category labels stay level while they fit side by side (≈ 0.7 em a character at 11 px); else they stand upright. */
export function labelAngle(labels: readonly string[], width: number): number {
  const longest = Math.max(0, ...labels.map((l) => l.length));
  return labels.length * (longest * 11 * 0.7 + 12) > width ? -90 : 0;
}
