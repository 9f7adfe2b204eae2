import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// As a user runs it: the built dist/cli.js (npm test builds first).
const cli = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });

describe("suanli capacity | plan", () => {
  it("capacity --json reports a rate meeting the targets and the offline throughput", () => {
    const r = run("capacity", "llama3.1-8b", "--gpu", "H100", "--requests", "200", "--prompt", "512", "--output", "64", "--ttft", "1", "--tpot", "0.05", "--json");
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.rate_req_s).toBeGreaterThan(0);
    expect(j.ttft_p99_s).toBeLessThanOrEqual(1);
    expect(j.offline_tokens_s).toBeGreaterThan(0);
  });
  it("capacity with an SLO no rate meets prints rate 0 and the reason", () => {
    const r = run("capacity", "llama3.1-8b", "--gpu", "H100", "--requests", "50", "--ttft", "0.0001");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/rate 0: even a lone request waits/);
  });
  it("capacity --trace refuses a negative length in one line, exit 2", () => {
    const f = join(mkdtempSync(join(tmpdir(), "suanli-")), "t.csv");
    writeFileSync(f, "arrival,prompt,output\n0,100,10\n1,-3,10\n");
    const r = run("capacity", "llama3.1-8b", "--gpu", "H100", "--trace", f, "--ttft", "1");
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('suanli: trace line 3: prompt is "-3"; expected an integer number of tokens ≥ 1');
  });
  it("plan prints the frontier; --json gives the layouts and rows; --help", () => {
    const r = run("plan", "llama3.1-70b", "--gpu", "H100", "--gpus", "8", "--json");
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.layouts).toBeGreaterThan(5);
    expect(j.rows.every((x: { frontier: boolean; meets_slo: boolean }) => x.frontier && x.meets_slo)).toBe(true);
    expect(run("plan", "llama3.1-70b", "--gpu", "H100", "--gpus", "8").stdout).toContain("Pareto frontier");
    expect(run("plan", "--help").stdout).toContain("usage: suanli plan");
    expect(run("capacity", "--help").stdout).toContain("usage: suanli capacity");
  });
});

describe("suanli plan with targets no layout meets", () => {
  it("says what the best candidates reach instead of an empty table alone", async () => {
    const { cliInProcess } = await import("../cli/run.js");
    const r = await cliInProcess(["plan", "llama2-7b", "--gpu", "H100", "--gpus", "2", "--tpot", "0.00001"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no layout meets the targets: the fastest first token any candidate reaches is [\d.]+ s .* fastest time per output token [\d.]+ ms/);
  });
});

describe("suanli capacity --clients", () => {
  it("prints the closed-loop curve, one row per client count; refuses an SLO flag beside it", async () => {
    const { cliInProcess } = await import("../cli/run.js");
    const r = await cliInProcess(["capacity", "llama3.1-8b", "--gpu", "H100", "--clients", "1,8", "--prompt", "512", "--output", "64", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.rows.map((x: { clients: number }) => x.clients)).toEqual([1, 8]);
    expect(j.rows[1].tokens_s_per_gpu).toBeGreaterThan(j.rows[0].tokens_s_per_gpu);
    expect(j.rows[1].tokens_s_per_user).toBeLessThan(j.rows[0].tokens_s_per_user);
    const bad = await cliInProcess(["capacity", "llama3.1-8b", "--gpu", "H100", "--clients", "4", "--ttft", "1"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe("suanli: capacity: --clients runs a closed loop of clients with no SLO or batch cap; drop --ttft");
  });
});
