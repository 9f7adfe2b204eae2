/**
 * Line charts: y against x, one line per `color` value, small multiples per `facet` value.
 */
import { checkKeys } from "../validate.js";
import { SuanliError, show } from "../errors.js";
import { colorScale } from "./palette.js";
import { linearY, logX, logY } from "./axes.js";
import { bandLayer } from "./band.js";
import { optionKeys, base, channel, CONFIG, requireField, rowsOf, type ChartData, type ChartOptions, type ChartSpec, type Row } from "./spec.js";

export interface LineOptions extends ChartOptions {
  x: string;
  y: string;
  /** one line per value of this column */
  color?: string;
  /** one panel per value of this column */
  facet?: string;
  /** panels per row when faceting (default 3) */
  columns?: number;
  /** logarithmic axes (values must be > 0) */
  logX?: boolean;
  logY?: boolean;
  /** draw a point at each row (default true) */
  points?: boolean;
}

/** Refuse zero or negative values on a log axis, naming the column and the value. */
export function requirePositive(rows: readonly Row[], field: string, chart: string): void {
  for (const r of rows) {
    const v = r[field];
    if (typeof v === "number" && !(v > 0)) {
      throw new SuanliError("bad-argument", `${chart}: log axis ${show(field)} holds ${v}; a log scale takes values > 0 only`, { value: v, expected: "> 0" });
    }
  }
}

const LINE_KEYS = optionKeys<LineOptions>({ x: true, y: true, color: true, facet: true, columns: true, logX: true, logY: true, points: true });

/**
 * A line chart.
 * @example line(t, { x: "seq", y: "kv_GiB", color: "batch", logX: true })
 */
export function line(data: ChartData, o: LineOptions): ChartSpec {
  checkKeys(o, LINE_KEYS, "chart.line");
  const { rows, columns } = rowsOf(data, "chart.line");
  for (const [role, f] of [["x", o.x], ["y", o.y], ["color", o.color], ["facet", o.facet]] as const) requireField(columns, f, role, "chart.line");
  if (o.logX) requirePositive(rows, o.x, "chart.line");
  if (o.logY) requirePositive(rows, o.y, "chart.line");
  // integer x (batch, micro-batch, GPUs): ticks on whole numbers only; log axes ticked at the data's values
  const xs = rows.map((r) => r[o.x]);
  const ys = rows.map((r) => r[o.y]);
  const wholeX = xs.every((v) => Number.isInteger(v));
  const xAxis = o.logX ? logX(xs, o.width ?? (o.facet ? 260 : 400)) : wholeX ? { axis: { tickMinStep: 1, format: "d" } } : {};
  const encoding: Record<string, unknown> = {
    x: channel(rows, o.x, xAxis),
    y: channel(rows, o.y, o.logY ? logY(ys) : linearY(ys)),
    tooltip: [o.x, o.y, ...(o.color ? [o.color] : []), ...(o.facet ? [o.facet] : [])].map((f) => channel(rows, f)),
  };
  // a series with no value at any x (e.g. a GPU on which no batch fits) draws nothing: it is
  // left out of the legend and named in the subtitle instead of showing a colour with no line
  let missing: unknown[] = [];
  if (o.color) {
    const all = [...new Set(rows.map((r) => r[o.color!]))];
    const drawn = new Set(rows.filter((r) => typeof r[o.y] === "number").map((r) => r[o.color!]));
    missing = all.filter((v) => !drawn.has(v));
    const values = all.filter((v) => drawn.has(v));
    encoding.color = { ...channel(rows, o.color), type: "nominal", sort: values, ...colorScale(values) };
  }
  const mark = { type: "line", point: o.points ?? true };
  // `<y>_low`/`<y>_high` columns (withIntervals): the band drawn under the line
  const band = bandLayer(rows, columns, encoding.x as Record<string, unknown>, o.y, encoding.color as Record<string, unknown> | undefined, o.logY ? { scale: { type: "log", nice: false } } : {});
  const body = band ? { layer: [band, { mark, encoding }] } : { mark, encoding };
  const spec = base(o, missing.length ? rows.filter((r) => !missing.includes(r[o.color!])) : rows);
  if (missing.length) spec.title = { text: o.title ?? "", subtitle: `no ${o.y} at any ${o.x}: ${o.color} ${missing.map(String).join(", ")}` };
  if (o.facet) {
    const inner = { width: o.width ?? 260, height: o.height ?? 200, ...body };
    delete spec.width;
    delete spec.height;
    return { ...spec, facet: { field: o.facet, type: "nominal", title: channel(rows, o.facet).title }, columns: o.columns ?? 3, spacing: 40, spec: inner, config: CONFIG };
  }
  return { ...spec, ...body, config: CONFIG };
}
