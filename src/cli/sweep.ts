/**
 * `suanli sweep MODEL --gpu GPU ...` — sweep batch × sequence length for one model on one GPU
 * (tensor parallel over --tp) with the fast estimators: KV cache, decode step time, decode
 * throughput and whether weights + KV fit. Text, --csv, --json, or a file with --out.
 */
import { parseArgs } from "node:util";
import { SuanliError, show } from "../errors.js";
import { gpu } from "../hardware/gpu.js";
import { model } from "../model/model.js";
import { estimators } from "../analysis/estimators.js";
import { sweep } from "../analysis/sweep.js";
import { toCsv, toJson, exportTable } from "../analysis/export.js";
import { cell } from "../report/blocks.js";
import { columnTitle } from "../analysis/columns.js";

export const SWEEP_HELP = `usage: suanli sweep MODEL --gpu GPU [--tp N] [--pp N] [--batch LIST] [--context LIST]
                    [--precision fp16|bf16|fp8|int8|fp4] [--weights DTYPE] [--kv DTYPE] [--ideal]
                    [--csv | --json] [--out FILE.csv|.json|.arrow] [--max-rows N]

Every batch × context pair, priced by the same engine as \`suanli decode\` (per-operator roofline,
kernel overlap, fixed overhead, TP/PP communication, memory fit): kv_GiB (the model's KV cache),
mem_per_gpu_GiB (weights + KV + workspace + reserve on one GPU), fits, decode_ms (one decode
step = time per output token) and throughput_tok_s (output tokens/s of the tp × pp GPUs).
Rows that do not fit keep fits = false and empty timings. --ideal prices the classic roofline
(perfect overlap, no fixed overhead). LIST is 1,8,64 or 1..64 (every integer) or
1024..131072*2 (geometric). Defaults: --tp 1, --pp 1, --batch 1,8,32,64,
--context 2048,4096,8192,32768 (--seq is the same flag), --precision: the GPU's fp16,
--weights/--kv: follow --precision (fp8 → fp8 weights and KV). --max-rows (default
10,000,000) raises the row limit.`;

/** Read "1,8,64", "1..64" or "1024..131072*2" as a list of positive integers. */
export function parseList(s: string, name: string): number[] {
  const bad = () => new SuanliError("bad-argument", `--${name}: cannot read ${show(s)}; write 1,8,64 or 1..64 or 1024..131072*2`, { value: s });
  const range = /^(\d+)\.\.(\d+)(?:\*(\d+))?$/.exec(s.trim());
  if (range) {
    const [lo, hi, f] = [Number(range[1]), Number(range[2]), range[3] === undefined ? null : Number(range[3])];
    if (lo < 1 || hi < lo || (f !== null && f < 2)) throw bad();
    const out: number[] = [];
    for (let v = lo; v <= hi && out.length <= 10_000_000; v = f === null ? v + 1 : v * f) out.push(v);
    return out;
  }
  const out = s.split(",").map((x) => Number(x.trim()));
  if (out.length === 0 || out.some((v) => !Number.isInteger(v) || v < 1)) throw bad();
  return out;
}

function progressBar(done: number, total: number): void {
  const w = 30;
  const f = Math.round((done / total) * w);
  process.stderr.write(`\r[${"#".repeat(f)}${" ".repeat(w - f)}] ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")}${done === total ? "\n" : ""}`);
}

/** Run `suanli sweep`; returns the exit code. */
export async function runSweep(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      gpu: { type: "string" }, tp: { type: "string", default: "1" }, pp: { type: "string", default: "1" },
      batch: { type: "string", default: "1,8,32,64" }, context: { type: "string" }, seq: { type: "string" },
      precision: { type: "string" }, weights: { type: "string" }, kv: { type: "string" }, ideal: { type: "boolean", default: false },
      csv: { type: "boolean", default: false }, json: { type: "boolean", default: false }, out: { type: "string" },
      "max-rows": { type: "string" }, help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(SWEEP_HELP + "\n");
    return 0;
  }
  if (positionals.length !== 1) throw new SuanliError("bad-argument", `sweep takes one MODEL, got ${positionals.length === 0 ? "none" : show(positionals)} (suanli sweep --help)`, { value: positionals });
  if (!values.gpu) throw new SuanliError("bad-argument", "sweep needs --gpu GPU (e.g. --gpu H20)", { value: undefined });
  const m = model(positionals[0]!);
  const g = values.precision ? gpu(values.gpu).precision(values.precision) : gpu(values.gpu);
  const one = (v: string, name: string) => {
    const l = parseList(v, name);
    if (l.length !== 1) throw new SuanliError("bad-argument", `--${name} takes one degree, got ${show(v)}`, { value: v });
    return l[0]!;
  };
  if (values.context !== undefined && values.seq !== undefined) throw new SuanliError("bad-argument", "--context and --seq are the same flag; give one", { value: values.seq });
  const e = estimators(m, g, {
    tp: one(values.tp!, "tp"), pp: one(values.pp!, "pp"), ideal: values.ideal === true,
    ...(values.weights !== undefined ? { weights: values.weights } : {}), ...(values.kv !== undefined ? { kv: values.kv } : {}),
  });
  const batch = parseList(values.batch!, "batch");
  const context = parseList(values.context ?? values.seq ?? "2048,4096,8192,32768", values.seq !== undefined ? "seq" : "context");
  const maxRows = values["max-rows"] === undefined ? undefined : parseList(values["max-rows"], "max-rows")[0];
  const total = batch.length * context.length;
  const t = sweep(
    { batch, context },
    ({ batch, context }) => e.decodeRow(batch, context),
    { ...(maxRows !== undefined ? { maxRows } : {}), ...(process.stderr.isTTY && total >= 200_000 ? { onProgress: progressBar } : {}) },
  );
  if (values.out) {
    const path = exportTable(t, values.out);
    process.stdout.write(values.json ? JSON.stringify({ out: path, rows: t.numRows() }) + "\n" : `wrote ${t.numRows()} rows to ${path}\n`);
  } else if (values.csv) process.stdout.write(toCsv(t) + "\n");
  else if (values.json) process.stdout.write(toJson(t) + "\n");
  else {
    const names = t.columnNames();
    const rows = t.objects({ limit: 40 }) as Record<string, unknown>[];
    const cells = [names.map(columnTitle), ...rows.map((r) => names.map((n) => cell(r[n])))];
    const widths = names.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
    process.stdout.write(`${e.describe}${values.ideal ? " · ideal roofline" : ""}\n`);
    for (const c of cells) process.stdout.write(c.map((x, i) => x.padStart(widths[i]!)).join("  ") + "\n");
    if (t.numRows() > 40) process.stdout.write(`… ${t.numRows() - 40} more rows (use --csv or --out FILE)\n`);
  }
  return 0;
}
