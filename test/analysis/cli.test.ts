import { describe, it, expect, vi } from "vitest";
import { runSweep, parseList } from "../../src/cli/sweep.js";
import { runReport } from "../../src/cli/report.js";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

async function capture(f: () => Promise<number>): Promise<{ code: number; out: string }> {
  let out = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  try {
    return { code: await f(), out };
  } finally {
    spy.mockRestore();
  }
}

describe("runSweep(argv)", () => {
  it("parseList reads lists, ranges and geometric ranges", () => {
    expect(parseList("1,8,64", "batch")).toEqual([1, 8, 64]);
    expect(parseList("1..4", "batch")).toEqual([1, 2, 3, 4]);
    expect(parseList("1024..8192*2", "seq")).toEqual([1024, 2048, 4096, 8192]);
    expect(() => parseList("0,x", "batch")).toThrowError(/--batch: cannot read "0,x"/);
  });
  it("--csv prints the sweep with unit-suffixed columns", async () => {
    const { code, out } = await capture(() => runSweep(["llama2-70b", "--gpu", "H20", "--tp", "8", "--batch", "1,8", "--seq", "4096", "--csv"]));
    expect(code).toBe(0);
    const lines = out.trim().split("\n");
    expect(lines[0]).toBe("batch,context,kv_GiB,mem_per_gpu_GiB,fits,decode_ms,throughput_tok_s");
    expect(lines[2]!.startsWith("8,4096,10,")).toBe(true);
  });
  it("--json prints rows; --help prints usage", async () => {
    const { out } = await capture(() => runSweep(["llama2-70b", "--gpu", "H20", "--batch", "1", "--seq", "128", "--json"]));
    expect(JSON.parse(out)[0]).toMatchObject({ batch: 1, context: 128, fits: false, decode_ms: null, throughput_tok_s: null });
    expect((await capture(() => runSweep(["--help"]))).out).toContain("usage: suanli sweep MODEL --gpu GPU");
  });
  it("refuses a missing --gpu and an oversize grid", async () => {
    await expect(runSweep(["llama2-70b"])).rejects.toThrowError(/needs --gpu/);
    await expect(runSweep(["llama2-70b", "--gpu", "H20", "--batch", "1..100", "--seq", "1..100", "--max-rows", "1000"])).rejects.toThrowError(
      /10,000 rows .* over the limit of 1,000; .*maxRows/,
    );
  });
});

describe("runReport(argv)", () => {
  it("--out DIR writes the article report", async () => {
    const dir = mkdtempSync(join(tmpdir(), "suanli-cli-report-"));
    const { code, out } = await capture(() => runReport(["--out", dir, "--json"]));
    expect(code).toBe(0);
    expect(JSON.parse(out).html).toBe(join(dir, "report.html"));
    expect(readdirSync(dir)).toContain("report.md");
  });
});
