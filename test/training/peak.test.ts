/**
 * The stage's memory peak over a step (src/training/peak.ts), hand-walked, and Llama 3.1 405B at
 * Meta's published pre-training layout (Dubey et al. 2024, arXiv:2407.21783 Table 4: 16,384 H100,
 * TP 8, CP 1, PP 16, DP 128, seq 8192, 16 sequences per DP rank; §3.3.2: interleaved pipeline,
 * FSDP sharding optimizer states and gradients, 8K sequences pre-trained without activation
 * checkpointing).
 */
import { describe, expect, it } from "vitest";
import { cluster, gpu, model } from "../../src/index.js";
import { stagePeak } from "../../src/training/peak.js";
import { layerActivationBytes } from "../../src/training/activations.js";
import { expectClose } from "../helpers.js";

const GiB = 2 ** 30;

describe("stagePeak — the largest activations + gradients sum over the step's operations", () => {
  it("interleaved, m = p (Llama 3 405B: p 16, v 2, N 16, m 16): all 32 chunk forwards first, the peak after the first backward", () => {
    // Warm-up min(32, 2·15 + 1·16) = 32: every forward first (32 chunks held, no gradients: 32A).
    // Backward 0 runs chunk 1: 31 chunks + 1 chunk of gradients (31A + G); backward 16 starts chunk 0: 15A + 2G.
    const c = { pp: 16, accumulation: 16, interleave: 2, microbatchGroup: 16 };
    expect(stagePeak(c, 0, 2, 6.5)).toEqual({ chunks: 31, gradChunks: 1 }); // 31·2 + 6.5 = 68.5 > 64 > 43
    expect(stagePeak(c, 0, 2, 1)).toEqual({ chunks: 32, gradChunks: 0 }); // 64 > 63
    expect(stagePeak(c, 0, 1, 20)).toEqual({ chunks: 15, gradChunks: 2 }); // 15 + 40 = 55 > 31 + 20
  });
  it("1F1B with m > p holds p micro-batches with every gradient in the steady state: no saving", () => {
    // p 4, m 8, rank 0: F F F | F (4A) B (3A + G) F (4A + G) …
    expect(stagePeak({ pp: 4, accumulation: 8, interleave: 1, microbatchGroup: 4 }, 0, 1, 3)).toEqual({ chunks: 4, gradChunks: 1 });
    // the last rank: F (A) B (G) F (A + G) …
    expect(stagePeak({ pp: 4, accumulation: 8, interleave: 1, microbatchGroup: 4 }, 3, 1, 3)).toEqual({ chunks: 1, gradChunks: 1 });
  });
  it("one micro-batch, no pipeline: activations and gradients never add up (max(A, G))", () => {
    expect(stagePeak({ pp: 1, accumulation: 1, interleave: 1, microbatchGroup: 1 }, 0, 5, 3)).toEqual({ chunks: 1, gradChunks: 0 });
    expect(stagePeak({ pp: 1, accumulation: 1, interleave: 1, microbatchGroup: 1 }, 0, 3, 5)).toEqual({ chunks: 0, gradChunks: 1 });
  });
});

describe("Llama 3.1 405B at Meta's layout without recomputation", () => {
  const m = model("llama3.1-405b");
  const cl = cluster(gpu("H100-SXM").bf16(), 16384).tp(8).pp(16);
  const base = { seq: 8192, microBatch: 1, globalBatch: 2048, zero: 1, recompute: "none", interleave: 2 } as const;
  const persistent = m.train(base).on(cl).memory();
  const step = m.train({ ...base, gradBuffer: "step" }).on(cl).memory();

  it("per layer and token: 65,088 B on one GPU (GQA, SwiGLU, flash attention, SP over t = 8)", () => {
    // Per token, bf16 (e = 2), before ÷ t: two RMSNorm inputs + QKV input + MLP input 4eh = 131,072;
    // Q and K e(a + kv)·d = 2·136·128 = 34,816; V e·kv·d = 2,048; attention output e·a·d = 32,768;
    // SwiGLU [gate, up] and down-projection input 3eI = 6·53,248 = 319,488; fp32 log-sum-exp 4a = 512.
    // Sum 520,704 ÷ 8 = 65,088.
    const per = layerActivationBytes(m.arch, m.train(base).on(cl).config);
    expect(per).toBe(8192 * 65088);
  });
  it("persistent fp32 gradient buffer (Megatron-Core): 16 micro-batches × 8 layers of activations + all gradients: 87.1 GiB, out of memory", () => {
    // m = p = 16: the first stage runs all forwards before a backward and holds all 16 micro-batches (not 16·(1 + 15/32) = 23.5).
    expect(persistent.bytes.activations).toBe(16 * 8 * 8192 * 65088);
    expectClose(persistent.total.value / GiB, 87.14, 1e-3);
    expect(persistent.fits).toBe(false);
  });
  it("gradients held from each chunk's first backward to the step's reduce-scatter (FSDP): 31 chunks + half the gradients, 78.7 GiB, fits 80 GiB", () => {
    expect(step.bytes.activations).toBe((31 / 2) * 8 * 8192 * 65088);
    expect(step.bytes.gradients).toBe(persistent.bytes.gradients / 2);
    expectClose(step.total.value / GiB, 78.73, 1e-3);
    expect(step.fits).toBe(true);
  });
});

describe("gradBuffer and microbatchGroup options", () => {
  const m = model("llama2-7b");
  it("refuse a bad value naming it and what is accepted", () => {
    expect(() => m.train({ seq: 4096, gradBuffer: "lazy" })).toThrowError(/unknown training gradient buffer "lazy"; accepted: persistent, step/);
    expect(() => m.train({ seq: 4096, microbatchGroup: 0 })).toThrowError(/microbatchGroup/);
  });
  it("default: persistent, N = pp", () => {
    const c = m.train({ seq: 4096, pp: 4 }).config;
    expect(c.gradBuffer).toBe("persistent");
    expect(c.microbatchGroup).toBe(4);
  });
});

describe("maxMicroBatch says what limits it", () => {
  it("memory when a larger micro-batch runs out, the global batch when every divisor fits", async () => {
    const { cluster, gpu, model } = await import("../../src/index.js");
    const small = model("llama3-8b").train({ seq: 2048, globalBatch: 16, zero: 1, recompute: "full" }).on(cluster(gpu("H100"), 8).tp(8));
    const a = small.maxMicroBatch();
    expect(a.limit).toBe("global batch");
    expect(a.microBatch).toBe(16);
    expect(String(a)).toMatch(/every micro-batch the global batch allows fits/);
    const big = model("llama2-70b").train({ seq: 4096, zero: 1 }).on(cluster(gpu("H100"), 64).tp(8).pp(8));
    const b = big.maxMicroBatch();
    expect(b.limit).toBe("memory");
    expect(String(b)).toMatch(/runs out first/);
  });
});

describe("microbatchGroup without interleaving", () => {
  it("is refused instead of silently changing nothing", async () => {
    const { cluster, gpu, model } = await import("../../src/index.js");
    const t = () => model("llama3-8b").train({ seq: 2048, globalBatch: 64, microbatchGroup: 8 }).on(cluster(gpu("H100"), 16).pp(4)).memory();
    expect(t).toThrowError(/microbatchGroup 8 shapes the interleaved pipeline schedule only; with interleave 1 it changes nothing/);
    expect(() => model("llama3-8b").train({ seq: 2048, globalBatch: 64, interleave: 2, microbatchGroup: 8 }).on(cluster(gpu("H100"), 16).pp(4)).memory()).not.toThrow();
  });
});
