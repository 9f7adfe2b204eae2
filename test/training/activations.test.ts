import { describe, it, expect } from "vitest";
import { model } from "../../src/index.js";
import { layerActivationBytes, layerTerms, inFlight, logitsActivationBytes } from "../../src/training/activations.js";
import { expectClose } from "../helpers.js";
import { cfg, GPT3 } from "./fixtures.js";

// Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer Models"
// (arXiv:2205.05198), Table 2: activation bytes per layer, GPT with dropout, 16-bit activations.
describe("layerActivationBytes(arch, config) — Korthikanti et al. 2022, Table 2", () => {
  const s = 2048, b = 1, h = GPT3.hidden, a = GPT3.heads, t = 8;
  const sbh = s * b * h;
  const paper = { dropout: true, flashAttention: false, seq: s, microBatch: b, tp: t };
  it("no recompute, no SP: sbh(10 + 24/t + 5as/(ht))", () => {
    expectClose(layerActivationBytes(GPT3, cfg({ ...paper, recompute: "none", sequenceParallel: false })), sbh * (10 + 24 / t + (5 * a * s) / (h * t)));
  });
  it("no recompute, SP: sbh/t × (34 + 5as/h)", () => {
    expectClose(layerActivationBytes(GPT3, cfg({ ...paper, recompute: "none", sequenceParallel: true })), (sbh / t) * (34 + (5 * a * s) / h));
  });
  it("selective, no SP: sbh(10 + 24/t)", () => {
    expectClose(layerActivationBytes(GPT3, cfg({ ...paper, recompute: "selective", sequenceParallel: false })), sbh * (10 + 24 / t));
  });
  it("selective + SP: 34·sbh/t", () => {
    expectClose(layerActivationBytes(GPT3, cfg({ ...paper, recompute: "selective", sequenceParallel: true })), (34 * sbh) / t);
  });
  it("full recompute: 2sbh (2sbh/t with SP)", () => {
    expectClose(layerActivationBytes(GPT3, cfg({ ...paper, recompute: "full", sequenceParallel: false })), 2 * sbh);
    expectClose(layerActivationBytes(GPT3, cfg({ ...paper, recompute: "full", sequenceParallel: true })), (2 * sbh) / t);
  });
  it("t = 1: 34sbh + 5as²b (§4.1)", () => {
    expectClose(layerActivationBytes(GPT3, cfg({ ...paper, tp: 1, recompute: "none" })), 34 * sbh + 5 * a * s * s * b);
  });
  it("§5 example: GPT-3 at s = 2048, selective + SP saves 5as/h ÷ (34 + 5as/h) = 70 % of the no-recompute memory", () => {
    const none = layerActivationBytes(GPT3, cfg({ ...paper, recompute: "none" }));
    const sel = layerActivationBytes(GPT3, cfg({ ...paper, recompute: "selective" }));
    // The paper: "for GPT-3 ... 5as/h = 80 … the attention core is 70 % of activation memory".
    expect((5 * a * s) / h).toBe(80);
    expectClose(1 - sel / none, 80 / 114, 1e-12);
  });
  it("the output layer: 4sbh/t × (1 + V/h) (§4.3)", () => {
    const V = GPT3.vocab;
    expectClose(logitsActivationBytes(GPT3, cfg({ ...paper })), ((4 * sbh) / t) * (1 + V / h));
  });
});

describe("layerTerms(arch) — GQA and gated-MLP adaptation", () => {
  it("llama2-70b: Q+K (64+8)·128, V 8·128, out-proj 64·128, SwiGLU 3·I, × 2 B; replicated 8h", () => {
    const A = model("llama2-70b").arch;
    const x = layerTerms(A, { dropout: false, activationBytes: 2, flashAttention: true });
    expect(x.replicated).toBe(8 * 8192);
    expect(x.split).toBe(2 * (72 * 128 + 8 * 128 + 64 * 128 + 3 * 28672) + 4 * 64);
    expect(x.perScore).toBe(0);
    // without flash and without dropout the softmax output alone is kept: 2·a bytes per score
    expect(layerTerms(A, { dropout: false, activationBytes: 2, flashAttention: false }).perScore).toBe(2 * 64);
  });
  it("an MHA plain-MLP architecture reproduces 10 + 24 (× sbh, t = 1)", () => {
    const x = layerTerms(GPT3, { dropout: true, activationBytes: 2, flashAttention: false });
    expect(x.replicated / GPT3.hidden).toBe(10);
    expect(x.split / GPT3.hidden).toBe(24);
    expect(x.perScore).toBe(5 * GPT3.heads);
  });
});

