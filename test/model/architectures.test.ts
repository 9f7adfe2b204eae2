import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { model } from "../../src/index.js";
import { isMoeLayer, moeLayerCount } from "../../src/model/architecture.js";
import { checkpointBytes, countParams, indexerParams } from "../../src/model/params.js";
import { errorOf } from "../helpers.js";

const config = (id: string) => JSON.parse(readFileSync(new URL(`../../datasets/models/${id}.config.json`, import.meta.url), "utf8")) as Record<string, unknown>;
const kvPerToken = (id: string, seq: number) => model(id).kv({ batch: 1, seq }).value / seq;

describe("Qwen 3: QK-norm, dense and MoE", () => {
  it("qwen3-8b: q_norm and k_norm add 2 × head_dim per layer; no q/k/v biases", () => {
    const a = model("qwen3-8b").arch;
    expect(a.qkNorm).toBe(true);
    expect(a.bias).toBe("none");
    const plain = countParams({ ...a, qkNorm: false });
    expect(countParams(a).total - plain.total).toBe(36 * 2 * 128);
  });
  it("qwen3-8b KV: 36 layers × 2 × 8 KV heads × 128 × 2 B = 147,456 B per token", () => {
    expect(kvPerToken("qwen3-8b", 4096)).toBe(36 * 2 * 8 * 128 * 2);
  });
  it("qwen3-30b-a3b: every layer MoE, 8 of 128 experts of 768, no shared expert", () => {
    const a = model("qwen3-30b-a3b").arch;
    expect(moeLayerCount(a)).toBe(48);
    expect(a.moe).toMatchObject({ experts: 128, active: 8, shared: 0, expertIntermediate: 768, every: 1, phase: 0 });
    expect(kvPerToken("qwen3-30b-a3b", 1000)).toBe(48 * 2 * 4 * 128 * 2);
  });
  it("decoder_sparse_step 2 makes the odd layers (counting from 0) MoE; mlp_only_layers forces dense", () => {
    const c = config("qwen3-30b-a3b");
    const a = model.fromHFConfig({ ...c, decoder_sparse_step: 2, mlp_only_layers: [1] }).arch;
    expect([0, 1, 2, 3].map((i) => isMoeLayer(a, i))).toEqual([false, false, false, true]);
    expect(moeLayerCount(a)).toBe(23);
  });
  it("the FP8 release has the bf16 release's parameters and half its checkpoint bytes (norms, routers, embeddings kept 16-bit)", () => {
    const bf16 = model("qwen3-235b-a22b"), fp8 = model("qwen3-235b-a22b-fp8");
    expect(fp8.params.value).toBe(bf16.params.value);
    expect(fp8.arch.quantization).toEqual({ method: "fp8", bitsPerWeight: 8, scope: "linear" });
    const p = countParams(fp8.arch);
    expect(checkpointBytes(fp8.arch)).toBe(2 * (p.embedding + p.lmHead + p.norms + p.router) + (p.attention + p.experts));
    expect(checkpointBytes(bf16.arch)).toBe(2 * p.total);
  });
});

describe("gpt-oss: attention sinks, alternating sliding windows, biases, MXFP4 experts", () => {
  it("even layers slide over 128 tokens, odd layers see everything (layer_types)", () => {
    const a = model("gpt-oss-120b").arch;
    expect(a.windows.slice(0, 4)).toEqual([128, null, 128, null]);
    expect(a.windows.filter((w) => w === 128)).toHaveLength(18);
  });
  it("KV: 18 layers hold 128 tokens, 18 hold the context (8 KV heads × 64 × 2 × 2 B per layer per token)", () => {
    const perLayerToken = 2 * 8 * 64 * 2;
    expect(model("gpt-oss-120b").kv({ batch: 1, seq: 8192 }).value).toBe((18 * 128 + 18 * 8192) * perLayerToken);
    expect(model("gpt-oss-120b").kv({ batch: 1, seq: 100 }).value).toBe(36 * 100 * perLayerToken);
  });
  it("a sink logit per head per layer; q/k/v/o biases; expert and router biases", () => {
    const a = model("gpt-oss-20b").arch;
    expect(a.sinks).toBe(true);
    const without = countParams({ ...a, sinks: false }).total;
    expect(countParams(a).total - without).toBe(24 * 64);
    const p = countParams(a);
    const expert = 3 * 2880 * 2880 + 2 * 2880 + 2880; // gate, up, down + gate_up bias + down bias
    expect(p.experts).toBe(24 * 32 * expert);
    expect(p.router).toBe(24 * (32 * 2880 + 32));
  });
  it("the MXFP4 checkpoint: experts at 4.25 bits, the rest bf16 — about 65 GB for 120b", () => {
    const a = model("gpt-oss-120b").arch;
    expect(a.quantization).toEqual({ method: "mxfp4", bitsPerWeight: 4.25, scope: "experts" });
    const p = countParams(a);
    expect(checkpointBytes(a)).toBe(2 * (p.total - p.experts) + (4.25 / 8) * p.experts);
    expect(checkpointBytes(a) / 1e9).toBeGreaterThan(60);
    expect(checkpointBytes(a) / 1e9).toBeLessThan(66);
  });
});

