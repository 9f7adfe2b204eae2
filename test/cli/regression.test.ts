import { describe, expect, it } from "vitest";
import { mkdirSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { cliInProcess, cliPath, cliSpawn } from "./run.js";
import { chart, cluster, estimators, gpu, model, report } from "../../src/index.js";
import { errorOf, tempDirs } from "../helpers.js";

// The reproductions of the stress test that broke the contract: each now ends with one line on
// stderr naming the value, exit status 2, no stack trace and no half-written file.
const tmp = tempDirs("suanli-hostile-");

function refused(r: { status: number; stderr: string }, pattern: RegExp): void {
  expect(r.status, r.stderr).toBe(2);
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^suanli: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/internal error|    at |ambiguous/);
}

describe("hangs and paths (the built CLI)", () => {
  it("--out under /proc refuses at once instead of spinning in mkdir", () => {
    const a = cliSpawn(["sweep", "llama2-70b", "--gpu", "H20", "--tp", "8", "--out", "/proc/newdir/x.csv"], 30_000);
    expect(a.signal).toBeNull();
    refused(a, /cannot create directory "\/proc\/newdir"/);
    const b = cliSpawn(["report", "--out", "/proc/rep"], 60_000);
    expect(b.signal).toBeNull();
    refused(b, /"\/proc\/rep"/);
  });
  it("bad --out paths are exit 2 naming the path, and leave nothing behind", async () => {
    const d = tmp();
    writeFileSync(join(d, "file"), "x");
    mkdirSync(join(d, "dir.csv"));
    const sweep = (out: string) => cliInProcess(["sweep", "llama2-70b", "--gpu", "H20", "--tp", "8", "--out", out]);
    refused(await sweep(join(d, "file", "x.csv")), /is a file/);
    refused(await sweep(join(d, "dir.csv")), /dir\.csv": it is a directory/);
    refused(await sweep("/dev/null"), /cannot tell the format of "\/dev\/null"/);
    refused(await sweep("/sys/x.csv"), /cannot write "\/sys\/x\.csv"/);
    refused(await sweep(""), /--out needs a value \(FILE\), got an empty string/);
    expect(readdirSync(d).sort()).toEqual(["dir.csv", "file"]);
  });
  it("report --out DIR where DIR/report.html is a directory: exit 2 and no file written", async () => {
    const d = tmp();
    mkdirSync(join(d, "report.html"));
    refused(await cliInProcess(["report", "--out", d]), /report\.html": it is a directory/);
    expect(readdirSync(d)).toEqual(["report.html"]);
  });
  it("a new report directory appears complete", async () => {
    const d = join(tmp(), "r");
    expect((await cliInProcess(["report", "--out", d])).status).toBe(0);
    const files = readdirSync(d);
    expect(files).toEqual(expect.arrayContaining(["report.md", "report.html"]));
    expect(files.filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(readdirSync(join(d, "..")).filter((f) => f !== "r")).toEqual([]);
  });
});

describe("an interrupted sweep leaves no file behind", () => {
  it("SIGINT while streaming: exit 130, neither the target nor the temporary remains", async () => {
    const d = tmp();
    const child = spawn(process.execPath, [cliPath, "sweep", "llama2-70b", "--gpu", "H20", "--tp", "8", "--batch", "1..10000", "--context", "1..1000", "--out", join(d, "x.parquet")]);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    for (let i = 0; i < 600 && !readdirSync(d).some((f) => f.endsWith(".tmp")); i++) await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(d).some((f) => f.endsWith(".tmp"))).toBe(true);
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(readdirSync(d)).toEqual([]);
  }, 60_000);
});

describe("the simulator never stops silently", () => {
  it("a run cut at --max-steps says TRUNCATED with its counts, in text and JSON", async () => {
    const args = ["simulate", "llama2-70b", "H20", "--n", "8", "--requests", "1000", "--rate", "0.5", "--policy", "inflight", "--max-steps", "20000"];
    const text = await cliInProcess(args);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/inflight: TRUNCATED — stopped at the step limit \(20,000 steps, --max-steps\) with \d+ of 1000 requests finished, \d+ running, \d+ queued, \d+ not yet arrived/);
    const j = await cliInProcess([...args, "--json"]);
    const [row] = JSON.parse(j.stdout);
    expect(row).toMatchObject({ truncated: true, steps: 20000, total: 1000 });
    expect(row.finished + row.running + row.queued + row.rejected + row.not_arrived).toBe(1000);
    const done = JSON.parse((await cliInProcess(["simulate", "llama2-70b", "--gpu", "H20", "--requests", "20", "--policy", "inflight", "--json"])).stdout);
    expect(done[0]).toMatchObject({ truncated: false, finished: 20 });
  });
});

describe("numbers as typed", () => {
  const cases: [string[], RegExp][] = [
    [["kv", "llama2-70b", "--batch", "-1", "--context", "4096"], /--batch must be a positive integer, got "-1"/],
    [["kv", "llama2-70b", "--batch", "8", "--seq", "-4096"], /--seq must be a positive integer, got "-4096"/],
    [["decode", "llama2-70b", "--gpu", "H20", "--tp", "-8"], /--tp must be a positive integer, got "-8"/],
    [["decode", "llama2-70b", "--gpu", "H20", "--price", "-1"], /--price must be a number > 0 .*got "-1"/],
    [["decode", "llama2-70b", "--gpu", "H20", "--price", "1e308"], /--price .*up to 1,000,000, got "1e308"/],
    [["decode", "llama2-70b", "--gpu", "H20", "--batch", "-1"], /--batch must be a positive integer, got "-1"/],
    [["decode", "llama2-70b", "--gpu", "H20", "--context", "-5"], /--context must be a positive integer, got "-5"/],
    [["sweep", "llama2-70b", "--gpu", "H20", "--batch", "-1"], /--batch must be a positive integer, got "-1"/],
    [["sweep", "llama2-70b", "--gpu", "H20", "--max-rows", "-1"], /--max-rows must be a positive integer, got "-1"/],
    [["simulate", "llama2-70b", "H20", "--rate", "-1"], /--rate must be a number > 0 .*got "-1"/],
    [["simulate", "llama2-70b", "H20", "--rate", "abc"], /--rate must be a number > 0 .*got "abc"/],
    [["simulate", "llama2-70b", "H20", "--requests", "-10"], /--requests must be an integer ≥ 0 .*got "-10"/],
    [["simulate", "llama2-70b", "H20", "--n", "-8"], /--n must be a positive integer, got "-8"/],
    [["train", "llama2-70b", "--gpu", "H20", "--gpus", "-8", "--context", "4096"], /--gpus must be a positive integer, got "-8"/],
    [["train", "llama2-70b", "--gpu", "H20", "--gpus", "8", "--seq", "4096", "--tokens", "-2e12"], /--tokens must be a number > 0 .*got "-2e12"/],
    [["train", "llama2-70b", "--gpu", "H20", "--gpus", "8", "--seq", "4096", "--zero", "-1"], /--zero must be an integer ≥ 0 up to 3, got "-1"/],
    [["kv", "llama2-70b", "--batch", "9007199254740993", "--context", "1"], /got "9007199254740993" \(beyond 2\^53 − 1/],
    [["kv", "llama2-70b", "--batch", "0x10", "--context", "1"], /got "0x10" \(hexadecimal is not accepted\)/],
    [["kv", "llama2-70b", "--batch", "1.5", "--context", "1"], /--batch must be a positive integer, got "1.5"/],
  ];
  it("negative, hexadecimal, fractional, unsafe and non-numeric values: one line naming the value", async () => {
    for (const [args, pattern] of cases) refused(await cliInProcess(args), pattern);
  });
  it("in the real process too: exit 2, one line, not Node's 'argument is ambiguous'", () => {
    refused(cliSpawn(["kv", "llama2-70b", "--batch", "-1", "--seq", "4096"]), /--batch must be a positive integer, got "-1"/);
    refused(cliSpawn(["decode", "llama2-70b", "--gpu", "H20", "--price", "-1"]), /got "-1"/);
  });
});

describe("junk that used to pass silently", () => {
  it("stray positionals, other verbs' flags, duplicates, --csv with --json", async () => {
    refused(await cliInProcess(["gpus", "H20", "extra"]), /gpus: unexpected argument "extra"/);
    refused(await cliInProcess(["gpus", "extra"]), /no GPU matches "extra"/);
    refused(await cliInProcess(["models", "--batch", "8"]), /models does not take --batch \(it is an option of kv, decode, sweep\)/);
    refused(await cliInProcess(["kv", "llama2-70b", "--batch", "8", "--batch", "8", "--context", "1"]), /--batch given twice/);
    refused(await cliInProcess(["sweep", "llama2-70b", "--gpu", "H20", "--csv", "--json"]), /--csv and --json both choose the output format/);
    refused(await cliInProcess(["sweep", "llama2-70b", "--gpu", "H20", "--tp", "3"]), /tp 3 does not divide the 64 attention heads of llama2-70b/);
  });
  it("misspelt and out-of-range API options are refused, with did-you-mean", () => {
    expect(errorOf(() => model("llama2-70b").train({ seq: 4096, microbatch: 8 } as never)).message).toMatch(/train: unknown option "microbatch" \(did you mean microBatch\?\)/);
    expect(errorOf(() => model("llama2-70b").kv({ batch: 8, seq: 4096, dtyp: "fp8" } as never)).message).toMatch(/kv: unknown option "dtyp" \(did you mean dtype\?\)/);
    expect(errorOf(() => cluster(gpu("H20"), 16).perNode(3)).message).toMatch(/perNode\(3\): 16 GPUs do not fill whole nodes of 3/);
    expect(errorOf(() => gpu.custom({ name: "x", memory: "80 GiB", bandwidth: "2 TB/s", peak: { fp16: 0 } })).message).toMatch(/peak\.fp16 must be a finite rate > 0, got 0/);
    expect(errorOf(() => gpu.custom({ name: "x", memory: "80 GiB", bandwidth: "2 TB/s", peak: { fp16: "100 TFLOPS" }, sms: -4 })).message).toMatch(/sms must be a positive integer, got -4/);
    expect(errorOf(() => gpu.custom({ name: "x", memory: "80 GiB", bandwidth: "2 TB/s", peak: { fp16: "100 TFLOPS" }, smz: 4 } as never)).message).toMatch(/unknown option "smz" \(did you mean sms\?\)/);
    expect(errorOf(() => estimators(model("llama2-70b"), gpu("H20")).kvBytes(-8, 4096)).message).toMatch(/batch must be a positive integer, got -8/);
    expect(errorOf(() => estimators(model("llama2-70b"), gpu("H20"), { tpp: 8 } as never)).message).toMatch(/did you mean tp\?/);
    expect(errorOf(() => model.fromHFConfig({ model_type: "llama", hidden_size: 4096, num_hidden_layers: 1e308, num_attention_heads: 32, intermediate_size: 11008, vocab_size: 32000 })).message).toMatch(/"num_hidden_layers" must be a positive integer up to 2147483647, got 1e\+308/);
    expect(errorOf(() => chart.line(null as never, { x: "a", y: "b" })).message).toMatch(/chart\.line: data must be an arquero table or an array of rows, got null/);
  });
  it("report.write refuses scale 0 and 1000 before rendering anything", async () => {
    const d = tmp();
    const r = report("t");
    for (const scale of [0, 1000, Number.NaN]) await expect(r.write(d, { scale })).rejects.toThrowError(/scale \(PNG pixel density\) must be a number from 0\.1 to 8/);
    await expect(r.write(d, { scal: 2 } as never)).rejects.toThrowError(/unknown option "scal" \(did you mean scale\?\)/);
    expect(existsSync(join(d, "report.md"))).toBe(false);
  });
});

describe("the vocabulary", () => {
  it("--version, -h on every verb, FILTERs, --family, --config", async () => {
    expect(cliSpawn(["--version"]).stdout).toMatch(/^suanli \d+\.\d+\.\d+/);
    for (const v of ["reproduce", "gpus", "models", "kv", "decode", "sweep", "train", "simulate", "report"]) {
      const r = await cliInProcess([v, "-h"]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: suanli ${v}`));
    }
    expect(JSON.parse((await cliInProcess(["gpus", "h100", "--json"])).stdout).map((g: { id: string }) => g.id)).toEqual(["H100-SXM", "H100-PCIe", "H100-NVL"]);
    const qwen = JSON.parse((await cliInProcess(["models", "--family", "qwen", "--json"])).stdout).map((m: { id: string }) => m.id);
    expect(qwen.length).toBeGreaterThan(0);
    for (const id of qwen) expect(id).toMatch(/^qwen/);
    refused(await cliInProcess(["models", "--family", "gpt5"]), /no model family matches "gpt5"/);
    const fromFile = JSON.parse((await cliInProcess(["kv", "--config", "datasets/models/llama2-70b.config.json", "--batch", "8", "--context", "4096", "--json"])).stdout);
    expect(fromFile.bytes).toBe(10 * 2 ** 30);
    refused(await cliInProcess(["kv", "--config", "no/such/config.json", "--context", "8"]), /cannot read "no\/such\/config\.json": no such file or directory/);
    refused(await cliInProcess(["kv", "llama2-70b", "--config", "x.json", "--context", "8"]), /give MODEL or --config, not both/);
    const viaFlag = JSON.parse((await cliInProcess(["simulate", "llama2-7b", "--gpu", "H100", "--gpus", "1", "--requests", "5", "--policy", "inflight", "--json"])).stdout);
    const viaArg = JSON.parse((await cliInProcess(["simulate", "llama2-7b", "H100", "--gpus", "1", "--requests", "5", "--policy", "inflight", "--json"])).stdout);
    expect(viaFlag).toEqual(viaArg);
  });
  it("train: a global batch and a network by default, each named; refusals name the CLI flag", async () => {
    const r = await cliInProcess(["train", "llama2-70b", "--gpu", "H20", "--gpus", "64", "--tp", "8", "--context", "4096"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/network 400 Gb\/s per GPU between nodes \(assumed; set --network\)/);
    expect(r.stdout).toMatch(/bf16/);
    refused(await cliInProcess(["train", "llama2-70b", "--gpu", "H20", "--gpus", "64", "--tp", "8", "--context", "4096", "--global", "12"]), /--global 12 is not a multiple of --micro × data-parallel degree = 1 × 8 = 8/);
    refused(await cliInProcess(["train", "llama2-70b", "--gpu", "H20", "--gpus", "64"]), /train needs --context N/);
  });
});
