/**
 * Stacked memory breakdown: what fills a GPU's memory (weights, KV cache, activations,
 * optimizer states…) per configuration, with the capacity drawn as a rule.
 */
import { checkKeys } from "../validate.js";
import { SuanliError, show } from "../errors.js";
import { colorScale } from "./palette.js";
import { columnUnit } from "../analysis/columns.js";
import { linearY } from "./axes.js";
import { optionKeys, base, channel, CONFIG, requireField, rowsOf, type ChartData, type ChartOptions, type ChartSpec } from "./spec.js";

export interface MemoryBreakdownOptions extends ChartOptions {
  /** the configuration column along x (e.g. "batch", "setup") */
  x: string;
  /** the size column, unit-suffixed (e.g. "bytes_GiB") */
  y: string;
  /** the component column whose parts stack (e.g. "part": weights, kv, activations) */
  stack: string;
  /** the memory capacity, in y's unit, drawn as a horizontal rule */
  capacity?: number;
  /** the rule's label (default "capacity") */
  capacityLabel?: string;
}

const MEMORY_KEYS = optionKeys<MemoryBreakdownOptions>({ x: true, y: true, stack: true, capacity: true, capacityLabel: true });

/**
 * A stacked bar chart of memory parts per configuration (long-form rows: one row per part).
 * @example memoryBreakdown(rows, { x: "batch", y: "memory_GiB", stack: "part", capacity: 96 })
 */
export function memoryBreakdown(data: ChartData, o: MemoryBreakdownOptions): ChartSpec {
  checkKeys(o, MEMORY_KEYS, "chart.memoryBreakdown");
  const { rows, columns } = rowsOf(data, "chart.memoryBreakdown");
  for (const [role, f] of [["x", o.x], ["y", o.y], ["stack", o.stack]] as const) requireField(columns, f, role, "chart.memoryBreakdown");
  const parts = [...new Set(rows.map((r) => r[o.stack]))];
  const totals = new Map<unknown, number>();
  for (const r of rows) totals.set(r[o.x], (totals.get(r[o.x]) ?? 0) + (typeof r[o.y] === "number" ? (r[o.y] as number) : 0));
  const bars = {
    mark: { type: "bar" },
    encoding: {
      x: { ...channel(rows, o.x), type: "ordinal", sort: [...new Set(rows.map((r) => r[o.x]))], axis: { labelAngle: 0 } },
      y: { ...channel(rows, o.y, linearY([...totals.values(), o.capacity ?? 0], 0.1)), stack: "zero" },
      color: { ...channel(rows, o.stack), type: "nominal", sort: parts, ...colorScale(parts) },
      order: { field: "__order", type: "quantitative" },
      tooltip: [o.x, o.stack, o.y].map((f) => channel(rows, f)),
    },
  };
  const values = rows.map((r) => ({ ...r, __order: parts.indexOf(r[o.stack]) }));
  const layer: unknown[] = [bars];
  if (o.capacity !== undefined) {
    if (typeof o.capacity !== "number" || !Number.isFinite(o.capacity) || o.capacity <= 0) {
      throw new SuanliError("bad-argument", `chart.memoryBreakdown: capacity must be a positive number in ${show(o.y)}'s unit, got ${show(o.capacity)}`, { value: o.capacity });
    }
    const label = o.capacityLabel ?? "capacity";
    const unit = columnUnit(o.y).unit;
    layer.push(
      { data: { values: [{ capacity: o.capacity, label }] }, mark: { type: "rule", color: "firebrick", strokeDash: [6, 4], strokeWidth: 2 }, encoding: { y: { field: "capacity", type: "quantitative" } } },
      {
        data: { values: [{ capacity: o.capacity, label: `${label}: ${o.capacity}${unit ? ` ${unit}` : ""}` }] },
        mark: { type: "text", color: "firebrick", align: "left", dx: 4, dy: -6, x: 0 },
        encoding: { y: { field: "capacity", type: "quantitative" }, text: { field: "label", type: "nominal" } },
      },
    );
  }
  const spec = base(o, rows);
  return { ...spec, data: { values }, layer, config: CONFIG };
}
