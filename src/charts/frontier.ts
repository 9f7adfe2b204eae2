import { checkKeys } from "../validate.js";
/**
 * Throughput–latency frontier: each configuration as a point (latency on x, throughput on y),
 * and per series the Pareto frontier — the points no other point beats on both — as a line.
 */
import { optionKeys, base, channel, CONFIG, requireField, rowsOf, type ChartData, type ChartOptions, type ChartSpec, type Row } from "./spec.js";
import { requirePositive } from "./line.js";
import { colorScale } from "./palette.js";
import { logTicks, niceTop } from "./axes.js";
import { AROUND, labelLayers, pixel, placeLabels, type Box } from "./labels.js";
import { errorBarLayer } from "./band.js";

export interface FrontierOptions extends ChartOptions {
  /** latency column (lower is better), e.g. "tpot_ms" */
  x: string;
  /** throughput column (higher is better), e.g. "throughput_tokens_s" */
  y: string;
  /** one frontier per value of this column (e.g. "gpu") */
  color?: string;
  /** a column to label the frontier points with (e.g. "batch") */
  label?: string;
  /** log axes (default false) */
  logX?: boolean;
  logY?: boolean;
}

/** Mark the Pareto-optimal rows (lowest x for their y) per group: `frontier: true`. */
export function paretoFrontier(rows: readonly Row[], x: string, y: string, group?: string): Row[] {
  const out: Row[] = rows.map((r) => ({ ...r, frontier: false }));
  const groups = new Map<unknown, Row[]>();
  for (const r of out) {
    const k = group ? r[group] : "";
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  for (const g of groups.values()) {
    g.sort((a, b) => (a[x] as number) - (b[x] as number) || (b[y] as number) - (a[y] as number));
    let bestY = -Infinity;
    for (const r of g) {
      if ((r[y] as number) > bestY) {
        r.frontier = true;
        bestY = r[y] as number;
      }
    }
  }
  return out;
}

const FRONTIER_KEYS = optionKeys<FrontierOptions>({ x: true, y: true, color: true, label: true, logX: true, logY: true });

/**
 * A throughput–latency chart with each series' Pareto frontier drawn as a line.
 * @example frontier(t, { x: "tpot_ms", y: "throughput_tokens_s", color: "gpu", label: "batch" })
 */
export function frontier(data: ChartData, o: FrontierOptions): ChartSpec {
  checkKeys(o, FRONTIER_KEYS, "chart.frontier");
  const { rows, columns } = rowsOf(data, "chart.frontier");
  for (const [role, f] of [["x", o.x], ["y", o.y], ["color", o.color], ["label", o.label]] as const) requireField(columns, f, role, "chart.frontier");
  if (o.logX) requirePositive(rows, o.x, "chart.frontier");
  if (o.logY) requirePositive(rows, o.y, "chart.frontier");
  const values = paretoFrontier(rows, o.x, o.y, o.color);
  const width = o.width ?? 400;
  const height = o.height ?? 260;
  // fixed domains, so the labels can be placed where they will be drawn
  const xs = rows.map((r) => r[o.x] as number);
  const ys = rows.map((r) => r[o.y] as number);
  const xDomain: [number, number] = o.logX ? [Math.min(...xs) / 1.1, Math.max(...xs) * 1.1] : [0, niceTop(Math.max(...xs) * 1.04)];
  const yDomain: [number, number] = o.logY ? [Math.min(...ys) / 1.25, Math.max(...ys) * 1.25] : [0, niceTop(Math.max(...ys) * 1.05)];
  const x = channel(rows, o.x, { scale: { type: o.logX ? "log" : "linear", domain: xDomain, nice: false }, ...(o.logX ? { axis: { values: logTicks(...xDomain), format: ",~g" } } : {}) });
  const y = channel(rows, o.y, { scale: { type: o.logY ? "log" : "linear", domain: yDomain, nice: false }, ...(o.logY ? { axis: { values: logTicks(...yDomain), format: ",~g" } } : {}) });
  const series = o.color ? [...new Set(rows.map((r) => r[o.color!]))] : [];
  const color = o.color ? { color: { ...channel(rows, o.color), type: "nominal", sort: series, ...colorScale(series), legend: { symbolOpacity: 1 } } } : {};
  const tooltip = [o.x, o.y, ...(o.color ? [o.color] : []), ...(o.label ? [o.label] : [])].map((f) => channel(rows, f));
  const layer: unknown[] = [
    { mark: { type: "point", filled: true, opacity: 0.35 }, encoding: { x, y, ...color, tooltip } },
    { transform: [{ filter: "datum.frontier" }], mark: { type: "line", point: true }, encoding: { x, y, ...color, order: { field: o.x, type: "quantitative" } } },
  ];
  // `<y>_low`/`<y>_high` columns (withIntervals): an error bar at each point
  const bars = errorBarLayer(columns, x, o.y, color.color);
  if (bars) layer.unshift(bars);
  if (o.label) {
    // label the frontier points, highest throughput first; a label with no free place is left out
    const onFrontier = values.filter((r) => r.frontier).sort((a, b) => (b[o.y] as number) - (a[o.y] as number));
    const anchors = onFrontier.map((r) => ({
      x: pixel(r[o.x] as number, xDomain, width, { log: o.logX }),
      y: pixel(r[o.y] as number, yDomain, height, { log: o.logY, flip: true }),
      text: String(r[o.label!]),
    }));
    const dot = (r: Row): Box => {
      const cx = pixel(r[o.x] as number, xDomain, width, { log: o.logX });
      const cy = pixel(r[o.y] as number, yDomain, height, { log: o.logY, flip: true });
      return { x1: cx - 3, y1: cy - 3, x2: cx + 3, y2: cy + 3 };
    };
    const chosen = placeLabels(anchors, { width, height, size: 9, obstacles: values.map(dot) });
    layer.push(...labelLayers(onFrontier, chosen, AROUND, { fontSize: 9 }, { x, y, text: { field: o.label }, ...color }));
  }
  const spec = base(o, rows);
  return { ...spec, data: { values }, layer, config: CONFIG };
}
