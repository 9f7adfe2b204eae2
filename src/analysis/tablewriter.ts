/**
 * Tables written chunk by chunk at constant memory: CSV, JSON lines, a JSON array, Apache
 * Arrow IPC (stream `.arrows` or file `.arrow`) and Apache Parquet (one row group per chunk).
 * A chunk is a set of typed columns of equal length; numbers are Float64Array (NaN is written
 * as null / an empty CSV field), booleans Uint8Array (0 false, 1 true, 2 null). Bytes go to a
 * `ByteSink` — an AtomicFile (util/files.ts) or stdout — so a table of 10^7 rows never exists
 * as one string.
 *
 * Formats: CSV (RFC 4180), JSON Lines (jsonlines.org), Arrow IPC stream and file formats
 * (arrow.apache.org/docs/format/Columnar.html#serialization-and-interprocess-communication-ipc:
 * a stream is a schema message, record-batch messages and an end-of-stream marker; a file is
 * "ARROW1", the stream, a footer locating each record batch, and "ARROW1"), Parquet written by
 * hyparquet-writer (loaded only when a Parquet file is asked for).
 */
import { extname } from "node:path";
import { SuanliError, show } from "../errors.js";

export type ColumnType = "number" | "boolean";
export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
}
export interface Chunk {
  readonly length: number;
  /** one per ColumnDef, in order */
  readonly columns: readonly (Float64Array | Uint8Array)[];
}
export interface ByteSink {
  write(data: Uint8Array | string): void | Promise<void>;
}
export type TableFormat = "csv" | "jsonl" | "json" | "arrows" | "arrow" | "parquet";

export const FORMAT_BY_EXTENSION: Readonly<Record<string, TableFormat>> = Object.freeze({
  ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".arrows": "arrows", ".arrow": "arrow", ".feather": "arrow", ".parquet": "parquet",
});

/** The format a path's extension names, or a refusal listing the accepted ones. */
export function formatOf(path: string, what = "write"): TableFormat {
  const f = FORMAT_BY_EXTENSION[extname(String(path)).toLowerCase()];
  if (!f) {
    throw new SuanliError("bad-argument", `${what}: cannot tell the format of ${show(path)}; end it in ${Object.keys(FORMAT_BY_EXTENSION).join(", ")}`, {
      value: path,
      expected: Object.keys(FORMAT_BY_EXTENSION).join(", "),
    });
  }
  return f;
}

/** A writer for one table: `write` each chunk, then `end`. */
export interface TableWriter {
  write(chunk: Chunk): Promise<void>;
  end(): Promise<void>;
}

const num = (x: number) => (Number.isNaN(x) ? "" : String(x));
const jnum = (x: number) => (Number.isNaN(x) ? "null" : String(x));
const bool = (x: number) => (x === 2 ? "" : x ? "true" : "false");
const jbool = (x: number) => (x === 2 ? "null" : x ? "true" : "false");

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows per piece of text handed to the sink. */
const SLICE = 8192;

function textWriter(cols: readonly ColumnDef[], sink: ByteSink, format: "csv" | "jsonl" | "json"): TableWriter {
  const csv = format === "csv";
  const cell = cols.map((c) => (csv ? (c.type === "number" ? num : bool) : c.type === "number" ? jnum : jbool));
  const keys = cols.map((c) => JSON.stringify(c.name) + ":");
  let first = true;
  return {
    async write(ch) {
      // text is made and handed on in slices of SLICE rows, so little of it is alive at once
      for (let from = 0; from < ch.length; from += SLICE) {
        const to = Math.min(ch.length, from + SLICE);
        let text = format === "json" ? (first ? "[\n" : ",\n") : first && csv ? cols.map((c) => csvField(c.name)).join(",") + "\n" : "";
        for (let i = from; i < to; i++) {
          let s = "";
          for (let c = 0; c < cols.length; c++) {
            const v = cell[c]!(ch.columns[c]![i]!);
            s += csv ? (c ? "," : "") + v : (c ? "," : "{") + keys[c] + v;
          }
          text += csv ? s + "\n" : format === "json" ? (i > from ? ",\n" : "") + s + "}" : s + "}\n";
        }
        first = false;
        await sink.write(text);
      }
    },
    async end() {
      if (format === "json") await sink.write(first ? "[]\n" : "\n]\n");
      else if (csv && first) await sink.write(cols.map((c) => csvField(c.name)).join(",") + "\n");
    },
  };
}

