import { describe, it, expect, vi } from "vitest";
import { runSweep } from "../../src/cli/sweep.js";
import { runReport } from "../../src/cli/report.js";
import { parseVerb, readList } from "../../src/cli/args.js";
import { VERBS } from "../../src/cli/verbs.js";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const verb = (name: string) => VERBS.find((v) => v.name === name)!;

async function capture(f: () => Promise<number>): Promise<{ code: number; out: string }> {
  let out = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  try {
    return { code: await f(), out };
  } finally {
    spy.mockRestore();
  }
}
const sweep = (...argv: string[]) => runSweep(parseVerb(verb("sweep"), argv));

describe("suanli sweep (in process)", () => {
  it("readList reads lists, ranges and geometric ranges", () => {
    expect(readList("1,8,64", "--batch")).toEqual([1, 8, 64]);
    expect(readList("1..4", "--batch")).toEqual([1, 2, 3, 4]);
    expect(readList("1024..8192*2", "--context")).toEqual([1024, 2048, 4096, 8192]);
    expect(() => readList("0,x", "--batch")).toThrowError(/--batch must be a positive integer, got "0"/);
    expect(() => readList("1,,2", "--batch")).toThrowError(/--batch: cannot read "1,,2"/);
  });
  it("--csv prints the sweep with unit-suffixed columns", async () => {
    const { code, out } = await capture(() => sweep("llama2-70b", "--gpu", "H20", "--tp", "8", "--batch", "1,8", "--context", "4096", "--csv"));
    expect(code).toBe(0);
    const lines = out.trim().split("\n");
    expect(lines[0]).toBe("batch,context,kv_GiB,mem_per_gpu_GiB,fits,decode_ms,throughput_tok_s");
    expect(lines[2]!.startsWith("8,4096,10,")).toBe(true);
  });
  it("--json prints rows; a row that does not fit has null timings", async () => {
    const { out } = await capture(() => sweep("llama2-70b", "--gpu", "H20", "--batch", "1", "--seq", "128", "--json"));
    expect(JSON.parse(out)[0]).toMatchObject({ batch: 1, context: 128, fits: false, decode_ms: null, throughput_tok_s: null });
  });
  it("refuses a missing --gpu and an oversize grid", async () => {
    await expect(sweep("llama2-70b")).rejects.toThrowError(/needs --gpu/);
    await expect(sweep("llama2-70b", "--gpu", "H20", "--batch", "1..100", "--context", "1..100", "--max-rows", "1000")).rejects.toThrowError(/10,000 rows .* over the limit of 1,000; .*--max-rows/);
  });
});

describe("suanli report (in process)", () => {
  it("--out DIR writes the article report", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "suanli-cli-report-")), "new");
    const { code, out } = await capture(() => runReport(parseVerb(verb("report"), ["--out", dir, "--json"])));
    expect(code).toBe(0);
    expect(JSON.parse(out).html).toBe(join(dir, "report.html"));
    expect(readdirSync(dir)).toContain("report.md");
    expect(readdirSync(dir).some((f) => f.endsWith(".tmp"))).toBe(false);
  });
});
