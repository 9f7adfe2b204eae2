/**
 * `suanli sweep MODEL --gpu GPU …` — every batch × context pair for one model on tp × pp GPUs,
 * priced by the engine itself (`estimators()`: the engine compiled, the same numbers as
 * `suanli decode`): the model's KV cache, memory per GPU, whether it fits, decode step time and
 * decode throughput (null where it does not fit). Rows are computed chunk by chunk into typed
 * arrays and streamed to the output (text shows the first 40; --csv / --json on stdout; --out
 * FILE in the format its extension names), so memory stays constant however many rows the grid has.
 */
import { SuanliError, show } from "../errors.js";
import { estimators, type Estimators } from "../analysis/estimators.js";
import { formatOf, openTableWriter, type ByteSink, type ColumnDef, type TableFormat } from "../analysis/tablewriter.js";
import { AtomicFile } from "../util/files.js";
import { flag, list, num, str, type Parsed } from "./args.js";
import { clusterFrom, engineFrom, gpuFrom, loadModel, withEp } from "./device.js";
import { print, stdoutSink } from "./output.js";
import { progressText } from "../util/progress.js";

/** The columns of a sweep: the two axes, then `Estimators.decodeRow`'s (the API's sweep row). */
export const SWEEP_COLUMNS: readonly ColumnDef[] = Object.freeze([
  { name: "batch", type: "number" },
  { name: "context", type: "number" },
  { name: "kv_GiB", type: "number" },
  { name: "mem_per_gpu_GiB", type: "number" },
  { name: "fits", type: "boolean" },
  { name: "decode_ms", type: "number" },
  { name: "throughput_tok_s", type: "number" },
]);

/** Output columns of one chunk, in SWEEP_COLUMNS order (NaN: null, written empty). */
export type SweepColumns = [Float64Array, Float64Array, Float64Array, Float64Array, Uint8Array, Float64Array, Float64Array];

/**
 * The per-row arithmetic of the sweep: fill row `i` of `out` for `batch` sequences at
 * `context` tokens with `e.decodeRow(batch, context)` — the row the API's sweep gives.
 * Everything else in this file is parsing and output.
 */
export function sweepRow(e: Estimators): (batch: number, context: number, out: SweepColumns, i: number) => void {
  return (batch, context, out, i) => {
    const r = e.decodeRow(batch, context);
    out[0][i] = batch;
    out[1][i] = context;
    out[2][i] = r.kv_GiB;
    out[3][i] = r.mem_per_gpu_GiB;
    out[4][i] = r.fits ? 1 : 0;
    out[5][i] = r.decode_ms ?? Number.NaN;
    out[6][i] = r.throughput_tok_s ?? Number.NaN;
  };
}

export function newColumns(n: number): SweepColumns {
  return [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n), new Uint8Array(n), new Float64Array(n), new Float64Array(n)];
}

/** Rows per chunk: 2^17 (≈ 5 MB of columns). */
export const CHUNK_ROWS = 131_072;

/**
 * Evaluate the grid batch × context (batch-major) in chunks, handing each to `each`; the chunk's
 * arrays are reused, so `each` must consume them before returning.
 */
export async function sweepChunks(row: ReturnType<typeof sweepRow>, batch: readonly number[], context: readonly number[], each: (cols: SweepColumns, length: number, done: number) => void | Promise<void>, limit = Infinity): Promise<number> {
  const total = Math.min(limit, batch.length * context.length);
  const n = Math.min(CHUNK_ROWS, Math.max(1, total));
  const cols = newColumns(n);
  const C = context.length;
  let done = 0;
  let b = 0;
  let c = 0;
  while (done < total) {
    const len = Math.min(n, total - done);
    for (let i = 0; i < len; i++) {
      row(batch[b]!, context[c]!, cols, i);
      if (++c === C) {
        c = 0;
        b++;
      }
    }
    done += len;
    await each(cols, len, done);
  }
  return done;
}

function progressBar(done: number, total: number): void {
  process.stderr.write(`\r${progressText("", done, total)} rows${done === total ? "\n" : ""}`);
}

const cellText = (x: number, boolean: boolean) => (boolean ? (x === 2 ? "—" : x ? "true" : "false") : Number.isNaN(x) ? "—" : Number.isInteger(x) ? x.toLocaleString("en-US") : String(Number(x.toPrecision(4))));

