import { describe, it, expect } from "vitest";
import { model, gpu, cluster, SuanliError, InferenceEngine, DEFAULT_EFFICIENCY, NO_OVERHEAD } from "../../src/index.js";
import { errorOf } from "../helpers.js";

const llama = model("llama2-70b");
const h20x8 = (g = gpu("H20").fp8()) => llama.on(cluster(g, 8).tp(8));

const caught = errorOf;

describe("m.on(device)", () => {
  it("takes a Gpu or a Cluster and picks dtypes from the compute precision", () => {
    expect(llama.on(gpu("H200"))).toBeInstanceOf(InferenceEngine);
    expect(h20x8().dtypes()).toEqual({ weights: "fp8", kv: "fp8", group: 128 });
    expect(llama.on(cluster(gpu("A800"), 8).tp(8)).dtypes()).toEqual({ weights: "fp16", kv: "fp16", group: 128 });
    expect(h20x8().describe()).toBe("llama2-70b on 8× H20 fp8 (tp 8) · weights fp8 · kv fp8");
  });

  it("is immutable: .efficiency({...}) and .dtypes({...}) return new engines", () => {
    const e = h20x8();
    const f = e.efficiency({ memory: 0.5 });
    expect(e.efficiency().memory).toBe(0.8);
    expect(f.efficiency().memory).toBe(0.5);
    expect(e.dtypes({ weights: "int4" }).dtypes().weights).toBe("int4");
    expect(e.dtypes().weights).toBe("fp8");
    expect(Object.isFrozen(f)).toBe(true);
  });
});

describe("decode({ batch, context })", () => {
  it("at batch 1 takes ≈ weight bytes / achievable bandwidth, plus the all-reduces", () => {
    const e = llama.on(gpu("H200").fp8());
    // the roofline alone: no fixed per-GEMM or quantize launch latency (launches.ts)
    const d = e.overhead(NO_OVERHEAD).kernels({ gemmLatency: 0 }).decode({ batch: 1, context: 128 });
    const bytes = llama.params.value * 1; // fp8 weights
    const floor = bytes / (4.8e12 * 0.8);
    expect(d.time.value).toBeGreaterThan(floor);
    expect(d.time.value).toBeLessThan(floor * 1.1); // single GPU: no link, KV small
    expect(d.bound).toBe("memory");
    const tp = h20x8().kernels({ gemmLatency: 0 }).decode({ batch: 1, context: 128 });
    const weightTime = bytes / 8 / (4e12 * 0.8);
    expect(tp.split.memory).toBeGreaterThan(weightTime * 0.95);
    expect(tp.split.memory).toBeLessThan(weightTime * 1.15);
    expect(tp.split.link).toBeGreaterThan(0);
  });

  it("tokens/s grows with batch until memory runs out; time grows with context", () => {
    const e = h20x8(gpu("H20"));
    let last = 0;
    for (const batch of [1, 2, 4, 8, 16, 32, 64, 128, 256]) {
      const t = e.decode({ batch, context: 4096 }).tokensPerSecond;
      expect(t).toBeGreaterThan(last);
      last = t;
    }
    let prev = 0;
    for (const context of [256, 1024, 4096, 16384]) {
      const t = e.decode({ batch: 8, context }).time.value;
      expect(t).toBeGreaterThan(prev);
      prev = t;
    }
    const max = e.maxBatch({ context: 4096 });
    expect(() => e.decode({ batch: max, context: 4096 })).not.toThrow();
    expect(caught(() => e.decode({ batch: max + 1, context: 4096 })).code).toBe("does-not-fit");
  });

  it("per GPU tokens/s = total / GPUs, and dp replicas multiply the total", () => {
    const one = llama.on(cluster(gpu("H20").fp8(), 8).tp(8)).decode({ batch: 8, context: 2048 });
    const two = llama.on(cluster(gpu("H20").fp8(), 16).tp(8)).decode({ batch: 8, context: 2048 });
    expect(one.tokensPerSecondPerGpu).toBeCloseTo(one.tokensPerSecond / 8, 9);
    expect(two.tokensPerSecond).toBeCloseTo(2 * one.tokensPerSecond, 6);
  });

  it("the article's comparison: H20 beats A800 at batch 1; A800 FP16 overtakes H20 FP16 at large batch", () => {
    const h = h20x8(gpu("H20"));
    const a = llama.on(cluster(gpu("A800"), 8).tp(8));
    expect(h.decode({ batch: 1, context: 4096 }).tokensPerSecond).toBeGreaterThan(a.decode({ batch: 1, context: 4096 }).tokensPerSecond);
    expect(a.decode({ batch: 256, context: 4096 }).tokensPerSecond).toBeGreaterThan(h.decode({ batch: 256, context: 4096 }).tokensPerSecond);
    expect(h.decode({ batch: 256, context: 4096 }).bound).toBe("compute");
  });

  it("explains its time as a sum of operators that evaluates to the result", () => {
    const d = h20x8().decode({ batch: 8, context: 4096 });
    const x = d.time.explain();
    expect(x.text).toMatch(/mlp \(memory\)/);
    expect(x.text).toMatch(/all-reduce \(link\)/);
    expect(x.evaluate()).toBeCloseTo(d.time.value, 9);
    expect(String(d)).toMatch(/^decode batch 8 @ 4096: .* tok\/s .* memory-bound$/);
  });
});

