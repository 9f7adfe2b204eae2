import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tableFromIPC } from "@uwdata/flechette";
import { DuckDBInstance } from "@duckdb/node-api";
import { cliInProcess } from "./run.js";
import { estimators, gpu, model, openTableWriter, sweep, toCsv, writeTable, exportTable, type ByteSink } from "../../src/index.js";
import { CHUNK_ROWS, newColumns, sweepRow, SWEEP_COLUMNS } from "../../src/cli/sweep.js";
import { AtomicFile } from "../../src/util/files.js";
import { tempDirs } from "../helpers.js";

const tmp = tempDirs("suanli-out-");

// 300 × 1000 = 300,000 rows: three chunks of the streaming writer.
const B = 300;
const C = 1000;
const N = B * C;
const args = ["llama2-70b", "--gpu", "H20", "--tp", "8", "--batch", `1..${B}`, "--context", `64..${64 + C - 1}`];
function reference() {
  const row = sweepRow(estimators(model("llama2-70b"), gpu("H20"), { tp: 8, weights: "fp16", kv: "fp16" }));
  const cols = newColumns(N);
  let i = 0;
  for (let b = 1; b <= B; b++) for (let c = 64; c < 64 + C; c++) row(b, c, cols, i++);
  // NaN is a null cell (a row that does not fit has no timings): sums skip it, as SQL's do
  const sum = (k: number) => {
    let a = 0;
    for (const x of cols[k]!) if (!Number.isNaN(x)) a += x;
    return a;
  };
  return { cols, kv: sum(2), ms: sum(5), fits: sum(4) };
}

async function duck(sql: string): Promise<Record<string, unknown>> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  const r = await c.runAndReadAll(sql);
  const row = r.getRowObjects()[0]!;
  c.closeSync();
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v]));
}

