/**
 * Tables for people: an arquero table as HTML and as aligned plain text, each number rounded
 * for its column (three significant digits at the column's largest magnitude, the same
 * decimals down the column, thousands separated) and each header carrying the unit its column
 * name gives (`kv_GiB` → "kv (GiB)", see analysis/columns.ts).
 */
import type { ColumnTable } from "arquero";
import { arquero } from "../util/lazy.js";
import { columnTitle } from "../analysis/columns.js";

/** A cell formatter for one column, chosen from all of its values. */
export type CellFormat = (v: unknown) => string;

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * The formatter of a column: integers with thousands separators; other numbers with the
 * decimals that give the column's smallest non-zero value three significant digits, but no
 * more than three decimals past what its largest value needs (and at most 6); very large or
 * very small columns in exponent form; a value that would still round to zero keeps two
 * significant digits.
 * @example columnFormat([0.0863, 0.12])(0.0863) // "0.0863"
 */
export function columnFormat(values: readonly unknown[]): CellFormat {
  const nums = values.filter(isNum);
  const maxAbs = Math.max(0, ...nums.map(Math.abs));
  const allInt = nums.every((v) => Number.isInteger(v));
  const exp = maxAbs >= 1e15 || (maxAbs > 0 && maxAbs < 1e-4);
  const minAbs = Math.min(maxAbs, ...nums.filter((v) => v !== 0).map(Math.abs));
  const need = (x: number) => Math.max(0, 2 - Math.floor(Math.log10(x)));
  const decimals = maxAbs > 0 ? Math.min(6, need(minAbs), need(maxAbs) + 3) : 0;
  return (v) => {
    if (v === null || v === undefined) return "";
    if (typeof v !== "number") return v instanceof Date ? v.toISOString() : String(v);
    if (!Number.isFinite(v)) return String(v);
    if (allInt && !exp) return v.toLocaleString("en");
    if (exp) return v === 0 ? "0" : v.toExponential(2);
    const s = v.toLocaleString("en", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    return v !== 0 && Number(s.replace(/,/g, "")) === 0 ? String(Number(v.toPrecision(2))) : s;
  };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Rows of plain objects as an arquero table (nested values shown as text). */
export function tableOf(rows: readonly object[]): ColumnTable {
  return arquero().from(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v !== null && typeof v === "object" && !(v instanceof Date) ? String(v) : v]))));
}

function formats(t: ColumnTable): Record<string, CellFormat> {
  return Object.fromEntries(t.columnNames().map((n) => [n, columnFormat(t.array(n) as ArrayLike<unknown> as unknown[])]));
}

/** An HTML table with unit-carrying headers and rounded numbers; rows past `limit` are counted. */
export function tableHtml(t: ColumnTable, limit = 50): string {
  const names = t.columnNames();
  const fmt = formats(t);
  const html = t.toHTML({ limit, format: fmt });
  const withTitles = names.reduce((h, n) => h.replace(`>${n}</th>`, `>${escapeHtml(columnTitle(n))}</th>`), html);
  const more = t.numRows() > limit ? `<p><i>${t.numRows() - limit} more rows (${t.numRows()} in all)</i></p>` : "";
  return withTitles + more;
}

/** The same table as aligned plain text (numbers right-aligned), for consoles and text-only viewers. */
export function tableText(t: ColumnTable, limit = 50): string {
  const names = t.columnNames();
  const fmt = formats(t);
  const rows = (t.objects({ limit }) as Record<string, unknown>[]).map((r) => names.map((n) => fmt[n]!(r[n])));
  const head = names.map(columnTitle);
  const numeric = names.map((n) => (t.array(n) as ArrayLike<unknown> as unknown[]).some(isNum));
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const pad = (s: string, i: number) => (numeric[i] ? s.padStart(width[i]!) : s.padEnd(width[i]!));
  const lines = [head.map(pad).join("  "), width.map((w) => "─".repeat(w)).join("  "), ...rows.map((r) => r.map(pad).join("  "))];
  if (t.numRows() > limit) lines.push(`… ${t.numRows() - limit} more rows (${t.numRows()} in all)`);
  return lines.map((l) => l.trimEnd()).join("\n");
}
