/**
 * Tables out of the kit: CSV, JSON, JSON lines, Apache Arrow (IPC stream/file bytes) and
 * Parquet. Column names keep their unit suffix (`kv_GiB`), so the unit travels with the data in
 * every format; JSON can also carry it explicitly (`{ columns: [{ name, unit }], rows }`).
 * Files are written whole or not at all (util/files.ts); `writeTable` streams the table in
 * chunks through analysis/tablewriter.ts, so its memory does not grow with the file.
 */
import { extname } from "node:path";
import type { ColumnTable } from "arquero";
import { arquero } from "../util/lazy.js";
import { SuanliError, show } from "../errors.js";
import { AtomicFile, requirePath } from "../util/files.js";
import { columnUnit } from "./columns.js";
import { formatOf, openTableWriter, type Chunk, type ColumnDef } from "./tablewriter.js";

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
  return arquero().toArrowIPC(requireTable(table, "toArrow"), { format: o.format ?? "stream" }) as Uint8Array;
}

const CHUNK = 100_000;

/**
 * Write the table to `path`, the format chosen by the extension (.csv, .json, .jsonl,
 * .arrow/.arrows), via write-then-rename; CSV and JSON lines are written in chunks of rows.
 * Returns the path. For .parquet (and any format at constant memory) use `writeTable`.
 * @example exportTable(sweep(...), "out/kv.csv")
 */
export function exportTable(table: ColumnTable, path: string): string {
  const t = requireTable(table, "exportTable");
  requirePath(path, "exportTable");
  const ext = extname(path).toLowerCase();
  if (![".csv", ".json", ".jsonl", ".arrow", ".arrows"].includes(ext)) {
    throw new SuanliError("bad-argument", `exportTable: cannot tell the format of ${show(path)}; end it in .csv, .json, .arrow (file) or .arrows (stream), or .jsonl${ext === ".parquet" ? " — Parquet: await writeTable(table, path)" : ""}`, {
      value: path,
      expected: ".csv, .json, .jsonl, .arrow, .arrows",
    });
  }
  const f = new AtomicFile(path, "exportTable");
  try {
    const n = t.numRows();
    if (ext === ".csv") for (let off = 0; off === 0 || off < n; off += CHUNK) f.write(t.toCSV({ offset: off, limit: CHUNK, header: off === 0 }));
    else if (ext === ".jsonl") for (let off = 0; off < n; off += CHUNK) f.write((t.objects({ offset: off, limit: CHUNK }) as object[]).map((r) => JSON.stringify(r)).join("\n") + "\n");
    else if (ext === ".json") f.write(toJson(t));
    else f.write(toArrow(t, { format: ext === ".arrow" ? "file" : "stream" }));
  } catch (e) {
    f.abort();
    throw e;
  }
  return f.commit();
}

/**
 * Write the table to `path` in chunks (formats: tablewriter.ts — .csv, .jsonl, .json,
 * .arrows, .arrow, .parquet), write-then-rename. Numeric and boolean columns only.
 * @example await writeTable(sweep(...), "out/kv.parquet")
 */
export async function writeTable(table: ColumnTable, path: string): Promise<string> {
  const t = requireTable(table, "writeTable");
  requirePath(path, "writeTable");
  const format = formatOf(path, "writeTable");
  const names = t.columnNames();
  const cols: ColumnDef[] = names.map((name) => {
    const v = t.get(name, 0);
    if (t.numRows() > 0 && typeof v !== "number" && typeof v !== "boolean" && v !== null) {
      throw new SuanliError("bad-argument", `writeTable: column ${show(name)} holds ${show(v)}; writeTable takes numeric and boolean columns (use exportTable for text)`, { value: name });
    }
    return { name, type: typeof v === "boolean" ? "boolean" : "number" };
  });
  const f = new AtomicFile(path, "writeTable");
  try {
    const w = await openTableWriter(format, cols, f);
    const n = t.numRows();
    for (let off = 0; off < n; off += CHUNK) {
      const len = Math.min(CHUNK, n - off);
      const columns = cols.map((c) => {
        const src = t.array(c.name) as ArrayLike<unknown>;
        const out = c.type === "number" ? new Float64Array(len) : new Uint8Array(len);
        for (let i = 0; i < len; i++) {
          const v = src[off + i];
          out[i] = v === null || v === undefined ? (c.type === "number" ? NaN : 2) : Number(v);
        }
        return out;
      });
      await w.write({ length: len, columns } satisfies Chunk);
    }
    await w.end();
  } catch (e) {
    f.abort();
    throw e;
  }
  return f.commit();
}
