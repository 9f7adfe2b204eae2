import { describe, it, expect } from "vitest";
import { model, gpu, cluster, SuanliError } from "../../src/index.js";
import { errorOf } from "../helpers.js";

const llama = model("llama2-70b");

const caught = errorOf;

describe("memory({ batch, context })", () => {
  it("weights per GPU are the weights over tp (plus 16-bit embedding tables)", () => {
    const m = llama.on(cluster(gpu("A800"), 8).tp(8)).memory({ batch: 1, context: 4096 });
    const w = llama.weights({ dtype: "fp16" }).value / 8;
    expect(m.weights.value / w).toBeGreaterThan(0.999);
    expect(m.weights.value / w).toBeLessThan(1.001);
    // KV: 80 layers × 1 kv head × 2 × 128 × 2 B × 4096 tokens
    expect(m.kv.value).toBe(80 * 2 * 128 * 2 * 4096);
    expect(m.reserve.value).toBe(2 * 2 ** 30);
    expect(llama.on(cluster(gpu("A800"), 8).tp(8)).reserve("8 GiB").memory({ batch: 1, context: 16 }).reserve.value).toBe(8 * 2 ** 30);
    expect(m.total.value).toBeCloseTo(m.weights.value + m.kv.value + m.activations.value + m.reserve.value, 0);
    expect(m.fits).toBe(true);
    expect(m.total.explain().evaluate()).toBeCloseTo(m.total.value, 0);
  });

  it("KV heads fewer than tp are replicated: one KV head per GPU at tp 16", () => {
    const e16 = llama.on(cluster(gpu("H20"), 16).tp(16).network("400 Gb/s"));
    expect(e16.shard.kvHeads).toBe(1);
    expect(e16.shard.kvReplicated).toBe(true);
    expect(e16.memory({ batch: 1, context: 1024 }).kv.value).toBe(llama.on(cluster(gpu("H20"), 8).tp(8)).memory({ batch: 1, context: 1024 }).kv.value);
  });

  it("maxBatch({ context }) and maxContext({ batch }) sit on the fit boundary", () => {
    const e = llama.on(cluster(gpu("A800"), 8).tp(8));
    const b = e.maxBatch({ context: 4096 });
    expect(b).toBeGreaterThan(100);
    expect(e.memory({ batch: b, context: 4096 }).fits).toBe(true);
    expect(e.memory({ batch: b + 1, context: 4096 }).fits).toBe(false);
    const c = e.maxContext({ batch: 8 });
    expect(e.memory({ batch: 8, context: c }).fits).toBe(true);
    expect(e.memory({ batch: 8, context: c + 1 }).fits).toBe(false);
    expect(llama.on(gpu("L4")).maxBatch({ context: 16 })).toBe(0);
  });

  it("refuses what does not fit, saying by how much and the largest batch", () => {
    const e = llama.on(gpu("A800"));
    const err = caught(() => e.decode({ batch: 1, context: 1024 }));
    expect(err.code).toBe("does-not-fit");
    expect(err.message).toMatch(/^batch 1 at context 1024 needs .* per GPU \(weights .*\) but A800-SXM-80GB has 80 GiB: .* over\. Nothing fits at this context/);
    const e8 = llama.on(cluster(gpu("A800"), 8).tp(8));
    expect(caught(() => e8.decode({ batch: 2000, context: 4096 })).message).toMatch(/over\. Largest batch at this context: \d+\.$/);
    expect(String(e8.memory({ batch: 2000, context: 4096 }))).toMatch(/over\)$/);
  });

  it("fp8 KV halves the cache and int4 weights carry group scales", () => {
    const e = llama.on(cluster(gpu("H20"), 8).tp(8));
    const kv16 = e.memory({ batch: 8, context: 4096 }).kv.value;
    expect(e.dtypes({ kv: "fp8" }).memory({ batch: 8, context: 4096 }).kv.value).toBe(kv16 / 2);
    const w16 = e.memory({ batch: 1, context: 16 }).weights.value;
    const w4 = e.dtypes({ weights: "int4" }).memory({ batch: 1, context: 16 }).weights.value;
    expect(w4 / w16).toBeGreaterThan(0.2578);
    expect(w4 / w16).toBeLessThan(0.27);
  });
});
