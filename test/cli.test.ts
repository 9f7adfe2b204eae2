import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

// The CLI is tested as a user runs it: the built dist/cli.js (npm test builds first).
const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });

describe("suanli CLI", () => {
  it("reproduce prints every claim with a verdict", () => {
    const r = run("reproduce");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("kv-article");
    expect(r.stdout).toContain("UNIT SLIP");
    expect(r.stdout).toContain("2 (K, V) × 80 layers × 8192 (64 kv heads × 128) × 4096 tokens × 8 batch × 2 B = 80 GiB");
  });
  it("reproduce --json has the documented shape", () => {
    const j = JSON.parse(run("reproduce", "--json").stdout);
    expect(Object.keys(j)).toEqual(["article", "summary", "claims"]);
    expect(Object.keys(j.claims[0])).toEqual(expect.arrayContaining(["id", "section", "claimZh", "claimEn", "stated", "kit", "kitValue", "kitUnit", "verdict", "reason", "derivation"]));
  });
  it("gpus, models and kv, as text and JSON", () => {
    expect(run("gpus").stdout).toContain("H20");
    expect(JSON.parse(run("models", "--json").stdout).find((m: { id: string }) => m.id === "llama2-70b").params_B).toBeCloseTo(68.98, 2);
    expect(JSON.parse(run("kv", "llama2-70b", "--batch", "8", "--seq", "4096", "--json").stdout).bytes).toBe(10 * 2 ** 30);
    expect(JSON.parse(run("kv", "llama2-70b", "--batch", "8", "--seq", "4096", "--mha", "--json").stdout).bytes).toBe(80 * 2 ** 30);
    expect(JSON.parse(run("kv", "llama2-70b", "--batch", "8", "--seq", "4096", "--dtype", "fp8", "--json").stdout).bytes).toBe(5 * 2 ** 30);
  });
  it("--help for every command", () => {
    for (const c of ["reproduce", "gpus", "models", "kv"]) expect(run(c, "--help").stdout).toContain("usage: suanli");
    expect(run("--help").stdout).toContain("commands:");
  });
  it("bad input: one line on stderr, exit 2, no stack trace", () => {
    for (const args of [["kv", "llama2-80b", "--batch", "1", "--seq", "1"], ["kv", "llama2-70b", "--batch", "0", "--seq", "1"], ["frobnicate"], ["kv", "llama2-70b", "--nope"]]) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^suanli: /);
      expect(r.stderr).not.toContain("    at ");
    }
  });
});