describe("prefill({ batch, prompt })", () => {
  it("approaches the compute roof at large batch", () => {
    const e = model("llama3-8b").on(gpu("H100"));
    const p = e.prefill({ batch: 16, prompt: 2048 });
    expect(p.bound).toBe("compute");
    expect(p.utilization).toBeGreaterThan(0.6);
    expect(p.utilization).toBeLessThanOrEqual(DEFAULT_EFFICIENCY.compute + 1e-9);
    expect(e.prefill({ batch: 1, prompt: 16 }).utilization).toBeLessThan(0.2);
  });
});

describe("request({ prompt, output, batch })", () => {
  it("is prefill plus output − 1 decode steps", () => {
    const e = h20x8();
    const r = e.request({ prompt: 128, output: 3, batch: 4 });
    const ttft = e.prefill({ batch: 4, prompt: 128 }).time.value;
    const d = e.decode({ batch: 4, context: 129 }).time.value + e.decode({ batch: 4, context: 130 }).time.value;
    expect(r.ttft.value).toBeCloseTo(ttft, 12);
    expect(r.latency.value).toBeCloseTo(ttft + d, 12);
    expect(r.tokensPerSecond).toBeCloseTo((4 * 3) / (ttft + d), 6);
  });
});

describe("breakdown({ batch, context })", () => {
  it("returns an arquero table of the ops with what binds each", () => {
    const t = h20x8().breakdown({ batch: 8, context: 4096 });
    expect(t.columnNames()).toEqual(["op", "class", "count", "gflop", "mb", "intensity", "compute_us", "memory_us", "link_us", "time_us", "share", "bound"]);
    const ops = t.array("op") as string[];
    expect(ops).toEqual(["qkv", "attention", "attn out", "all-reduce", "mlp", "norms", "embedding", "lm head", "logits gather"]);
    const shares = (t.array("share") as number[]).reduce((a, b) => a + b, 0);
    expect(shares).toBeCloseTo(1, 9);
  });
});

describe("cost({ pricePerGpuHour, batch, context })", () => {
  it("tokens per dollar = tokens/s × 3600 ÷ (price × GPUs)", () => {
    const e = h20x8();
    const c = e.cost({ pricePerGpuHour: 2, batch: 16, context: 4096 });
    expect(c.tokensPerDollar).toBeCloseTo((c.tokensPerSecond * 3600) / 16, 6);
    expect(c.dollarsPerMillionTokens).toBeCloseTo(1e6 / c.tokensPerDollar, 9);
    expect(caught(() => e.cost({ pricePerGpuHour: 0, batch: 1, context: 10 })).message).toMatch(/pricePerGpuHour must be a finite number > 0, got 0/);
  });
});
