import { checkKeys } from "../validate.js";
/**
 * Heatmaps: a colour per (x, y) cell with the value written in it — e.g. the largest batch
 * that fits, over GPU × context.
 */
import { optionKeys, base, channel, CONFIG, requireField, rowsOf, type ChartData, type ChartOptions, type ChartSpec } from "./spec.js";

export interface HeatmapOptions extends ChartOptions {
  x: string;
  y: string;
  /** the numeric column that sets each cell's colour */
  color: string;
  /** write the value in each cell (default true) */
  labels?: boolean;
  /** vega colour scheme (default "viridis") */
  scheme?: string;
}

const HEATMAP_KEYS = optionKeys<HeatmapOptions>({ x: true, y: true, color: true, labels: true, scheme: true });

/**
 * A heatmap of `color` over `x` × `y`.
 * @example heatmap(t, { x: "context", y: "gpu", color: "max_batch" })
 */
export function heatmap(data: ChartData, o: HeatmapOptions): ChartSpec {
  checkKeys(o, HEATMAP_KEYS, "chart.heatmap");
  const { rows, columns } = rowsOf(data, "chart.heatmap");
  for (const [role, f] of [["x", o.x], ["y", o.y], ["color", o.color]] as const) requireField(columns, f, role, "chart.heatmap");
  const order = (f: string) => [...new Set(rows.map((r) => r[f]))];
  const encoding = {
    x: { ...channel(rows, o.x), type: "ordinal", sort: order(o.x), axis: { labelAngle: 0 } },
    y: { ...channel(rows, o.y), type: "ordinal", sort: order(o.y) },
  };
  const rect = { mark: { type: "rect" }, encoding: { color: { ...channel(rows, o.color), scale: { scheme: o.scheme ?? "viridis" } }, tooltip: [o.x, o.y, o.color].map((f) => channel(rows, f)) } };
  const text = {
    mark: { type: "text", fontSize: 10 },
    encoding: {
      text: { field: o.color, type: channel(rows, o.color).type, ...(channel(rows, o.color).type === "quantitative" ? { format: ".3~s" } : {}) },
      color: contrast(rows.map((r) => r[o.color]), o.color),
    },
  };
  const spec = base(o, rows);
  return { ...spec, encoding, layer: o.labels === false ? [rect] : [rect, text], config: { ...CONFIG, axis: { ...CONFIG.axis, grid: false } } };
}

/** Dark text on the bright end of the colour scale, white on the dark end. */
function contrast(values: unknown[], field: string): Record<string, unknown> {
  const nums = values.filter((v): v is number => typeof v === "number");
  if (nums.length === 0) return { value: "white" };
  const lo = Math.min(...nums);
  const hi = Math.max(...nums);
  return { condition: { test: `datum[${JSON.stringify(field)}] > ${lo + 0.6 * (hi - lo)}`, value: "black" }, value: "white" };
}
