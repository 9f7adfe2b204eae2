import { describe, it, expect } from "vitest";
import { model, gpu, cluster, capacity } from "../../src/index.js";
import { parseVerb } from "../../src/cli/args.js";
import { VERBS } from "../../src/cli/verbs.js";
import { articleReport } from "../../src/report/article.js";
import { mimeBundle } from "../../src/notebook.js";
import { cliInProcess } from "../cli/run.js";

const e = model("llama2-7b").on(cluster(gpu("H100").fp8(), 1));

describe("capacity(...).interval(level)", () => {
  const w = { requests: 120, prompt: 512, output: 64, seed: 3 };
  const r = capacity(e, { workload: w, slo: { ttftP99: 0.5, tpotP99: 0.04 } });
  it("brackets the rate and tokens/s, wider at a higher level", () => {
    const i = r.interval();
    expect(i.rate.value).toBe(r.rate);
    expect(i.rate.low).toBeLessThanOrEqual(r.rate);
    expect(i.rate.high).toBeGreaterThanOrEqual(r.rate);
    expect(i.rate.low).toBeLessThan(i.rate.high);
    expect(i.tokensPerSecond.low).toBeLessThanOrEqual(r.tokensPerSecond);
    const w9 = r.interval(0.9);
    expect(w9.rate.high / w9.rate.low).toBeGreaterThanOrEqual(i.rate.high / i.rate.low - 1e-9);
    expect(String(i)).toMatch(/req\/s \(80 %: [\d.]+–[\d.]+ req\/s\)/);
  }, 60_000);
  it("rests on time-scaling: an engine whose every step takes twice as long has capacity(SLO ÷ 2) ÷ 2", () => {
    // one launch latency for every GEMM (no per-format quantize excess), so that doubling it doubles them all
    const base = e.kernels({ gemmLatency: e.rates().gemmLatency ?? 0 });
    const ef = base.efficiency();
    const ov = base.overhead();
    const slow = base.efficiency({ compute: ef.compute / 2, memory: ef.memory / 2, link: ef.link / 2 }).overhead({ perStep: ov.perStep * 2, perLayer: ov.perLayer * 2, perSequence: ov.perSequence * 2 }).kernels({ gemmLatency: 2 * (base.rates().gemmLatency ?? 0) });
    expect(slow.decode({ batch: 8, context: 1000 }).time.value).toBeCloseTo(2 * base.decode({ batch: 8, context: 1000 }).time.value, 12);
    const a = capacity(slow, { workload: w, slo: { ttftP99: 0.5, tpotP99: 0.04 } });
    const b = capacity(base, { workload: w, slo: { ttftP99: 0.25, tpotP99: 0.02 } });
    expect(a.rate).toBeGreaterThan(0);
    expect(a.rate).toBeCloseTo(b.rate / 2, 9);
    expect(a.tokensPerSecond).toBeCloseTo(b.tokensPerSecond / 2, 6);
  }, 60_000);
  it("refuses a level outside (0, 1)", () => {
    expect(() => r.interval(1)).toThrow(/got 1/);
  });
});

describe("--interval [LEVEL] on the command line", () => {
  it("parses bare (0.8), with a number, or as --interval=X; a following MODEL stays positional", () => {
    const decode = VERBS.find((v) => v.name === "decode")!;
    expect(parseVerb(decode, ["--interval", "llama2-7b"]).values.interval).toBe(0.8);
    expect(parseVerb(decode, ["llama2-7b", "--interval"]).values.interval).toBe(0.8);
    expect(parseVerb(decode, ["llama2-7b", "--interval", "0.9"]).values.interval).toBe(0.9);
    expect(parseVerb(decode, ["llama2-7b", "--interval=0.5"]).values.interval).toBe(0.5);
    expect(parseVerb(decode, ["llama2-7b", "--interval", "--batch", "8"]).values.batch).toBe(8);
  });
  it("decode prints the band, and --json carries it; a level ≥ 1 is refused naming it", async () => {
    const text = await cliInProcess(["decode", "llama2-7b", "--gpu", "H100", "--precision", "fp8", "--interval"]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/error band: [\d.]+ ms \(80 %: [\d.]+–[\d.]+ ms\) per token/);
    const json = JSON.parse((await cliInProcess(["decode", "llama2-7b", "--gpu", "H100", "--interval", "0.9", "--json"])).stdout);
    expect(json.interval.level).toBe(0.9);
    expect(json.interval.timePerToken_s.low).toBeLessThanOrEqual(json.timePerToken_s);
    expect(json.interval.timePerToken_s.high).toBeGreaterThanOrEqual(json.timePerToken_s);
    const bad = await cliInProcess(["decode", "llama2-7b", "--gpu", "H100", "--interval", "1.5"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--interval must be a level in (0, 1)");
    expect(bad.stderr).toContain("1.5");
    const plain = await cliInProcess(["decode", "llama2-7b", "--gpu", "H100"]);
    expect(plain.stdout).not.toContain("error band");
  });
  it("capacity prints the rate's band (text and JSON)", async () => {
    const args = ["capacity", "llama2-7b", "--gpu", "H100", "--precision", "fp8", "--requests", "100", "--prompt", "512", "--output", "64", "--ttft", "0.5", "--tpot", "0.05", "--interval"];
    const out = await cliInProcess(args);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/error band: [\d.]+ req\/s \(80 %: [\d.]+–[\d.]+ req\/s\)/);
    const j = JSON.parse((await cliInProcess([...args, "--json"])).stdout);
    expect(j.interval.rate_req_s_low).toBeLessThanOrEqual(j.rate_req_s);
    expect(j.interval.rate_req_s_high).toBeGreaterThanOrEqual(j.rate_req_s);
  }, 60_000);
  it("train prints the step's and run's bands", async () => {
    const out = await cliInProcess(["train", "llama2-7b", "--gpu", "A800", "--gpus", "64", "--tp", "8", "--context", "4096", "--tokens", "1e11", "--interval"]);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/error band: step [\d.]+ m?s \(80 %: [\d.]+–[\d.]+ m?s\), run .* GPU-hours \(80 %:/);
  });
});

describe("displays", () => {
  it("the article report prints its decode predictions with their bands", () => {
    const md = articleReport().toMarkdown();
    expect(md).toContain("Predictions with their error bands");
    expect(md).toMatch(/decode step, batch \d+ @ \d+, 8× H20 fp8: [\d.]+ ms \(80 %: [\d.]+–[\d.]+ ms\)/);
  });
  it("a notebook display of a result with interval() shows its band", async () => {
    const b = await mimeBundle(e.decode({ batch: 8, context: 4096 }));
    expect(String(b["text/plain"])).toMatch(/^decode batch 8 @ 4096: .*\n80 % band: [\d.]+ ms \(80 %: [\d.]+–[\d.]+ ms\)/);
  });
});
