/**
 * The error band of a y column: when a table has `<y>_low` and `<y>_high` (withIntervals in
 * uncertainty/sweep.ts), an area between them, one per color, under the line.
 */
import { channel, type Row } from "./spec.js";

/** The band layer for `y`, or undefined when the table has no `<y>_low`/`<y>_high` columns. */
export function bandLayer(rows: readonly Row[], columns: readonly string[], x: Record<string, unknown>, y: string, color?: Record<string, unknown>, yScale: Record<string, unknown> = {}): Record<string, unknown> | undefined {
  const [lo, hi] = [`${y}_low`, `${y}_high`];
  if (!columns.includes(lo) || !columns.includes(hi)) return undefined;
  return {
    mark: { type: "area", opacity: 0.18 },
    encoding: { x, y: { ...channel(rows, lo, yScale), title: channel(rows, y).title }, y2: { field: hi }, ...(color ? { color } : {}) },
  };
}

/** Vertical error bars from `<y>_low` to `<y>_high` at each point, or undefined without those columns. */
export function errorBarLayer(columns: readonly string[], x: Record<string, unknown>, y: string, color?: Record<string, unknown>): Record<string, unknown> | undefined {
  const [lo, hi] = [`${y}_low`, `${y}_high`];
  if (!columns.includes(lo) || !columns.includes(hi)) return undefined;
  return { mark: { type: "rule", opacity: 0.5 }, encoding: { x, y: { field: lo, type: "quantitative" }, y2: { field: hi }, ...(color ? { color } : {}) } };
}
