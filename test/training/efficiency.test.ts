import { describe, it, expect } from "vitest";
import { cluster, gpu, model, trainingMeasurements, predictTraining, calibrateTraining, gemmEfficiency, gemmEfficiencies, readTrainOptions } from "../../src/index.js";
import { castBytes, elementwiseBytes } from "../../src/training/traffic.js";
import { GPT3, gptArch } from "./fixtures.js";

// Narayanan et al. 2021 (arXiv:2104.04473) Table 1: 1.7B–1008B GPT on A100, 137–163 TFLOP/s per GPU.
const table1 = () => trainingMeasurements().filter((r) => r.source === "https://arxiv.org/abs/2104.04473");

describe("training defaults against Megatron-LM Table 1 (arXiv:2104.04473)", () => {
  it("every model size within 10 % of the published TFLOP/s per GPU", () => {
    const rows = table1();
    expect(rows.length).toBe(10);
    for (const r of rows) expect(Math.abs(predictTraining(r).value / r.value - 1), r.id).toBeLessThan(0.1);
  });
  it("utilisation grows with model size and passes 50 % of peak where the paper's does (163 TFLOP/s = 52 % at 530B and 1T)", () => {
    const [small, ...rest] = table1();
    const big = rest.filter((r) => r.value >= 160);
    expect(big.length).toBe(2);
    for (const r of big) expect(predictTraining(r).value / 312).toBeGreaterThan(0.5);
    expect(predictTraining(big[0]!).value).toBeGreaterThan(predictTraining(small!).value);
  });
  it("the shipped Ampere value is what calibrateTraining fits to Table 1 (scale within 2 % of 1)", () => {
    expect(Math.abs(calibrateTraining(table1()).scales["Ampere · 16-bit"]! - 1)).toBeLessThan(0.02);
  });
});

describe("gemmEfficiency(architecture, precision)", () => {
  it("every entry carries a source; each architecture/precision at most once; a fallback exists", () => {
    const all = gemmEfficiencies();
    expect(new Set(all.map((e) => `${e.architecture}/${e.precision}`)).size).toBe(all.length);
    for (const e of all) expect(e.source).toMatch(/^https:\/\//);
    expect(gemmEfficiency("Blackwell", "bf16").architecture).toBe("*");
  });
  it("fp16 and fp32 (TF32) take the bf16 entry; fp8 its own", () => {
    expect(gemmEfficiency("Hopper", "fp16")).toBe(gemmEfficiency("Hopper", "bf16"));
    expect(gemmEfficiency("Hopper", "fp32")).toBe(gemmEfficiency("Hopper", "bf16"));
    expect(gemmEfficiency("Hopper", "fp8").precision).toBe("fp8");
  });
  it("refuses efficiencies outside (0, 1], naming the option", () => {
    expect(() => readTrainOptions({ seq: 1, efficiency: 1.5 })).toThrow(/efficiency must be in \(0, 1\], got 1.5/);
    expect(() => readTrainOptions({ seq: 1, memoryEfficiency: 0 })).toThrow(/memoryEfficiency must be in \(0, 1\], got 0/);
  });
  it("options.efficiency overrides the default", () => {
    const cl = cluster(gpu("H100-SXM"), 8);
    const m = model("llama2-7b");
    expect(m.train({ seq: 4096, zero: 3 }).on(cl).step().times.efficiency).toBe(gemmEfficiency("Hopper", "bf16").value);
    expect(m.train({ seq: 4096, zero: 3, efficiency: 0.5 }).on(cl).step().times.efficiency).toBe(0.5);
  });
});

// Published end-to-end FP8 over BF16: 1.37× for Llama-3-70B with Megatron-LM on H100 (415 → 570
// TFLOPS, arXiv:2411.08719); 1.42× for a 13B GPT (Megatron-LM issue #396); 1.3–1.6× in general.
describe("FP8 training speedup over BF16", () => {
  const speedup = (name: string, n: number, tp: number, pp: number, seq: number) => {
    const cl = cluster(gpu("H100-SXM"), n).tp(tp).pp(pp).network("400 Gb/s");
    const o = { seq, microBatch: 1, globalBatch: 128, zero: 1, recompute: "selective" } as const;
    const b = model(name).train({ ...o, precision: "bf16" }).on(cl).step({ checkMemory: false });
    const f = model(name).train({ ...o, precision: "fp8" }).on(cl).step({ checkMemory: false });
    return b.times.step / f.times.step;
  };
  it("Llama-3-70B on 64 H100: 1.37× within 5 % (arXiv:2411.08719), not the 2× of the peaks", () => {
    expect(Math.abs(speedup("llama3-70b", 64, 4, 4, 8192) / 1.37 - 1)).toBeLessThan(0.05);
  });
  it("stays within the published 1.3–1.6× across model sizes", () => {
    for (const [name, n, tp, pp, seq] of [["llama2-7b", 8, 1, 1, 4096], ["llama2-13b", 8, 1, 1, 4096], ["llama3.1-405b", 128, 8, 8, 8192]] as const) {
      const x = speedup(name, n, tp, pp, seq);
      expect(x, name).toBeGreaterThan(1.3);
      expect(x, name).toBeLessThan(1.6);
    }
  });
  it("FP8 casts are counted for fp8 only, and do not shrink with the GEMMs", () => {
    const c = readTrainOptions({ seq: 2048, precision: "fp8", tp: 8 });
    expect(castBytes(GPT3, c, 1)).toBeGreaterThan(0);
    expect(castBytes(GPT3, readTrainOptions({ seq: 2048, precision: "bf16", tp: 8 }), 1)).toBe(0);
  });
});

describe("memory-bound kernels (traffic.ts)", () => {
  it("their bytes per token grow as h while matmul FLOPs grow as h²: the share falls with model size", () => {
    const c = readTrainOptions({ seq: 2048, flashAttention: true });
    const ratio = (h: number) => { const a = gptArch({ layers: 24, hidden: h, heads: h / 128, vocab: 51200 }); return elementwiseBytes(a, c, 1) / (24 * h * h * 2048); };
    expect(ratio(8192)).toBeLessThan(ratio(2048) / 3);
  });
  it("unfused attention adds the s² softmax and dropout traffic that FlashAttention keeps on chip", () => {
    const o = { seq: 2048, dropout: true, tp: 8 };
    expect(elementwiseBytes(GPT3, readTrainOptions({ ...o, flashAttention: false }), 1)).toBeGreaterThan(elementwiseBytes(GPT3, readTrainOptions({ ...o, flashAttention: true }), 1));
  });
  it("full recomputation repeats the forward's traffic: 3.5 / 2.5 ×", () => {
    const o = { seq: 2048, tp: 8, flashAttention: true };
    expect(elementwiseBytes(GPT3, readTrainOptions({ ...o, recompute: "full" }), 1) / elementwiseBytes(GPT3, readTrainOptions({ ...o, recompute: "none" }), 1)).toBeCloseTo(3.5 / 2.5, 12);
  });
  it("the matmuls turn weight-bound at a tiny micro-batch × seq (roofline), not at training shapes", () => {
    const cl = cluster(gpu("A100-SXM-80GB"), 8).tp(8);
    const m = model("llama2-70b");
    const at = (seq: number) => { const t = m.train({ seq, efficiency: 0.64 }).on(cl).step({ checkMemory: false }).times; return t.gemm / (t.flops.linear * seq / 8 / (0.64 * 312e12)); };
    expect(at(4096)).toBeCloseTo(1, 9);
    expect(at(16)).toBeGreaterThan(1.5);
  });
});
