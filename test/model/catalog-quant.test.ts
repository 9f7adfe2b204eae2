import { describe, it, expect } from "vitest";
import { cluster, gpu, model } from "../../src/index.js";
import { parseHFConfig } from "../../src/model/config.js";
import { readJson } from "../../src/data/paths.js";

describe("ModelOpt hf_quant_config.json beside a config (NVIDIA NVFP4 re-quantizations)", () => {
  it("deepseek-v3.1 (nvidia/DeepSeek-V3.1-NVFP4) is read as NVFP4, 16 FP4 values per FP8 scale = 4.5 bits", () => {
    const q = model("deepseek-v3.1").arch.quantization!;
    expect(q).toEqual({ method: "nvfp4", bitsPerWeight: 4.5, scope: "linear" });
    // the stored sidecar says so itself
    expect((readJson("models", "deepseek-v3.1.hf_quant_config.json") as { quantization: { quant_algo: string; group_size: number } }).quantization).toMatchObject({ quant_algo: "NVFP4", group_size: 16 });
  });
  it("is served with fp4 weights by default, on Hopper too (weight-only), and an explicit weights option replaces it", () => {
    const e = model("deepseek-v3.1").on(cluster(gpu("H200").fp8(), 8).tp(8));
    expect(e.describe()).toMatch(/weights fp4/);
    const fp8 = e.dtypes({ weights: "fp8" });
    // the same layout at fp8 weights holds ≈ 1 / 0.5625 of the linear-layer bytes
    const w4 = e.memory({ batch: 1, context: 4096 }).weights.value;
    const w8 = fp8.memory({ batch: 1, context: 4096 }).weights.value;
    expect(w8 / w4).toBeGreaterThan(1.6);
    expect(w8 / w4).toBeLessThan(1 / 0.5625);
  });
  it("without the sidecar the same config is a bf16 checkpoint; deepseek-ai's FP8 V3.1 is not an alias of the NVFP4 entry", () => {
    const raw = readJson("models", "deepseek-v3.1.config.json");
    expect(parseHFConfig(raw, "v3.1").quantization).toBeUndefined();
    expect(() => model("deepseek-ai/DeepSeek-V3.1")).toThrowError(/unknown model/i);
    expect(model("nvidia/DeepSeek-V3.1-NVFP4").id).toBe("deepseek-v3.1");
  });
});
