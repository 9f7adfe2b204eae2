import { describe, expect, it } from "vitest";
import { COMPUTE_FACTORS, GEMM_LIBRARIES, SuanliError, cluster, gemmLibraryFactor, gpu, model } from "../../src/index.js";

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };

describe("GEMM_LIBRARIES (FP8 GEMM fraction ÷ 16-bit fraction by kernel library)", () => {
  it("each factor is a fraction inside its own quartiles, with a source", () => {
    for (const [name, lib] of Object.entries(GEMM_LIBRARIES)) {
      for (const [arch, f] of Object.entries(lib.fp8)) {
        const [lo, hi] = lib.spread[arch]!;
        expect(f, `${name} ${arch}`).toBeGreaterThan(0);
        expect(f, `${name} ${arch}`).toBeLessThanOrEqual(1);
        expect(lo, `${name} ${arch}`).toBeLessThanOrEqual(f);
        expect(hi, `${name} ${arch}`).toBeGreaterThanOrEqual(f);
      }
      expect(lib.source, name).toMatch(/https:\/\/github\.com\//);
    }
  });

  it("TensorRT-LLM's entry is the Hopper generation factor, and DeepGEMM's lies inside its spread", () => {
    expect(GEMM_LIBRARIES["TensorRT-LLM"]!.fp8.Hopper).toBe(COMPUTE_FACTORS.Hopper!.fp8);
    const [lo, hi] = GEMM_LIBRARIES["TensorRT-LLM"]!.spread.Hopper!;
    const dg = GEMM_LIBRARIES.DeepGEMM!.fp8.Hopper!;
    expect(dg).toBeGreaterThanOrEqual(lo);
    expect(dg).toBeLessThanOrEqual(hi);
  });

  it("DeepGEMM's own table gives the same factor: its H800 prefill shapes over the 1979 TFLOPS FP8 peak, over 16-bit's 0.75", () => {
    // github.com/deepseek-ai/DeepGEMM README.md at 327ec92, "Performance": M 4096 normal GEMMs, then contiguous grouped GEMMs (TFLOPS)
    const tflops = [1009, 1125, 751, 1426, 1265, 1168, 1346, 1214, 1346, 1214];
    const fraction = median(tflops) / 1979;
    expect(fraction).toBeCloseTo(0.61, 2);
    expect(Math.abs(fraction / 0.75 - GEMM_LIBRARIES.DeepGEMM!.fp8.Hopper!)).toBeLessThan(0.02);
  });

  it("gives a factor only at fp8 and only on a listed generation", () => {
    expect(gemmLibraryFactor("DeepGEMM", "Hopper", "fp8")).toBe(0.81);
    expect(gemmLibraryFactor("DeepGEMM", "Hopper", "bf16")).toBeUndefined();
    expect(gemmLibraryFactor("DeepGEMM", "Blackwell", "fp8")).toBeUndefined();
    expect(gemmLibraryFactor(undefined, "Hopper", "fp8")).toBeUndefined();
    expect(gemmLibraryFactor({ fp8: 0.5 }, "Blackwell", "fp8")).toBe(0.5);
  });
});

describe("engine.gemmLibrary()", () => {
  const h100 = (p: "fp8" | "bf16") => model("llama2-70b").on(cluster(gpu("H100").precision(p), 8).tp(8));

  it("scales the FP8 GEMM rate by the library's factor over the generation's, and leaves the rest", () => {
    const base = h100("fp8");
    const dg = base.gemmLibrary("DeepGEMM");
    expect(base.gemmLibrary()).toBeUndefined();
    expect(dg.gemmLibrary()).toBe("DeepGEMM");
    // names match without regard to case, as gpu() and model() do
    expect(base.gemmLibrary("deepgemm").gemmLibrary()).toBe("DeepGEMM");
    expect(dg.rates().gemm / base.rates().gemm).toBeCloseTo(0.81 / 0.84, 10);
    expect(dg.rates().attention).toBe(base.rates().attention);
    expect(dg.rates().memory).toBe(base.rates().memory);
    // a compute-bound prefill takes longer at the lower GEMM rate
    expect(dg.prefill({ batch: 8, prompt: 4096 }).tokensPerSecond).toBeLessThan(base.prefill({ batch: 8, prompt: 4096 }).tokensPerSecond);
  });

  it("leaves 16-bit GEMMs and unlisted generations at the generation factor; { fp8 } overrides", () => {
    expect(h100("bf16").gemmLibrary("DeepGEMM").rates().gemm).toBe(h100("bf16").rates().gemm);
    const b200 = model("llama2-70b").on(cluster(gpu("B200").precision("fp8"), 8).tp(8));
    expect(b200.gemmLibrary("DeepGEMM").rates().gemm).toBe(b200.rates().gemm);
    expect(h100("fp8").gemmLibrary({ fp8: 0.42 }).rates().gemm / h100("fp8").rates().gemm).toBeCloseTo(0.42 / 0.84, 10);
  });

  it("refuses an unknown library or a bad factor, naming it", () => {
    expect(() => h100("fp8").gemmLibrary("cuBLASX")).toThrow(SuanliError);
    expect(() => h100("fp8").gemmLibrary("cuBLASX")).toThrow(/"cuBLASX".*known: DeepGEMM/);
    expect(() => h100("fp8").gemmLibrary({ fp8: 1.5 })).toThrow(/gemmLibrary\.fp8/);
    expect(() => h100("fp8").gemmLibrary({ fp9: 1 } as never)).toThrow(/library name or \{ fp8: factor \}/);
  });
});
