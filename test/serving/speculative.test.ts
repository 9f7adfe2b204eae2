import { describe, expect, it } from "vitest";
import { cluster, gpu, model } from "../../src/index.js";
import { expectedTokens, speculative } from "../../src/serving/speculative.js";
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
    expect(at(64)).toBeGreaterThan(at(1024));
    const b = s.breakEven({ context: 2048 });
    expect(b).toBeGreaterThanOrEqual(1);
    expect(at(b)).toBeGreaterThan(1);
    expect(at(2 * b)).toBeLessThanOrEqual(1);
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
});
