import { describe, it, expect } from "vitest";
import { model } from "../../src/index.js";
import { matmulParams } from "../../src/model/params.js";
import { trainFlops } from "../../src/training/flops.js";
import { expectClose } from "../helpers.js";
import { GPT3, gptArch } from "./fixtures.js";

const P = (a: typeof GPT3) => matmulParams(a);

// Narayanan et al. 2021, "Efficient Large-Scale Language Model Training on GPU Clusters Using
// Megatron-LM" (arXiv:2104.04473) §5.1, eq. 3: with full activation recomputation one iteration
// costs F = 96·B·s·l·h²·(1 + s/(6h) + V/(16·l·h)) FLOPs (full s×s attention).
describe("trainFlops(arch, P, config) — Narayanan et al. 2021 eq. 3", () => {
  for (const a of [GPT3, gptArch({ layers: 128, hidden: 25600, heads: 160, vocab: 51200 })]) {
    it(`full recompute reproduces 96·s·l·h²(1 + s/6h + V/16lh) per sequence (h = ${a.hidden})`, () => {
      const s = 2048, l = a.layers, h = a.hidden, V = a.vocab;
      const f = trainFlops(a, P(a), { seq: s, recompute: "full", flashAttention: false, attentionFlops: "full" });
      expectClose(f.hardware * s, 96 * s * l * h * h * (1 + s / (6 * h) + V / (16 * l * h)), 1e-12);
    });
  }
  it("without recomputation: 72·s·l·h²(1 + s/6h + V/12lh) (3 passes, the same terms)", () => {
    const a = GPT3, s = 2048, l = a.layers, h = a.hidden, V = a.vocab;
    const f = trainFlops(a, P(a), { seq: s, recompute: "none", flashAttention: false, attentionFlops: "full" });
    expectClose(f.hardware * s, 72 * s * l * h * h * (1 + s / (6 * h) + V / (12 * l * h)), 1e-12);
    expect(f.hardware).toBe(f.model);
  });
  // §5.1: "training GPT-3 175B on 300B tokens on 1024 A100s at 140 TFLOP/s per GPU takes ≈ 34 days",
  // from end-to-end time ≈ 8·T·P / (n·X) (eq. 4).
  it("8·P per token with full recompute: GPT-3 on 300B tokens, 1024 GPUs at 140 TFLOP/s ≈ 34 days", () => {
    const f = trainFlops(GPT3, P(GPT3), { seq: 2048, recompute: "full", flashAttention: false, attentionFlops: "full" });
    const days = (f.hardware * 300e9) / (1024 * 140e12) / 86400;
    expect(days).toBeGreaterThan(33.5);
    expect(days).toBeLessThan(36); // eq. 4 drops the attention and logit terms (+ s/6h ≈ 2.8 %)
    expect(f.hardware / P(GPT3)).toBeCloseTo(8, 0);
  });
});

// Kaplan et al. 2020 §2.1, Hoffmann et al. 2022 (Chinchilla) App. F: ≈ 6N FLOPs per token + attention.
describe("trainFlops — 6N + attention", () => {
  it("llama2-70b at s = 4096: model FLOPs = 6·P_matmul + 3 × causal attention", () => {
    const m = model("llama2-70b");
    const Pm = matmulParams(m.arch);
    const f = trainFlops(m.arch, Pm, { seq: 4096, recompute: "none", flashAttention: false, attentionFlops: "causal" });
    const attn = 80 * 2 * 64 * 256 * (4097 / 2);
    expectClose(f.model, 6 * Pm + 3 * attn, 1e-12);
    expect(f.model / (6 * m.params.value)).toBeGreaterThan(1);
    expect(f.model / (6 * m.params.value)).toBeLessThan(1.1);
  });
  it("more recomputation → more FLOPs: none ≤ selective ≤ full", () => {
    const a = GPT3;
    const at = (recompute: "none" | "selective" | "full") => trainFlops(a, P(a), { seq: 2048, recompute, flashAttention: false, attentionFlops: "causal" }).hardware;
    expect(at("none")).toBeLessThan(at("selective"));
    expect(at("selective")).toBeLessThan(at("full"));
  });
  // Dao 2023, FlashAttention-2 (arXiv:2307.08691) §3.1.2, §4.1: the backward runs five matmuls to the
  // forward's two (S = QKᵀ recomputed, dV, dP, dQ, dK): backward = 2.5 × forward, 3.5 × in all;
  // full recomputation adds one more forward: 4.5 ×. Unfused attention: 3 × (4 × when recomputed).
  it("FlashAttention-2: attention core 3.5 × forward, 4.5 × with full recomputation; unfused 3 × / 4 ×", () => {
    const a = GPT3;
    const f = (recompute: "none" | "selective" | "full", flashAttention: boolean) => trainFlops(a, P(a), { seq: 2048, recompute, flashAttention, attentionFlops: "causal" });
    const A = f("none", true).attentionForward;
    expectClose(f("none", true).attention, 3.5 * A, 1e-12);
    expectClose(f("selective", true).attention, 3.5 * A, 1e-12);
    expectClose(f("full", true).attention, 4.5 * A, 1e-12);
    expectClose(f("none", false).attention, 3 * A, 1e-12);
    expectClose(f("selective", false).attention, 4 * A, 1e-12);
    expectClose(f("full", false).attention, 4 * A, 1e-12);
    expectClose(f("none", true).model, 3 * (f("none", true).linearForward + A), 1e-12);
  });
});
