import { describe, expect, it } from "vitest";
import { attentionKernels, cluster, DENSE_LAYER_KERNELS, ffnKernels, gpu, kernelLayers, layerKernels, model, speculative } from "../../src/index.js";
import { expectClose } from "../helpers.js";

const on = (id: string, n = 8) => model(id).on(cluster(gpu("h200"), n).tp(n));

describe("layerKernels: kernels per decode layer by architecture (TensorRT-LLM's code)", () => {
  it("a dense Llama layer is the reference: 4 attention (norm, QKV, fused attention, o) + 6 FFN (norm, fc, gate, SiLU·mul, down, add) = 10 (models/llama/model.py)", () => {
    const a = model("llama3.1-8b").arch;
    expect(attentionKernels(a)).toBe(4);
    expect(ffnKernels(a, false)).toBe(6);
    expect(layerKernels(a, false)).toBe(DENSE_LAYER_KERNELS);
  });
  it("MLA decode launches 10: norm, fused_a, q_a and kv_a norms, q_b, W_UK BMM, mla_rope_generation, attention, W_UV BMM, o_proj (_torch/modules/attention.py forward_absorption_generation); 9 without q_lora (V2-Lite)", () => {
    expect(attentionKernels(model("deepseek-v3").arch)).toBe(10);
    expect(attentionKernels(model("deepseek-v2-lite").arch)).toBe(9);
  });
  it("an MoE block launches 10 (norm, router GEMM, noaux_tc top-k, runMoe's maps/permute/GEMM1/activation/GEMM2/finalize, add), 14 with shared experts (GatedMLP 3 + the shared+routed sum)", () => {
    expect(ffnKernels(model("mixtral-8x7b").arch, true)).toBe(10);
    expect(ffnKernels(model("deepseek-v3").arch, true)).toBe(14);
    // a DeepSeek dense layer (first_k_dense_replace) keeps the dense FFN
    expect(ffnKernels(model("deepseek-v3").arch, false)).toBe(6);
    expect(layerKernels(model("deepseek-v3").arch, true)).toBe(24);
    expect(layerKernels(model("gpt-oss-120b").arch, true)).toBe(14);
  });
  it("kernelLayers counts the stage's layers in dense-layer units: the layer count itself for dense models, (3·16 + 58·24) ÷ 10 for DeepSeek-V3", () => {
    expect(kernelLayers(on("llama3.1-70b").shard)).toBe(80);
    expectClose(kernelLayers(on("deepseek-v3").shard), (3 * 16 + 58 * 24) / 10, 1e-12);
    expectClose(kernelLayers(on("mixtral-8x7b").shard), 32 * 1.4, 1e-12);
  });
});

describe("the step's fixed overhead pays perLayer per dense-layer unit", () => {
  const step = (e: ReturnType<typeof on>) => e.fullStepTime({ batch: 1, tokens: 1, past: 1023 });
  it("a dense model's overhead is unchanged: perStep + perLayer × layers + perSequence × batch", () => {
    const e = on("llama3.1-70b");
    const o = e.overhead();
    expectClose(step(e).overhead!, o.perStep + 80 * o.perLayer + o.perSequence, 1e-12);
  });
  it("DeepSeek-V3's per-layer term is 144 ÷ 61 × a dense model's of as many layers", () => {
    const e = on("deepseek-v3");
    const o = e.overhead();
    const perLayerPart = step(e).overhead! - o.perStep - o.perSequence;
    expectClose(perLayerPart / (61 * o.perLayer), 144 / 61, 1e-9);
    // and it grows linearly with perLayer
    const d = step(e.overhead({ perLayer: 2 * o.perLayer })).total - step(e).total;
    expectClose(d, 144 * o.perLayer, 1e-9);
  });
  it("an MTP draft step pays one MoE layer's 24 kernels: 2.4 × perLayer", () => {
    const e = on("deepseek-v3");
    const o = e.overhead();
    const s = (pl: number) => speculative(e.overhead({ perLayer: pl }), { draft: { mtp: 1 }, accept: 0.8 }).draftStep(1, 1024);
    expectClose(s(2 * o.perLayer) - s(o.perLayer), 2.4 * o.perLayer, 1e-9);
  });
});
