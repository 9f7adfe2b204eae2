import { describe, expect, it } from "vitest";
import { cliInProcess } from "./run.js";
import { cluster, gpu, model } from "../../src/index.js";

const json = async (argv: string[]) => {
  const r = await cliInProcess(argv);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as unknown;
};

describe("suanli train --gpus N without --tp", () => {
  it("runs tp 1 and data parallel over the rest, as its help and the --global check say", async () => {
    const r = await cliInProcess(["train", "llama2-70b", "--gpu", "H100", "--gpus", "64", "--context", "4096"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/dp 64 .* tp 1 pp 1 · on 64×/);
    const pp = await cliInProcess(["train", "llama2-70b", "--gpu", "H100", "--gpus", "64", "--pp", "4", "--context", "4096", "--global", "16"]);
    expect(pp.status, pp.stderr).toBe(0);
    expect(pp.stdout.split("\n")[0]).toMatch(/accum 1 × dp 16 .* tp 1 pp 4/);
  });
});

describe("suanli decode and sweep on MoE layouts: --ep, --network, --gpus", () => {
  const layouts: string[][] = [
    ["--gpus", "16", "--tp", "1", "--ep", "16", "--network", "400Gb/s"],
    ["--tp", "8", "--ep", "8"],
    ["--tp", "8", "--pp", "2", "--network", "400Gb/s"],
  ];
  for (const layout of layouts) {
    it(`deepseek-v3 ${layout.join(" ")}: the sweep row is the decode step`, async () => {
      const base = ["deepseek-v3", "--gpu", "H200", "--precision", "fp8", ...layout];
      const d = (await json(["decode", ...base, "--batch", "32", "--context", "4096", "--json"])) as { timePerToken_s: number; tokensPerSecond: number; device: string };
      const [row] = (await json(["sweep", ...base, "--batch", "32", "--context", "4096", "--json"])) as { decode_ms: number; throughput_tok_s: number }[];
      expect(row!.decode_ms).toBeCloseTo(d.timePerToken_s * 1e3, 9);
      expect(row!.throughput_tok_s).toBeCloseTo(d.tokensPerSecond, 6);
      const ep = layout[layout.indexOf("--ep") + 1];
      if (layout.includes("--ep")) expect(d.device).toContain(`ep ${ep}`);
    });
  }
  it("the CLI's numbers are the API's", async () => {
    const e = model("deepseek-v3").on(cluster(gpu("H200").fp8(), 16).ep(16).network("400 Gb/s"));
    const d = (await json(["decode", "deepseek-v3", "--gpu", "H200", "--precision", "fp8", "--gpus", "16", "--tp", "1", "--ep", "16", "--network", "400 Gb/s", "--batch", "32", "--json"])) as { timePerToken_s: number };
    expect(d.timePerToken_s).toBe(e.decode({ batch: 32, context: 4096 }).time.value);
    expect(e.describe()).toContain("(tp 1, dp 16, ep 16)");
  });
  it("a layout across nodes without --network names the flag", async () => {
    const r = await cliInProcess(["sweep", "deepseek-v3", "--gpu", "H200", "--precision", "fp8", "--tp", "8", "--pp", "2"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/no network is configured; .*--network/);
  });
});

describe("README: suanli reproduce --json", () => {
  it("the summary and the verdict list it shows are the ones reproduce() gives", async () => {
    const { readFileSync } = await import("node:fs");
    const { reproduce, verdictSummary } = await import("../../src/article/reproduce.js");
    const { VERDICTS } = await import("../../src/article/claims.js");
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const summary = /"summary": (\{[^}]*\})/.exec(readme);
    expect(summary).not.toBeNull();
    expect(JSON.parse(summary![1]!)).toEqual(verdictSummary(reproduce()));
    const listed = /"verdict": "[^"]*",\s*\/\/ (.*)/.exec(readme);
    expect(listed![1]!.split(" | ")).toEqual([...VERDICTS]);
  });
});

describe("suanli train --tokens on a configuration that does not fit", () => {
  it("says why there is no run time instead of leaving it out", async () => {
    const r = await cliInProcess(["train", "llama3.1-405b", "--gpu", "H100", "--gpus", "16384", "--tp", "8", "--pp", "16", "--context", "8192", "--global", "2048", "--tokens", "15.6e12"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/OUT OF MEMORY/);
    expect(r.stdout).toMatch(/no step or run time for --tokens: the configuration does not fit/);
  });
});

describe("a catalog model whose checkpoint is quantized", () => {
  it("is served in its checkpoint's format by every door unless --weights says otherwise", async () => {
    const fp8 = await cliInProcess(["decode", "qwen3-235b-a22b-fp8", "--gpu", "H100", "--tp", "8", "--json"]);
    expect(fp8.status, fp8.stderr).toBe(0);
    expect(JSON.parse(fp8.stdout).device).toMatch(/weights fp8/);
    const oss = await cliInProcess(["decode", "gpt-oss-120b", "--gpu", "H100", "--json"]);
    expect(oss.status, oss.stderr).toBe(0);
    expect(JSON.parse(oss.stdout).device).toMatch(/experts mxfp4/);
    const wide = await cliInProcess(["decode", "gpt-oss-120b", "--gpu", "H100", "--tp", "4", "--gpus", "4", "--weights", "fp16", "--json"]);
    expect(wide.status, wide.stderr).toBe(0);
    expect(JSON.parse(wide.stdout).device).not.toMatch(/mxfp4/);
  });
});


describe("values as typed", () => {
  it("a negative bandwidth is a value refused by name, not a missing flag value", async () => {
    const r = await cliInProcess(["decode", "llama2-7b", "--gpu", "H100", "--tp", "2", "--gpus", "16", "--network", "-5 Gb/s"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/network must be .* got "-5 Gb\/s"/);
  });
  it("precision names are case-insensitive, as GPU and model names are", async () => {
    const r = await cliInProcess(["decode", "llama2-7b", "--gpu", "H100", "--precision", "FP8", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).device).toMatch(/H100-SXM fp8/);
  });
});

describe("suanli decode --ep N without --gpus", () => {
  it("spans the N GPUs the experts need (attention tensor-parallel over them unless --tp 1)", async () => {
    const r = await cliInProcess(["decode", "deepseek-v2-lite", "--gpu", "H100", "--ep", "8", "--batch", "8"]);
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/on 8× H100-SXM .*\(tp 8, ep 8\)/);
    const dp = await cliInProcess(["decode", "deepseek-v2-lite", "--gpu", "H100", "--ep", "8", "--tp", "1", "--batch", "8"]);
    expect(dp.stdout.split("\n")[0]).toMatch(/on 8× H100-SXM .*\(tp 1, dp 8, ep 8\)/);
  });
});
