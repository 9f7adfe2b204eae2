/**
 * Tables out of the kit: CSV, JSON and Apache Arrow (IPC stream/file bytes). Column names keep
 * their unit suffix (`kv_GiB`), so the unit travels with the data in every format; JSON can also
 * carry it explicitly (`{ columns: [{ name, unit }], rows }`).
 */
import { extname } from "node:path";
import { toArrowIPC, type ColumnTable } from "arquero";
import { SuanliError, show } from "../errors.js";
import { writeAtomically } from "../report/write.js";
import { columnUnit } from "./columns.js";
import { dirname, basename } from "node:path";

function requireTable(t: unknown, what: string): ColumnTable {
  if (t === null || typeof t !== "object" || typeof (t as ColumnTable).columnNames !== "function") {
    throw new SuanliError("bad-argument", `${what}: give an arquero table (e.g. from sweep()), got ${show(t)}`, { value: t });
  }
  return t as ColumnTable;
}

/** The table as CSV text (header row of unit-suffixed names). */
export function toCsv(table: ColumnTable): string {
  return requireTable(table, "toCsv").toCSV();
}

export interface JsonExportOptions {
  /** "rows": an array of row objects (default); "columns": { columns: [{ name, unit }], rows } */
  shape?: "rows" | "columns";
}

/** The table as JSON text. */
export function toJson(table: ColumnTable, o: JsonExportOptions = {}): string {
  const t = requireTable(table, "toJson");
  const rows = t.objects();
  if ((o.shape ?? "rows") === "rows") return JSON.stringify(rows);
  const columns = t.columnNames().map((name) => ({ name, unit: columnUnit(name).unit }));
  return JSON.stringify({ columns, rows });
}

/** The table as Apache Arrow IPC bytes ("stream" format by default, or "file"). */
export function toArrow(table: ColumnTable, o: { format?: "stream" | "file" } = {}): Uint8Array {
  return toArrowIPC(requireTable(table, "toArrow"), { format: o.format ?? "stream" }) as Uint8Array;
}

/**
 * Write the table to `path`, the format chosen by the extension (.csv, .json, .arrow/.arrows),
 * via write-then-rename. Returns the path.
 * @example exportTable(sweep(...), "out/kv.csv")
 */
export function exportTable(table: ColumnTable, path: string): string {
  const ext = extname(String(path)).toLowerCase();
  const content =
    ext === ".csv" ? toCsv(table)
    : ext === ".json" ? toJson(table)
    : ext === ".arrow" ? toArrow(table, { format: "file" })
    : ext === ".arrows" ? toArrow(table, { format: "stream" })
    : null;
  if (content === null) {
    throw new SuanliError("bad-argument", `exportTable: cannot tell the format of ${show(path)}; end it in .csv, .json, .arrow (file) or .arrows (stream)`, {
      value: path,
      expected: ".csv, .json, .arrow, .arrows",
    });
  }
  return writeAtomically(dirname(path), new Map([[basename(path), content]]))[0]!;
}
