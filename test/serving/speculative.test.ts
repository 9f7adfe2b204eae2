import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { cluster, gpu, model } from "../../src/index.js";
import { stepRows } from "../../src/inference/roofline.js";
import { acceptanceFromLength, expectedTokens, speculative } from "../../src/serving/speculative.js";
import { errorOf, expectClose } from "../helpers.js";

const c = cluster(gpu("H100"), 8).tp(8);
const target = model("llama3.1-70b").on(c);
const draft = model("llama3.1-8b").on(c);

describe("speculative(engine, { draft, accept, tokens })", () => {
  it("expectedTokens(α, k) is (1 − α^(k+1)) / (1 − α): 1 at α = 0, k + 1 at α = 1", () => {
    expect(expectedTokens(0, 4)).toBe(1);
    expect(expectedTokens(1, 4)).toBe(5);
    expectClose(expectedTokens(0.5, 2), 1 + 0.5 + 0.25);
  });

  it("speedup ≤ 1 at acceptance 0, whatever the batch", () => {
    const s = speculative(target, { draft, accept: 0, tokens: 4 });
    for (const batch of [1, 8, 64]) expect(s.speedup({ batch, context: 2048 }).speedup).toBeLessThanOrEqual(1);
  });

  it("speedup > 1 at high acceptance and batch 1, for a draft model and for MTP heads", () => {
    expect(speculative(target, { draft, accept: 0.9, tokens: 4 }).speedup({ batch: 1, context: 2048 }).speedup).toBeGreaterThan(1);
    expect(speculative(target, { draft: { mtp: 1 }, accept: 0.85 }).speedup({ batch: 1, context: 2048 }).speedup).toBeGreaterThan(1);
  });

  it(".speedup({ batch }) falls as the batch grows, and breakEven says where it stops paying", () => {
    const s = speculative(target, { draft, accept: 0.8, tokens: 4 });
    const at = (batch: number) => s.speedup({ batch, context: 2048 }).speedup;
    expect(at(1)).toBeGreaterThan(at(64));
    expect(at(64)).toBeGreaterThan(at(512));
    const b = s.breakEven({ context: 2048 });
    expect(b).toBeGreaterThanOrEqual(1);
    expect(at(b)).toBeGreaterThan(1);
    // no larger power of two that fits pays
    for (let x = 2 * b; x <= 512; x *= 2) expect(at(x)).toBeLessThanOrEqual(1);
  });

  it("prices the verify step with the engine: k + 1 tokens per sequence at the current context", () => {
    const p = speculative(target, { draft, accept: 0.7, tokens: 3 }).speedup({ batch: 4, context: 1000 });
    expectClose(p.verifyTime, target.stepTime({ batch: 4, tokens: 4, past: 1000 }).total);
    expectClose(p.baselineTime, target.decode({ batch: 4, context: 1000 }).time.value);
    expectClose(p.draftTime, 3 * draft.decode({ batch: 4, context: 1000 }).time.value);
    expectClose(p.speedup, (p.tokensPerStep * p.baselineTime) / p.stepTime);
  });

  it("refuses a draft with another vocabulary, and an acceptance outside [0, 1]", () => {
    const other = model("llama2-7b").on(c);
    expect(errorOf(() => speculative(target, { draft: other, accept: 0.8 })).message).toMatch(/llama2-7b has a vocabulary of 32000 tokens but llama3.1-70b has 128256/);
    expect(errorOf(() => speculative(target, { draft, accept: 1.2 })).message).toBe("accept must be an acceptance rate in [0, 1], got 1.2");
    expect(errorOf(() => speculative(target, { draft, accept: -0.1 })).value).toBe(-0.1);
    expect(errorOf(() => speculative(target, { draft: { mtp: 0 }, accept: 0.5 })).message).toMatch(/draft.mtp must be a positive integer, got 0/);
  });

  it("acceptLength τ (tokens per verify step, as papers report it) is solved for α by (1 − α^(k+1)) / (1 − α) = τ", () => {
    for (const k of [1, 3, 5]) {
      for (const tau of [1.2, 1.9, Math.min(2.8, k + 0.9)]) expectClose(expectedTokens(acceptanceFromLength(tau, k), k), tau, 1e-9);
      expect(acceptanceFromLength(1, k)).toBe(0);
      expect(acceptanceFromLength(k + 1, k)).toBe(1);
    }
    // k = 1: τ = 1 + α, so τ 1.92 is α 0.92
    expectClose(acceptanceFromLength(1.92, 1), 0.92, 1e-9);
    const s = speculative(target, { draft: { mtp: 3 }, acceptLength: 2.82 });
    expectClose(s.tokensPerStep, 2.82, 1e-9);
    expectClose(s.speedup({ batch: 1, context: 2048 }).speedup, speculative(target, { draft: { mtp: 3 }, accept: s.accept }).speedup({ batch: 1, context: 2048 }).speedup);
  });

  it("refuses an impossible acceptLength by name, and accept given with acceptLength or neither", () => {
    expect(errorOf(() => speculative(target, { draft: { mtp: 3 }, acceptLength: 4.5 })).message).toBe("acceptLength must be the mean tokens a verify step emits, in [1, 4] with 3 drafted tokens, got 4.5");
    expect(errorOf(() => speculative(target, { draft, acceptLength: 0.9, tokens: 1 })).message).toMatch(/in \[1, 2\] with 1 drafted token, got 0.9$/);
    expect(errorOf(() => speculative(target, { draft, acceptLength: Number.NaN })).value).toBeNaN();
    expect(errorOf(() => speculative(target, { draft, accept: 0.8, acceptLength: 3 })).message).toMatch(/one of accept .* or acceptLength .*, got both/);
    expect(errorOf(() => speculative(target, { draft } as never)).message).toMatch(/got neither/);
    expect(errorOf(() => speculative(target, { draft, acceptLenght: 3 } as never)).message).toBe('speculative(): unknown option "acceptLenght"; accepted: draft, accept, acceptLength, tokens, verify');
    expect(errorOf(() => speculative(target, { draft: { mtp: 1, weight: "bf16" }, accept: 0.8 } as never)).message).toMatch(/draft: unknown option "weight" \(did you mean weights\?\)/);
  });

  it("an MLA verify step of k + 1 tokens over a cached past runs absorbed, as decode does (FlashMLA's seq_len_q > 1)", () => {
    // TensorRT-LLM runs the MTP verify step's K + 1 tokens through the FlashMLA generation kernel
    // (docs/source/blogs/tech_blog/blog2_DeepSeek_R1_MTP_Implementation_and_Optimization.md, "Attention for MTP"):
    // each query scores the cached latents, so two queries cost twice one query's FLOPs and read the cache once.
    const e = model("deepseek-v3").on(cluster(gpu("H800").fp8(), 8).tp(8));
    const r = e.rates();
    const attention = (tokens: number, past: number) => stepRows(e.shard, e.state.dtypes, { batch: 8, tokens, past }, r, e.state.kernels).find((x) => x.op === "attention")!;
    const decode = attention(1, 4095);
    const verify = attention(2, 4095);
    expect(verify.flops / decode.flops).toBeGreaterThan(1.99);
    expect(verify.flops / decode.flops).toBeLessThan(2.01);
    expect(verify.bytes / decode.bytes).toBeLessThan(1.1);
    // a prefill (no cached past) keeps the plain form over the decompressed K/V: 2·h·(d_qk + d_v) per key
    const a = e.model.arch;
    const prompt = 1024;
    expectClose(attention(prompt, 0).flops, a.layers * 8 * 2 * (a.heads / 8) * (a.headDim + a.vHeadDim) * ((prompt * (prompt + 1)) / 2));
  });

  it("the TensorRT-LLM DeepSeek-R1 MTP rows: the speedup flattens at 3–4 MTP layers and falls at 5, as measured, and each lands within 12 %", () => {
    // datasets/serving-measurements.json: TensorRT-LLM tech blog 1, "Autoregressive MTP Layers" (8×B200, batch 1)
    const rows = (JSON.parse(readFileSync(new URL("../../datasets/serving-measurements.json", import.meta.url), "utf8")) as {
      rows: { id: string; kind: string; draft?: { mtp: number }; acceptLength?: number; value: number; batch: number; context: number; dtypes: { weights: string; experts: string; kv: string } }[];
    }).rows.filter((x) => x.kind === "speculative" && x.id.startsWith("trtllm-b200x8-deepseek-r1-mtp"));
    expect(rows.length).toBe(5);
    const e = model("deepseek-r1").on(cluster(gpu("B200").precision("fp4"), 8).tp(8).ep(8)).dtypes(rows[0]!.dtypes);
    const predicted = rows.map((x) => speculative(e, { draft: x.draft!, acceptLength: x.acceptLength! }).speedup({ batch: x.batch, context: x.context }).speedup);
    // the NVFP4 experts' quantize launches (launches.ts) lengthen the target step, not the BF16 MTP draft's
    rows.forEach((x, i) => expect(Math.abs(predicted[i]! / x.value - 1), x.id).toBeLessThan(0.12));
    // measured 2.28× at 3 layers, 2.21× at 4 (3 % apart); the part's fixed GEMM latency, paid per
    // step whatever its tokens, flattens the predicted top to within 2 % between 3 and 4 layers
    const best = (xs: number[]) => xs.indexOf(Math.max(...xs));
    expect(best(rows.map((x) => x.value))).toBe(2);
    expect([2, 3]).toContain(best(predicted));
    expect(predicted[2]! / Math.max(...predicted)).toBeGreaterThan(0.98);
    expect(predicted[4]!).toBeLessThan(Math.max(...predicted));
    expect(predicted[1]!).toBeLessThan(predicted[2]!);
  });

  it("an MTP module is priced as one MoE block of the target with the projection and the shared head (DeepSeek-V3 §2.2)", () => {
    const e = model("deepseek-r1").on(cluster(gpu("B200").precision("fp4"), 8).tp(8).ep(8)).dtypes({ weights: "bf16", experts: "fp4" });
    const mtp = speculative(e, { draft: { mtp: 1 }, accept: 0.8 });
    const step = mtp.speedup({ batch: 1, context: 2048 });
    const head = e.rows({ batch: 1, context: 2048 }).find((r) => r.op === "lm head")!.time;
    // more than the head it shares, less than a few of the target's 61 layers
    expect(step.draftTime).toBeGreaterThan(head + e.state.overhead.perLayer);
    expect(step.draftTime).toBeLessThan((3 * step.baselineTime) / e.model.arch.layers + head);
    // a BF16 module (TensorRT-LLM's recipe beside NVFP4 experts) reads more than one in the target's formats
    expect(speculative(e, { draft: { mtp: 1, weights: "bf16" }, accept: 0.8 }).speedup({ batch: 1, context: 2048 }).draftTime).toBeGreaterThan(step.draftTime);
    expect(errorOf(() => speculative(e, { draft: { mtp: 1, weights: "fp5" }, accept: 0.8 })).message).toMatch(/fp5/);
  });

  it("the step time each drafted token adds at long context matches SGLang's DeepSeek-V3 MTP runs (absorbed MLA verify)", () => {
    // LMSYS, "Accelerating SGLang with Multiple Token Prediction" (2025-07-17), Case Study 1: 16 H200,
    // 2 requests per rank, 65,536-token prompts; 51.0 tokens/s per rank without MTP, 81.5 with a
    // 3-token window at acceptance length 2.18, 82.0 with 4 tokens at 2.44. Step time per rank =
    // tokens per step × batch ÷ tokens/s; what k drafted tokens add is step(k) − step(0).
    const measured = { 0: 2 / 51, 3: (2 * 2.18) / 81.5, 4: (2 * 2.44) / 82 };
    const perToken = (measured[4] - measured[0]) / 4;
    const e = model("deepseek-v3").on(cluster(gpu("H200").fp8(), 16).network("400 Gb/s").ep(16)).dtypes({ kv: "bf16" });
    const step = (n: number) => speculative(e, { draft: { mtp: n }, accept: 0.5 }).speedup({ batch: 2, context: 67584 });
    const kit = (step(4).stepTime - step(4).baselineTime) / 4;
    // the plain-MHA verify form (no decompression of the 67k cached latents charged) gave half
    expect(Math.abs(kit / perToken - 1)).toBeLessThan(0.25);
    expect(step(3).stepTime).toBeLessThan(step(4).stepTime);
  });

  it("verify: a draft tree's size sets the tokens the target verifies (EAGLE's 25-node tree of depth 5 verifies 26)", () => {
    const l7 = model("llama2-7b").on(gpu("A100-SXM-80GB").fp16());
    const tree = speculative(l7, { draft: { mtp: 5 }, acceptLength: 3.61, verify: 26 });
    const chain = speculative(l7, { draft: { mtp: 5 }, acceptLength: 3.61 });
    expect(chain.verify).toBe(6);
    const p = tree.speedup({ batch: 1, context: 1024 });
    expectClose(p.verifyTime, l7.stepTime({ batch: 1, tokens: 26, past: 1024 }).total);
    expect(p.verifyTime).toBeGreaterThan(chain.speedup({ batch: 1, context: 1024 }).verifyTime);
    expect(p.draftTime).toBe(chain.speedup({ batch: 1, context: 1024 }).draftTime);
    expect(String(tree)).toContain("verify 26");
    expect(errorOf(() => speculative(l7, { draft: { mtp: 5 }, accept: 0.7, verify: 5 })).message).toBe("verify must be at least tokens + 1 = 6 (the drafted chain and the target's own token), got 5");
    expect(errorOf(() => speculative(l7, { draft: { mtp: 5 }, accept: 0.7, verify: 6.5 })).message).toMatch(/verify must be a positive integer, got 6.5/);
  });
});

describe("speculative decoding respects memory", () => {
  it("refuses a batch that does not fit with its drafter, and breakEven never passes the largest batch that fits", async () => {
    const { cluster, gpu, model, speculative } = await import("../../src/index.js");
    const c = cluster(gpu("H100"), 8).tp(8);
    const target = model("llama3.1-70b").on(c);
    const s = speculative(target, { draft: model("llama3.1-8b").on(c), accept: 0.8, tokens: 4 });
    expect(() => s.speedup({ batch: 4096, context: 32768 })).toThrowError(/batch 4096 at context 32768 does not fit .* over per GPU .*Largest batch at this context: \d+/);
    const targetMax = target.maxBatch({ context: 32768 });
    const be = s.breakEven({ context: 32768 });
    // the draft model's weights and KV take room too: its largest batch is below the target's alone
    expect(be).toBeLessThan(targetMax);
    expect(() => s.speedup({ batch: be === 0 ? 1 : be, context: 32768 })).not.toThrow();
    expect(() => s.speedup({ batch: 8, context: 2048, contxt: 1 } as never)).toThrowError(/speedup: unknown option "contxt"/);
  });
});