describe("suanli sweep --out: streamed in chunks, read back whole", () => {
  const ref = reference();
  expect(N).toBeGreaterThan(2 * CHUNK_ROWS);
  const dir = tmp();
  const write = async (name: string) => {
    const r = await cliInProcess(["sweep", ...args, "--out", join(dir, name)]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`wrote 300,000 rows to .*${name.replace(".", "\\.")}`));
    return join(dir, name);
  };
  it("Parquet: DuckDB reads it and aggregates to the same sums", async () => {
    const p = await write("s.parquet");
    const got = await duck(`select count(*) n, sum(kv_GiB) kv, sum(decode_ms) ms, count(*) filter (where fits) f, min(context) c0, max(batch) b1 from read_parquet('${p}')`);
    expect(got.n).toBe(N);
    expect(got.kv as number).toBeCloseTo(ref.kv, 6);
    expect(got.ms as number).toBeCloseTo(ref.ms, 6);
    expect(got.f).toBe(ref.fits);
    expect(got).toMatchObject({ c0: 64, b1: B });
    const groups = await duck(`select count(*) g from (select 1 from parquet_metadata('${p}') group by row_group_id)`);
    expect(groups.g).toBe(Math.ceil(N / CHUNK_ROWS));
  });
  it("Arrow file and stream: every row equal to the reference", async () => {
    for (const name of ["s.arrow", "s.arrows"]) {
      const t = tableFromIPC(readFileSync(await write(name)));
      expect(t.numRows).toBe(N);
      SWEEP_COLUMNS.forEach((c, k) => {
        const got = t.getChild(c.name)!.toArray() as ArrayLike<number | boolean>;
        for (let i = 0; i < N; i += 997) expect(c.type === "boolean" ? Number(got[i]) : (got[i] ?? Number.NaN), `${name} ${c.name}[${i}]`).toBe(ref.cols[k]![i]);
      });
    }
  });
  it("CSV, JSON lines and JSON: every row, and the CSV equals toCsv of the in-memory sweep", async () => {
    const csv = readFileSync(await write("s.csv"), "utf8").trimEnd().split("\n");
    expect(csv).toHaveLength(N + 1);
    expect(csv[0]).toBe("batch,context,kv_GiB,mem_per_gpu_GiB,fits,decode_ms,throughput_tok_s");
    const jl = readFileSync(await write("s.jsonl"), "utf8").trimEnd().split("\n");
    expect(jl).toHaveLength(N);
    const js = JSON.parse(readFileSync(await write("s.json"), "utf8"));
    expect(js).toHaveLength(N);
    for (const i of [0, CHUNK_ROWS - 1, CHUNK_ROWS, N - 1]) {
      const o = JSON.parse(jl[i]!);
      expect(o).toEqual(js[i]);
      expect(csv[i + 1]).toBe(`${o.batch},${o.context},${o.kv_GiB},${o.mem_per_gpu_GiB},${o.fits},${o.decode_ms ?? ""},${o.throughput_tok_s ?? ""}`);
      expect(o.decode_ms ?? Number.NaN).toBe(ref.cols[5][i]);
    }
    const e = estimators(model("llama2-70b"), gpu("H20"), { tp: 8 });
    const small = sweep({ batch: [1, 2, 3], context: [64, 65] }, ({ batch, context }) => e.decodeRow(batch, context));
    expect(csv.slice(0, 3).join("\n")).toBe(toCsv(small).split("\n").slice(0, 3).join("\n"));
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
  it("--csv and --json on stdout stream the same rows", async () => {
    const csv = await cliInProcess(["sweep", ...args.slice(0, 5), "--batch", "1..3", "--context", "1..2", "--csv"]);
    expect(csv.stdout.trim().split("\n")).toHaveLength(7);
    const json = JSON.parse((await cliInProcess(["sweep", ...args.slice(0, 5), "--batch", "1..3", "--context", "1..2", "--json"])).stdout);
    expect(json.map((r: { batch: number; context: number }) => [r.batch, r.context])).toEqual([[1, 1], [1, 2], [2, 1], [2, 2], [3, 1], [3, 2]]);
  });
});

describe("table writers", () => {
  const cols = [{ name: "x", type: "number" as const }, { name: "ok", type: "boolean" as const }];
  const chunk = { length: 3, columns: [Float64Array.of(1, NaN, 3), Uint8Array.of(1, 0, 2)] };
  async function bytes(format: "csv" | "jsonl" | "json" | "arrows" | "arrow" | "parquet"): Promise<Buffer> {
    const parts: Buffer[] = [];
    const sink: ByteSink = { write: (d) => void parts.push(Buffer.from(d)) };
    const w = await openTableWriter(format, cols, sink);
    await w.write(chunk);
    await w.end();
    return Buffer.concat(parts);
  }
  it("write NaN and boolean code 2 as null in every format", async () => {
    expect((await bytes("csv")).toString()).toBe("x,ok\n1,true\n,false\n3,\n");
    expect((await bytes("jsonl")).toString()).toBe('{"x":1,"ok":true}\n{"x":null,"ok":false}\n{"x":3,"ok":null}\n');
    expect(JSON.parse((await bytes("json")).toString())).toEqual([{ x: 1, ok: true }, { x: null, ok: false }, { x: 3, ok: null }]);
    for (const f of ["arrow", "arrows"] as const) expect(tableFromIPC(await bytes(f)).toArray().map((r) => ({ ...r }))).toEqual([{ x: 1, ok: true }, { x: null, ok: false }, { x: 3, ok: null }]);
    const p = join(tmp(), "n.parquet");
    const f = new AtomicFile(p);
    f.write(await bytes("parquet"));
    f.commit();
    expect(await duck(`select count(*) filter (where x is null) nx, count(*) filter (where ok is null) nok, sum(x) s from read_parquet('${p}')`)).toEqual({ nx: 1, nok: 1, s: 4 });
  });
  it("an empty table is still a valid file", async () => {
    const parts: Buffer[] = [];
    const w = await openTableWriter("arrow", cols, { write: (d) => void parts.push(Buffer.from(d)) });
    await w.end();
    expect(tableFromIPC(Buffer.concat(parts)).numRows).toBe(0);
  });
  it("writeTable and exportTable write arquero tables whole or not at all", async () => {
    const d = tmp();
    const t = sweep({ batch: [1, 2], seq: [8, 16] }, ({ batch, seq }) => ({ tokens: batch * seq, big: batch * seq > 16 }));
    const p = await writeTable(t, join(d, "t.parquet"));
    expect(await duck(`select sum(tokens) s, count(*) filter (where big) b from read_parquet('${p}')`)).toEqual({ s: 72, b: 1 });
    expect(readFileSync(exportTable(t, join(d, "t.csv")), "utf8")).toBe(toCsv(t));
    expect(readFileSync(exportTable(t, join(d, "t.jsonl")), "utf8").trim().split("\n").map((l) => JSON.parse(l))).toEqual(t.objects());
    expect(() => exportTable(t, join(d, "t.parquet"))).toThrowError(/Parquet: await writeTable\(table, path\)/);
    const f = new AtomicFile(join(d, "half.csv"));
    f.write("a,b\n1,");
    f.abort();
    expect(readdirSync(d).sort()).toEqual(["t.csv", "t.jsonl", "t.parquet"]);
  });
});
