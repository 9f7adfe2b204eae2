import { describe, expect, it } from "vitest";
import { cluster, fmhaSpeedup, fp8Compare, gpu, model } from "../../src/index.js";
import { h20 } from "./fixtures.js";

describe("fp8Compare(e, { batch, prompt, context })", () => {
  it("each FP8 switch is at least as fast and no larger", () => {
    const rows = fp8Compare(h20(), { batch: 8, prompt: 8192, context: 32768 });
    expect(rows.map((r) => r.config)).toEqual(["bf16", "fp8 gemm", "fp8 gemm+kv", "fp8 gemm+kv+fmha"]);
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]!.context_s).toBeLessThanOrEqual(rows[i - 1]!.context_s);
      expect(rows[i]!.generation_ms).toBeLessThanOrEqual(rows[i - 1]!.generation_ms);
      expect(rows[i]!.maxBatch).toBeGreaterThanOrEqual(rows[i - 1]!.maxBatch);
    }
    expect(rows[1]!.weights_GiB / rows[0]!.weights_GiB).toBeLessThan(0.55);
    expect(rows[2]!.kv_GiB / rows[1]!.kv_GiB).toBeCloseTo(0.5, 12);
  });
});

describe("fmhaSpeedup(e, { batch, seq })", () => {
  it("FP8 FMHA on H100: 2 × 0.84 (Hopper's FP8 factor) when compute-bound, ≈ 2× when memory-bound (the article's claim)", () => {
    const e = model("gpt3-175b").on(cluster(gpu("H100"), 8).tp(8));
    const s = fmhaSpeedup(e, { batch: 8, seq: 2048 });
    expect(s.context).toBeGreaterThan(1.6); // FlashAttention-3: ~1.2 PFLOP/s FP8 vs ~740 TFLOP/s BF16
    expect(s.context).toBeLessThanOrEqual(2 * 0.84 + 1e-12);
    expect(s.generation).toBeGreaterThan(1.9);
    expect(s.generation).toBeLessThanOrEqual(2);
  });
});