/** Run `suanli sweep`; returns the exit status. */
export async function runSweep(p: Parsed): Promise<number> {
  const json = flag(p, "json");
  const csv = flag(p, "csv");
  const out = str(p, "out");
  if (csv && json) throw new SuanliError("bad-argument", "sweep: --csv and --json both choose the output format; give one", { value: ["--csv", "--json"] });
  if (csv && out !== undefined) throw new SuanliError("bad-argument", `sweep: --csv prints to stdout and --out ${show(out)} writes a file; give one (the file's extension picks its format)`, { value: out });
  const format: TableFormat | null = out === undefined ? null : formatOf(out, "sweep --out");
  const m = loadModel(p, "sweep");
  const g = gpuFrom(p, "sweep");
  const tp = num(p, "tp") ?? 1;
  const pp = num(p, "pp") ?? 1;
  const ideal = flag(p, "ideal");
  // Built before any row: a layout that cannot exist is refused here, with the engine's words.
  // The same cluster (--network, --ep) and engine (--weights, --kv, --ideal) as `suanli decode`.
  const e = estimators(engineFrom(m, withEp(clusterFrom(g, p), p), p));
  const batch = list(p, "batch") ?? [1, 8, 32, 64];
  const context = list(p, "context") ?? [2048, 4096, 8192, 32768];
  const maxRows = num(p, "max-rows") ?? 10_000_000;
  const total = batch.length * context.length;
  if (total > maxRows) {
    throw new SuanliError("bad-argument", `sweep: the grid has ${total.toLocaleString("en-US")} rows (${batch.length.toLocaleString("en-US")} batch × ${context.length.toLocaleString("en-US")} context), over the limit of ${maxRows.toLocaleString("en-US")}; raise it with --max-rows (maxRows in the API)`, { value: total });
  }
  const row = sweepRow(e);
  if (format === null && !csv && !json) {
    const shown = Math.min(total, 40);
    const lines: string[][] = [SWEEP_COLUMNS.map((c) => c.name)];
    await sweepChunks(row, batch, context, (cols, n) => {
      for (let i = 0; i < n; i++) lines.push(SWEEP_COLUMNS.map((c, k) => cellText(cols[k]![i]!, c.type === "boolean")));
    }, shown);
    const widths = lines[0]!.map((_, k) => Math.max(...lines.map((l) => l[k]!.length)));
    print(`${e.describe}${ideal ? " · ideal roofline" : ""}`);
    print(lines.map((l) => l.map((x, k) => x.padStart(widths[k]!)).join("  ")).join("\n"));
    if (total > shown) print(`… ${(total - shown).toLocaleString("en-US")} more rows (use --csv, --json or --out FILE)`);
    return 0;
  }
  // Ctrl-C or a kill while writing: drop the temporary file, exit 130 / 143 (the event loop is
  // given a turn after each chunk, so the signal is seen within one chunk). The handler is in
  // place before the temporary file exists, so no signal can leave it behind.
  let file: AtomicFile | null = null;
  const stop = (sig: NodeJS.Signals) => {
    file?.abort();
    process.exit(sig === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", stop).once("SIGTERM", stop);
  const progress = process.stderr.isTTY && total >= 200_000;
  try {
    file = out === undefined ? null : new AtomicFile(out, "sweep --out");
    const sink: ByteSink = file ?? stdoutSink;
    const w = await openTableWriter(format ?? (csv ? "csv" : "json"), SWEEP_COLUMNS, sink);
    await sweepChunks(row, batch, context, async (cols, n, done) => {
      await w.write({ length: n, columns: n === cols[0].length ? cols : cols.map((c) => c.subarray(0, n)) });
      if (progress) progressBar(done, total);
      await new Promise((resolve) => setImmediate(resolve));
    });
    await w.end();
  } catch (err) {
    file?.abort();
    throw err;
  } finally {
    process.off("SIGINT", stop).off("SIGTERM", stop);
  }
  if (file !== null) {
    const path = (file as AtomicFile).commit();
    print(json ? JSON.stringify({ out: path, rows: total, format }) : `wrote ${total.toLocaleString("en-US")} rows to ${path} (${format})`);
  }
  return 0;
}