/** Arrow IPC from flechette's encoder, one record batch per chunk (see the module comment). */
async function arrowWriter(cols: readonly ColumnDef[], sink: ByteSink, file: boolean): Promise<TableWriter> {
  const fl = await import("@uwdata/flechette");
  const types = Object.fromEntries(cols.map((c) => [c.name, c.type === "number" ? fl.float64() : fl.bool()]));
  const encode = (ch: Chunk) => {
    const data: Record<string, unknown[] | Float64Array> = {};
    cols.forEach((c, k) => {
      const col = ch.columns[k]!;
      if (c.type === "number") data[c.name] = (col as Float64Array).some(Number.isNaN) ? Array.from(col, (x) => (Number.isNaN(x) ? null : x)) : (col as Float64Array);
      else data[c.name] = Array.from(col, (x) => (x === 2 ? null : x === 1));
    });
    const t = fl.tableFromArrays(data as never, { types });
    return { bytes: fl.tableToIPC(t, { format: "stream" }) as Uint8Array, schema: t.schema };
  };
  const MAGIC = new Uint8Array([65, 82, 82, 79, 87, 49, 0, 0]); // "ARROW1" + 2 bytes padding
  const EOS = new Uint8Array([255, 255, 255, 255, 0, 0, 0, 0]);
  let offset = 0;
  let schema: unknown = null;
  const blocks: { offset: number; metadataLength: number; bodyLength: number }[] = [];
  const put = async (b: Uint8Array) => {
    await sink.write(b);
    offset += b.byteLength;
  };
  const messageLength = (b: Uint8Array, at: number) => 8 + new DataView(b.buffer, b.byteOffset + at + 4, 4).getInt32(0, true);
  return {
    async write(ch) {
      if (ch.length === 0) return;
      const { bytes, schema: s } = encode(ch);
      const schemaLen = messageLength(bytes, 0);
      if (schema === null) {
        schema = s;
        if (file) await put(MAGIC);
        await put(bytes.subarray(0, schemaLen));
      }
      const batch = bytes.subarray(schemaLen, bytes.byteLength - EOS.byteLength);
      const meta = messageLength(batch, 0);
      blocks.push({ offset, metadataLength: meta, bodyLength: batch.byteLength - meta });
      await put(batch);
    },
    async end() {
      if (schema === null) {
        // no rows: a valid empty table (schema only)
        const empty: Chunk = { length: 0, columns: cols.map((c) => (c.type === "number" ? new Float64Array(0) : new Uint8Array(0))) };
        const { bytes, schema: s } = encode(empty);
        schema = s;
        if (file) await put(MAGIC);
        await put(bytes.subarray(0, messageLength(bytes, 0)));
      }
      await put(EOS);
      if (!file) return;
      const { Builder } = await import("@uwdata/flechette/src/encode/builder.js");
      const { writeFooter } = await import("@uwdata/flechette/src/encode/footer.js");
      const parts: Uint8Array[] = [];
      const mem = { write: (b: Uint8Array) => void parts.push(b.slice()), pad: (n: number) => void parts.push(new Uint8Array(n)) };
      writeFooter(new Builder(mem), schema, [], blocks, null);
      for (const p of parts) await put(p);
    },
  };
}

/** Parquet via hyparquet-writer: a row group per chunk, bytes flushed to the sink every MiB. */
async function parquetWriter(cols: readonly ColumnDef[], sink: ByteSink): Promise<TableWriter> {
  const { ParquetWriter, ByteWriter } = await import("hyparquet-writer");
  const bw = new ByteWriter();
  const pending: Uint8Array[] = [];
  const flush = () => {
    if (bw.index > 0) pending.push(new Uint8Array(bw.buffer, 0, bw.index).slice());
    bw.index = 0;
  };
  const ensure = bw.ensure.bind(bw);
  bw.ensure = (size: number) => {
    if (bw.index > 1 << 20) flush();
    ensure(size);
  };
  const drain = async () => {
    while (pending.length) await sink.write(pending.shift()!);
  };
  const schema = [
    { name: "root", num_children: cols.length },
    ...cols.map((c) => ({ name: c.name, type: c.type === "number" ? ("DOUBLE" as const) : ("BOOLEAN" as const), repetition_type: "OPTIONAL" as const })),
  ];
  const pq = new ParquetWriter({ writer: bw, schema });
  return {
    async write(ch) {
      if (ch.length === 0) return;
      const columnData = cols.map((c, k) => {
        const col = ch.columns[k]!;
        const data = c.type === "number" ? Array.from(col, (x) => (Number.isNaN(x) ? null : x)) : Array.from(col, (x) => (x === 2 ? null : x === 1));
        return { name: c.name, data };
      });
      await pq.write({ columnData, rowGroupSize: ch.length });
      await drain();
    },
    async end() {
      await pq.finish();
      flush();
      await drain();
    },
  };
}

/** Open a writer of `format` for columns `cols` onto `sink`. */
export async function openTableWriter(format: TableFormat, cols: readonly ColumnDef[], sink: ByteSink): Promise<TableWriter> {
  switch (format) {
    case "csv":
    case "jsonl":
    case "json":
      return textWriter(cols, sink, format);
    case "arrows":
    case "arrow":
      return arrowWriter(cols, sink, format === "arrow");
    case "parquet":
      return parquetWriter(cols, sink);
  }
}
