/**
 * What every chart builder shares: the plain vega-lite spec type the kit hands out, reading
 * chart data from an arquero table or an array of rows, refusing fields that are not columns,
 * and axis titles that carry the column's unit (`kv_GiB` → "kv (GiB)", see analysis/columns.ts).
 *
 * Specs are plain JSON (vega-lite v6): nothing of vega's types leaks into the public surface,
 * so a tslab cell can hold, print and tweak one.
 */
import type { ColumnTable } from "arquero";
import { SuanliError, show } from "../errors.js";
import { columnTitle } from "../analysis/columns.js";

/** A vega-lite v6 specification as plain JSON. */
export interface ChartSpec {
  $schema: string;
  [key: string]: unknown;
}

/** A row of chart data: plain numbers, strings, booleans or null. */
export type Row = Record<string, string | number | boolean | null | undefined>;

/** Chart data: an arquero table or an array of plain rows (any object type whose fields are plain values, e.g. the kit's row interfaces). */
export type ChartData = ColumnTable | readonly Row[] | readonly object[];

/** Options every builder accepts. */
export interface ChartOptions {
  title?: string;
  /** plot width in pixels (default 400) */
  width?: number;
  /** plot height in pixels (default 260) */
  height?: number;
}

export const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

function isTable(d: ChartData): d is ColumnTable {
  return d !== null && typeof d === "object" && typeof (d as ColumnTable).objects === "function" && typeof (d as ColumnTable).columnNames === "function";
}

/** The rows of chart data with its column names; refuses empty data and non-finite numbers. */
export function rowsOf(data: ChartData, chart: string): { rows: Row[]; columns: string[] } {
  let rows: Row[];
  let columns: string[];
  if (isTable(data)) {
    rows = data.objects() as Row[];
    columns = data.columnNames();
  } else if (Array.isArray(data)) {
    const bad = data.findIndex((r) => r === null || typeof r !== "object" || Array.isArray(r));
    if (bad >= 0) throw new SuanliError("bad-argument", `${chart}: row ${bad} is ${show(data[bad])}; rows are objects like { x: 1, y: 2 }`, { value: data[bad] });
    rows = data.map((r) => ({ ...r }));
    columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  } else {
    throw new SuanliError("bad-argument", `${chart}: data must be an arquero table or an array of rows, got ${show(data)}`, { value: data });
  }
  if (rows.length === 0) {
    throw new SuanliError("bad-argument", `${chart}: no rows to plot (the table is empty; its columns: ${columns.length ? columns.join(", ") : "none"})`, { value: [], expected: "at least one row" });
  }
  for (const r of rows) {
    for (const [k, v] of Object.entries(r)) {
      if (typeof v === "number" && !Number.isFinite(v)) {
        throw new SuanliError("bad-argument", `${chart}: column ${show(k)} holds ${v}; a chart takes finite numbers only`, { value: v });
      }
    }
  }
  return { rows, columns };
}

/** Refuse a field that is not a column, listing the columns there are. */
export function requireField(columns: readonly string[], field: string | undefined, role: string, chart: string): void {
  if (field === undefined) return;
  if (!columns.includes(field)) {
    throw new SuanliError("bad-argument", `${chart}: ${role} field ${show(field)} is not a column; columns: ${columns.join(", ")}`, {
      value: field,
      expected: columns.join(", "),
    });
  }
}

/** quantitative for numeric columns, nominal otherwise. */
export function fieldType(rows: readonly Row[], field: string): "quantitative" | "nominal" {
  return rows.every((r) => r[field] === null || r[field] === undefined || typeof r[field] === "number") ? "quantitative" : "nominal";
}

/** An encoding channel with the unit-carrying title. */
export function channel(rows: readonly Row[], field: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { field, type: fieldType(rows, field), title: columnTitle(field), ...extra };
}

/** The option names every chart takes. */
const COMMON_KEYS: Record<keyof ChartOptions, true> = { title: true, width: true, height: true };

/**
 * A chart's accepted option names from a record the compiler checks against its options type
 * (a key added to the type and not here fails to build), plus the common ones.
 */
export function optionKeys<T extends ChartOptions>(own: Record<Exclude<keyof T, keyof ChartOptions>, true>): readonly string[] {
  return [...Object.keys(own), ...Object.keys(COMMON_KEYS)];
}

/** The top level shared by every chart. */
export function base(o: ChartOptions, rows: readonly Row[]): ChartSpec {
  const spec: ChartSpec = { $schema: SCHEMA };
  if (o.title !== undefined) spec.title = o.title;
  spec.width = o.width ?? 400;
  spec.height = o.height ?? 260;
  spec.data = { values: rows };
  return spec;
}

/** The common look: white background, sans-serif text (DejaVu Sans when rendered to PNG). */
export const CONFIG = {
  background: "white",
  font: "DejaVu Sans, Helvetica, Arial, sans-serif",
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
} as const;