describe("layerActivationBytes — invariants", () => {
  it("with FlashAttention, selective recomputation saves nothing more than none", () => {
    expect(layerActivationBytes(GPT3, cfg({ tp: 8, recompute: "none", flashAttention: true }))).toBe(layerActivationBytes(GPT3, cfg({ tp: 8, recompute: "selective", flashAttention: true })));
  });
  it("is linear in microBatch", () => {
    const one = layerActivationBytes(GPT3, cfg({ microBatch: 1, recompute: "none", flashAttention: false }));
    expectClose(layerActivationBytes(GPT3, cfg({ microBatch: 7, recompute: "none", flashAttention: false })), 7 * one);
  });
});

describe("inFlight({pp, accumulation, interleave}) — Korthikanti §4.2.3", () => {
  it("1F1B: the first stage holds min(p, m) micro-batches", () => {
    expect(inFlight({ pp: 8, accumulation: 32, interleave: 1 })).toBe(8);
    expect(inFlight({ pp: 8, accumulation: 3, interleave: 1 })).toBe(3);
  });
  it("interleaved: × (1 + (p−1)/(p·v))", () => {
    expectClose(inFlight({ pp: 8, accumulation: 32, interleave: 2 }), 8 * (1 + 7 / 16));
  });
  // Megatron-Core forward_backward_pipelining_with_interleaving: warm-up 2(p − r − 1) + (v − 1)·N
  // chunk forwards, capped at m·v, + 1 before the first backward; chunks ÷ v = micro-batches.
  it("interleaved never holds more than the step's m micro-batches (m = p: all forwards first)", () => {
    // Llama 3 405B, Table 4 of arXiv:2407.21783: p 16, 16 sequences per DP rank. Warm-up 2·15 + 1·16 = 46 ≥ m·v = 32.
    expect(inFlight({ pp: 16, accumulation: 16, interleave: 2 })).toBe(16);
    // p 8, m 10, v 2: min(20, 14 + 8 + 1) / 2 = 10, not 8·(1 + 7/16) = 11.5
    expect(inFlight({ pp: 8, accumulation: 10, interleave: 2 })).toBe(10);
    expect(inFlight({ pp: 8, accumulation: 3, interleave: 2 })).toBe(3);
  });
  it("interleaved with N micro-batches per chunk group: (2(p − 1) + (v − 1)·N + 1) / v", () => {
    // p 16, v 2, N 32, m 64: (30 + 32 + 1) / 2 = 31.5
    expect(inFlight({ pp: 16, accumulation: 64, interleave: 2, microbatchGroup: 32 })).toBe(31.5);
    // p 4, v 4, N 4, m 8: min(32, 6 + 12 + 1) / 4 = 4.75 = 4·(1 + 3/16)
    expect(inFlight({ pp: 4, accumulation: 8, interleave: 4, microbatchGroup: 4 })).toBe(4.75);
  });
  it("rank r: 1F1B min(p − r, m); interleaved the last rank (v − 1)·N + 1 chunks", () => {
    expect(inFlight({ pp: 8, accumulation: 32, interleave: 1 }, 7)).toBe(1);
    expect(inFlight({ pp: 8, accumulation: 32, interleave: 1 }, 3)).toBe(5);
    // p 8, v 2, N 8, r 7: (0 + 8 + 1) / 2 = 4.5
    expect(inFlight({ pp: 8, accumulation: 32, interleave: 2 }, 7)).toBe(4.5);
  });
});
