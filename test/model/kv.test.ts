import { describe, it, expect } from "vitest";
import { model } from "../../src/index.js";
import { errorOf } from "../helpers.js";

// Hand-computed: 2 (K, V) × layers × kv_heads × head_dim × tokens × batch × bytes.
describe("kv({batch, seq, dtype}) — counted layer by layer", () => {
  it("GQA: llama2-70b keeps 8 KV heads, not 64", () => {
    const kv = model("llama2-70b").kv({ batch: 8, seq: 4096 });
    expect(kv.value).toBe(2 * 80 * 8 * 128 * 4096 * 8 * 2);
    expect(kv.format()).toBe("10 GiB");
  });
  it("mha(): the article's assumption, every head its own K and V", () => {
    const kv = model("llama2-70b").mha().kv({ batch: 8, seq: 4096 });
    expect(kv.value).toBe(2 * 80 * 8192 * 4096 * 8 * 2);
    expect(kv.format()).toBe("80 GiB");
    expect(kv.format({ system: "decimal" })).toBe("85.9 GB");
  });
  it("MHA model: llama2-7b, mha() changes nothing", () => {
    const m = model("llama2-7b");
    expect(m.kv({ batch: 1, seq: 4096 }).value).toBe(2 * 32 * 4096 * 4096 * 2);
    expect(m.mha().kv({ batch: 1, seq: 4096 }).value).toBe(m.kv({ batch: 1, seq: 4096 }).value);
  });
  it("MQA: falcon-7b keeps one K/V head of 64", () => {
    expect(model("falcon-7b").arch.attention).toBe("mqa");
    expect(model("falcon-7b").kv({ batch: 1, seq: 2048 }).value).toBe(2 * 32 * 1 * 64 * 2048 * 2);
  });
  it("MLA: deepseek-v3 caches the 512-wide latent plus the 64-wide RoPE key per layer", () => {
    expect(model("deepseek-v3").kv({ batch: 1, seq: 4096 }).value).toBe(61 * (512 + 64) * 4096 * 2);
    // not 2 × 128 heads × 192: the common miscount is 57× larger
    expect(model("deepseek-v3").mha().kv({ batch: 1, seq: 4096 }).value).toBe(61 * 128 * (192 + 128) * 4096 * 2);
  });
  it("sliding window: gemma2-9b's even layers keep 4096 tokens, odd layers all", () => {
    const perTokenLayer = 2 * 8 * 256 * 2;
    expect(model("gemma2-9b").kv({ batch: 1, seq: 8192 }).value).toBe(21 * 4096 * perTokenLayer + 21 * 8192 * perTokenLayer);
    expect(model("gemma2-9b").kv({ batch: 1, seq: 4096 }).value).toBe(42 * 4096 * perTokenLayer);
    const layers = model("gemma2-9b").kv({ batch: 1, seq: 8192 }).perLayer;
    expect(layers[0]).toBe(4096 * perTokenLayer);
    expect(layers[1]).toBe(8192 * perTokenLayer);
  });
  it("sliding window: mistral-7b v0.1 keeps at most 4096 tokens in every layer", () => {
    const m = model("mistral-7b");
    expect(m.kv({ batch: 1, seq: 8192 }).value).toBe(m.kv({ batch: 1, seq: 4096 }).value);
    expect(m.kv({ batch: 1, seq: 4096 }).value).toBe(32 * 4096 * 2 * 8 * 128 * 2);
  });
  it("dtype: fp8 and int8 halve fp16, bf16 equals it", () => {
    const m = model("llama3-8b");
    const f16 = m.kv({ batch: 4, seq: 1000 }).value;
    expect(m.kv({ batch: 4, seq: 1000, dtype: "fp8" }).value).toBe(f16 / 2);
    expect(m.kv({ batch: 4, seq: 1000, dtype: "int8" }).value).toBe(f16 / 2);
    expect(m.kv({ batch: 4, seq: 1000, dtype: "bf16" }).value).toBe(f16);
  });
  it("is linear in batch", () => {
    const m = model("qwen2-72b");
    expect(m.kv({ batch: 7, seq: 3000 }).value).toBe(7 * m.kv({ batch: 1, seq: 3000 }).value);
  });
  it("perToken and perLayer add up", () => {
    const kv = model("llama2-70b").kv({ batch: 2, seq: 100 });
    expect(kv.perLayer.reduce((a, b) => a + b, 0)).toBe(kv.value);
    expect(kv.perToken.value * 2 * 100).toBe(kv.value);
  });
  it("StreamingLLM window + sinks caps every layer", () => {
    const m = model("llama2-70b");
    expect(m.kv({ batch: 1, seq: 4096, window: 1020, sinks: 4 }).value).toBe(m.kv({ batch: 1, seq: 1024 }).value);
  });
  it("refuses bad batch, seq, dtype and windows, naming them", () => {
    const m = model("llama2-70b");
    expect(errorOf(() => m.kv({ batch: 0, seq: 4096 })).message).toBe("batch must be a positive integer, got 0");
    expect(errorOf(() => m.kv({ batch: 1, seq: 1.5 })).message).toBe("seq must be a positive integer, got 1.5");
    expect(errorOf(() => m.kv({ batch: 1, seq: NaN })).message).toContain("seq must be a positive integer");
    expect(errorOf(() => m.kv({ batch: 1, seq: 10, dtype: "fp7" })).message).toContain('unknown KV dtype "fp7"; accepted: fp64');
    expect(errorOf(() => m.kv({ batch: 1, seq: 100, window: 200 })).message).toContain("exceeds seq");
  });
  it("does not mutate the model", () => {
    const m = model("llama2-70b");
    m.mha();
    expect(m.arch.kvHeads).toBe(8);
    expect(Object.isFrozen(m)).toBe(true);
  });
});
