import { describe, it, expect } from "vitest";
import { model, gpu } from "../../src/index.js";
import { expectClose } from "../helpers.js";

describe("explain()", () => {
  const cases = {
    "kv (MHA)": () => model("llama2-70b").mha().kv({ batch: 8, seq: 4096 }),
    "kv (GQA)": () => model("llama2-70b").kv({ batch: 8, seq: 4096 }),
    "kv (sliding window)": () => model("gemma2-9b").kv({ batch: 2, seq: 16384 }),
    "kv (MLA)": () => model("deepseek-v3").kv({ batch: 1, seq: 4096, dtype: "fp8" }),
    params: () => model("mixtral-8x7b").params,
    "decode FLOPs": () => model("llama3-8b").decodeFlops({ context: 8192 }),
    "prefill FLOPs": () => model("gemma2-9b").prefillFlops({ prompt: 10000 }),
    "weights": () => model("qwen2-72b").weights({ dtype: "fp8" }),
    ridge: () => gpu("H100").fp8().ridge(),
    "recompute FLOPs": () => model("llama2-70b").kvRecompute({ batch: 8, seq: 4096 }).flops,
  };
  for (const [name, make] of Object.entries(cases)) {
    it(`${name}: the substituted formula evaluates to the result`, () => {
      const q = make();
      const d = q.explain();
      expectClose(d.evaluate(), q.value, 1e-9);
      expect(d.text).toContain(q.format());
      expect(d.markdown).toContain("**");
      expect(d.latex).toMatch(/\\times|\\frac|\\mathrm/);
    });
  }
  it("writes the KV cache the way the article does", () => {
    expect(model("llama2-70b").mha().kv({ batch: 8, seq: 4096 }).explain().line).toBe(
      "2 (K, V) × 80 layers × 8192 (64 kv heads × 128) × 4096 tokens × 8 batch × 2 B = 80 GiB",
    );
  });
});

describe("explain().latex", () => {
  it("every derivation typesets with KaTeX (strict: no unknown commands, no text-mode math)", async () => {
    const katex = (await import("katex")).default;
    const qs = [
      model("llama2-70b").mha().kv({ batch: 8, seq: 4096 }),
      model("gemma2-9b").kv({ batch: 2, seq: 16384 }),
      model("deepseek-v3").kv({ batch: 1, seq: 4096, dtype: "fp8" }),
      model("mixtral-8x7b").params,
      model("llama3-8b").decodeFlops({ context: 8192 }),
      gpu("H100").fp8().ridge(),
      model("llama2-70b").kvRecompute({ batch: 8, seq: 4096 }).flops,
    ];
    for (const q of qs) {
      const tex = q.explain().latex;
      expect(() => katex.renderToString(tex, { throwOnError: true, strict: "error" }), tex).not.toThrow();
    }
  });
});