describe("Llama 4: text_config, interleaved MoE with a shared expert, chunked attention", () => {
  it("reads the language model under text_config", () => {
    const a = model("llama4-scout").arch;
    expect(a.modelType).toBe("llama4_text");
    expect(a.layers).toBe(48);
    expect(a.qkL2Norm).toBe(true);
    expect(a.qkNorm).toBe(false); // a weightless L2 norm: no parameters
  });
  it("scout: every layer MoE, 1 of 16 experts + 1 shared; maverick: every 2nd layer, dense layers of 16384", () => {
    const s = model("llama4-scout").arch, m = model("llama4-maverick").arch;
    expect(moeLayerCount(s)).toBe(48);
    expect(s.moe).toMatchObject({ experts: 16, active: 1, shared: 1, expertIntermediate: 8192 });
    expect([0, 1, 2, 3].map((i) => isMoeLayer(m, i))).toEqual([false, true, false, true]);
    expect(moeLayerCount(m)).toBe(24);
    expect(m.intermediate).toBe(16384);
    const p = countParams(m);
    expect(p.mlp).toBe(24 * 3 * 5120 * 16384);
    expect(p.sharedExperts).toBe(24 * 3 * 5120 * 8192);
  });
  it("chunked attention: 3 of 4 layers keep at most one 8192-token chunk, every 4th is global", () => {
    const a = model("llama4-scout").arch;
    expect(a.chunked).toBe(true);
    expect(a.windows.slice(0, 4)).toEqual([8192, 8192, 8192, null]);
    const perLayerToken = 2 * 8 * 128 * 2;
    expect(model("llama4-scout").kv({ batch: 1, seq: 32768 }).value).toBe((36 * 8192 + 12 * 32768) * perLayerToken);
  });
  it("published totals count the vision encoder too: the language model is a little smaller", () => {
    expect(model("llama4-scout").params.value / 109e9).toBeGreaterThan(0.98);
    expect(model("llama4-scout").params.value).toBeLessThan(109e9);
    expect(model("llama4-maverick").params.value / 400e9).toBeCloseTo(1, 2);
  });
});

describe("DeepSeek-V3.2 sparse attention, group-limited routing, Kimi K2", () => {
  it("the lightning indexer adds wq_b, wk, k_norm and weights_proj to each layer", () => {
    const v32 = model("deepseek-v3.2"), v3 = model("deepseek-v3");
    expect(v32.arch.sparse).toEqual({ topk: 2048, indexHeads: 64, indexHeadDim: 128 });
    const perLayer = 1536 * 64 * 128 + 7168 * 128 + 2 * 128 + 7168 * 64;
    expect(indexerParams(v32.arch)).toBe(perLayer);
    expect(v32.params.value - v3.params.value).toBe(61 * perLayer);
  });
  it("KV: the indexer key (128) beside the MLA latent (512 + 64), per layer per token", () => {
    expect(kvPerToken("deepseek-v3.2", 4096)).toBe(61 * (512 + 64 + 128) * 2);
    expect(kvPerToken("deepseek-v3", 4096)).toBe(61 * (512 + 64) * 2);
  });
  it("expert groups: DeepSeek-V3 routes within 4 of 8 groups; Kimi K2 does not group", () => {
    expect(model("deepseek-v3").arch.moe).toMatchObject({ groups: 8, topkGroups: 4 });
    expect(model("kimi-k2").arch.moe).toMatchObject({ experts: 384, active: 8, shared: 1, firstDense: 1, groups: 1, topkGroups: 1 });
  });
  it("kimi-k2: MLA with 64 heads caches the same 576 values per layer as DeepSeek-V3", () => {
    expect(model("kimi-k2").arch.attention).toBe("mla");
    expect(kvPerToken("kimi-k2", 1024)).toBe(61 * 576 * 2);
  });
});

describe("Gemma 3 local/global layers", () => {
  it("gemma3-1b: 5 sliding (512) per global layer; KV of 1 head × 256", () => {
    const a = model("gemma3-1b").arch;
    expect(a.windows.slice(0, 6)).toEqual([512, 512, 512, 512, 512, null]);
    const perLayerToken = 2 * 1 * 256 * 2;
    expect(model("gemma3-1b").kv({ batch: 1, seq: 4096 }).value).toBe((22 * 512 + 4 * 4096) * perLayerToken);
  });
});

describe("published active parameters", () => {
  const index = JSON.parse(readFileSync(new URL("../../datasets/models/index.json", import.meta.url), "utf8")) as {
    models: { id: string; publishedActiveParams?: { value: number; scope?: string } }[];
  };
  for (const m of index.models.filter((x) => x.publishedActiveParams && !x.publishedActiveParams.scope)) {
    it(`${m.id}: active parameters (with or without the input embedding) within 2 % of ${m.publishedActiveParams!.value / 1e9}B`, () => {
      const p = model(m.id).paramBreakdown();
      const near = (x: number) => Math.abs(x / m.publishedActiveParams!.value - 1) < 0.02;
      expect(near(p.active) || near(p.active - p.embedding)).toBe(true);
    });
  }
});

describe("model.fromHFConfig — the new layouts' refusals", () => {
  it("a Llama 4 wrapper without text_config is refused naming the missing field", () => {
    const { text_config: _, ...outer } = config("llama4-scout");
    const e = errorOf(() => model.fromHFConfig(outer, "scout"));
    expect(e.code).toBe("bad-config");
    expect(e.message).toContain('missing "hidden_size"');
  });
  it("a Qwen3-MoE config with more active experts than experts is refused", () => {
    expect(errorOf(() => model.fromHFConfig({ ...config("qwen3-30b-a3b"), num_experts_per_tok: 200 })).message).toContain("num_experts_per_tok (200) exceeds the number of experts (128)");
  });
});
