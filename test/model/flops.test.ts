import { describe, it, expect } from "vitest";
import { model } from "../../src/index.js";

describe("decodeFlops({context})", () => {
  it("llama2-70b by hand: 2 × matmul params + 2 × 64 heads × (128 + 128) × ctx × 80 layers", () => {
    const P = 68_976_648_192 - 32000 * 8192 - (80 * 2 + 1) * 8192; // minus input embedding and norms
    expect(model("llama2-70b").decodeFlops({ context: 4096 }).value).toBe(2 * P + 2 * 64 * 256 * 4096 * 80);
  });
  it("grows with context, and sliding windows stop the growth", () => {
    const l = model("llama3-8b");
    expect(l.decodeFlops({ context: 8192 }).value).toBeGreaterThan(l.decodeFlops({ context: 4096 }).value);
    const mi = model("mistral-7b");
    expect(mi.decodeFlops({ context: 16384 }).value).toBe(mi.decodeFlops({ context: 4096 }).value);
  });
  it("MoE counts only the active experts", () => {
    const m = model("mixtral-8x7b");
    expect(m.decodeFlops({ context: 1 }).value).toBeLessThan(2 * m.activeParams.value);
    expect(m.decodeFlops({ context: 1 }).value).toBeGreaterThan(2 * (m.activeParams.value - 2 * 32000 * 4096));
  });
});

describe("prefillFlops({prompt})", () => {
  it("a one-token prompt costs one decode step at context 1", () => {
    const m = model("qwen2-72b");
    expect(m.prefillFlops({ prompt: 1 }).value).toBe(m.decodeFlops({ context: 1 }).value);
  });
  it("is ≈ 2 × params × tokens plus the quadratic attention term", () => {
    const m = model("llama2-7b");
    const T = 4096;
    const attn = 2 * 32 * 256 * 32 * (T * (T + 1)) / 2;
    const v = m.prefillFlops({ prompt: T }).value;
    const P = m.params.value - 2 * 32000 * 4096; // without embedding and head
    expect(v - attn).toBeGreaterThan(0.999 * 2 * P * T); // P here still holds the norms (no matmul)
    expect(v - attn).toBeLessThan(2 * m.params.value * T);
  });
});

describe("kvRecompute({batch, seq})", () => {
  it("the article's 4096 × 80 × 8 × 4 × 8192 × 8192 under the MHA assumption", () => {
    const r = model("llama2-70b").mha().kvRecompute({ batch: 8, seq: 4096 });
    expect(r.flops.value).toBe(4096 * 80 * 8 * 4 * 8192 * 8192);
    expect(r.flops.value / 2 ** 40).toBe(640);
    expect(r.perKvByte.value).toBe(8192);
    expect(r.readElements.value).toBe(4096 * 80 * 2 * 8192 * 8192);
  });
  it("GQA saves 8× less recomputation", () => {
    const real = model("llama2-70b").kvRecompute({ batch: 8, seq: 4096 }).flops.value;
    expect(real * 8).toBe(model("llama2-70b").mha().kvRecompute({ batch: 8, seq: 4096 }).flops.value);
  });
});
