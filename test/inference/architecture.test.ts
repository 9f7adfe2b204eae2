/**
 * The engine prices the architecture features the catalog's configs declare: DeepSeek sparse
 * attention, Llama 4 chunked attention, checkpoint-declared weight formats (and, as negligible,
 * gpt-oss sinks). Each expectation is derived from its source, not from the code.
 */
import { describe, expect, it } from "vitest";
import { cluster, gpu, model, resetWarnings } from "../../src/index.js";
import { causalKeys } from "../../src/model/flops.js";
import { chunkKeys, stepKeys } from "../../src/model/attention.js";
import { errorOf, expectClose } from "../helpers.js";

resetWarnings({ silent: true });
const GiB = 2 ** 30;
const op = (rows: { op: string; flops: number; bytes: number }[], name: string) => rows.find((r) => r.op === name)!;

describe("DeepSeek sparse attention (deepseek-v3.2: index_topk 2048, index_n_heads 64, index_head_dim 128)", () => {
  // DeepSeek-V3.2-Exp tech report §2.1: the indexer scores every preceding token,
  // I_{t,s} = Σ_j w_{t,j}·ReLU(q_{t,j}·k_s), and the main MLA attends to the top-k = 2048 only.
  const v32 = model("deepseek-v3.2");
  const e = v32.on(cluster(gpu("H200"), 8).tp(8));
  const L = 61;

  it("decode: main attention FLOPs stop growing past the top-k; the indexer's grow with the context", () => {
    const at = (context: number) => e.rows({ batch: 1, context });
    const a2k = op(at(2048), "attention").flops;
    expect(op(at(32768), "attention").flops).toBe(a2k);
    expect(op(at(131072), "attention").flops).toBe(a2k);
    expect(op(at(1024), "attention").flops).toBeCloseTo(a2k / 2, 0);
    // indexer: 2·H_I·(d_I + 1) FLOPs per cached key, all 64 heads on each GPU, every layer
    expectClose(op(at(131072), "indexer").flops, L * 2 * 64 * 129 * 131072);
  });

  it("decode: the main attention reads min(context, 2048) latents; the indexer reads every indexer key", () => {
    const rows = e.rows({ batch: 1, context: 65536 });
    const s = e.dtypes().kv === "fp8" ? 1 : 2;
    const latent = 512 + 64;
    // attention bytes: 2048 cached latents + the new one written + Q/O activations
    expect(op(rows, "attention").bytes).toBeGreaterThan(L * 2048 * latent * s);
    expect(op(rows, "attention").bytes).toBeLessThan(L * 2049 * latent * s + L * 16 * 1152 * 2 * 2);
    expectClose(op(rows, "indexer").bytes, L * (65536 * 128 * s + 128 * s + 64 * 128 * 2));
  });

  it("the KV cache still stores every token: latent + rope key + the indexer's key", () => {
    const s = e.dtypes().kv === "fp8" ? 1 : 2;
    expect(e.memory({ batch: 1, context: 100_000 }).kv.value).toBe(L * 100_000 * (512 + 64 + 128) * s);
  });

  it("prefill: the cheaper of sparse MQA over Σ_t min(t, 2048) keys and masked dense MHA; the indexer Σ_t t", () => {
    // §2.1: DSA is built on MLA's MQA mode (2·h·(2·d_c + d_rope) per key, absorbed);
    // §3: short prefills run a masked MHA instead (2·h·(d_qk + d_v) per key over every key).
    const heads = 128 / 8;
    const mqa = 2 * heads * (2 * 512 + 64);
    const mha = 2 * heads * (192 + 128);
    const dense = model("deepseek-v3.1").on(cluster(gpu("H200"), 8).tp(8));
    for (const T of [1024, 65536]) {
      const rows = e.rows({ batch: 1, prompt: T });
      const want = L * Math.min(mqa * causalKeys(T, 2048), mha * causalKeys(T, null));
      expectClose(op(rows, "attention").flops, want, 1e-12);
      expectClose(op(rows, "indexer").flops, L * 2 * 64 * 129 * causalKeys(T, null));
    }
    // short: the same masked MHA as the dense predecessor; long: sparse, far fewer FLOPs
    expect(op(e.rows({ batch: 1, prompt: 1024 }), "attention").flops).toBe(op(dense.rows({ batch: 1, prompt: 1024 }), "attention").flops);
    expect(op(e.rows({ batch: 1, prompt: 65536 }), "attention").flops).toBeLessThan(0.3 * op(dense.rows({ batch: 1, prompt: 65536 }), "attention").flops);
  });

  it("at 128K the sparse model decodes faster than its dense predecessor; at 1K it pays the indexer", () => {
    // The tech report's Figure 3: V3.2-Exp's decode cost per token stays nearly flat with the
    // position where V3.1-Terminus's grows. Same weights format for both, to compare attention alone.
    const dense = model("deepseek-v3.1").on(cluster(gpu("H200"), 8).tp(8)).dtypes({ weights: "fp8", kv: "fp8" });
    const sparse = e.dtypes({ weights: "fp8", kv: "fp8" });
    const t = (x: typeof e, context: number) => x.decode({ batch: 4, context }).time.value;
    expect(t(sparse, 131072)).toBeLessThan(0.8 * t(dense, 131072));
    expect(t(sparse, 1024)).toBeGreaterThan(t(dense, 1024));
  });
});

describe("Llama 4 chunked attention (llama4-scout: attention_chunk_size 8192, every 4th layer global NoPE)", () => {
  // HF transformers Llama4: chunked layers mask keys outside the query's chunk of 8192 tokens
  // (not a sliding window); no_rope_layer_interval 4 makes layers 4, 8, … global.
  const scout = model("llama4-scout");
  const e = scout.on(cluster(gpu("H100"), 8).tp(8));
  const chunked = 36;
  const global = 12;

  it("a decode query attends within its chunk: the key count restarts at each chunk boundary", () => {
    const attn = (context: number) => op(e.rows({ batch: 1, context }), "attention").flops;
    const perLayerKey = attn(1) / 48; // context 1: one key in each of the 48 layers
    expectClose(attn(8192), perLayerKey * 48 * 8192, 1e-9);
    // one past the boundary: chunked layers see 1 key (a sliding window would keep 8192)
    expectClose(attn(8193), perLayerKey * (chunked * 1 + global * 8193), 1e-9);
    expectClose(attn(12000), perLayerKey * (chunked * (12000 - 8192) + global * 12000), 1e-9);
    expect(attn(8193)).toBeLessThan(attn(8192));
  });

  it("prefill keys: Σ over chunks of c(c+1)/2 in chunked layers, causal in global ones", () => {
    expect(chunkKeys(16384, 8192)).toBe(2 * ((8192 * 8193) / 2));
    expect(stepKeys(0, 16384, 8192, true, null)).toBe(chunkKeys(16384, 8192));
    expect(stepKeys(0, 16384, 8192, false, null)).toBe(causalKeys(16384, 8192));
    expect(chunkKeys(16384, 8192)).toBeLessThan(causalKeys(16384, 8192));
  });

  it("KV held for chunked layers is at most one chunk", () => {
    const s = 2; // fp16 cache at default compute
    const kvPerToken = (8 / 8) * 2 * 128 * s; // 8 KV heads over tp 8
    expect(e.memory({ batch: 1, context: 100_000 }).kv.value).toBe((chunked * 8192 + global * 100_000) * kvPerToken);
  });
});

describe("checkpoint-declared weight formats (quantization_config)", () => {
  it("gpt-oss-120b keeps its MXFP4 experts (4.25 bits) and bf16-wide rest: ≈ 60.8 GiB, one 80 GB H100", () => {
    // OpenAI gpt-oss model card (arXiv:2508.10925 §2): MXFP4 MoE weights, 60.8 GiB checkpoint,
    // "gpt-oss-120b fits on a single 80GB GPU".
    const e = model("gpt-oss-120b").on(gpu("H100"));
    const m = e.memory({ batch: 1, context: 4096 });
    expect(m.weights.value / GiB).toBeGreaterThan(60.8 * 0.97);
    expect(m.weights.value / GiB).toBeLessThan(60.8 * 1.03);
    expect(m.fits).toBe(true);
    expect(e.describe()).toContain("weights fp16, experts mxfp4");
    expect(e.dtypes().experts).toBe("mxfp4");
  });

  it("an explicit weights option still wins, experts included", () => {
    const e = model("gpt-oss-120b").on(gpu("H100")).dtypes({ weights: "bf16" });
    expect(e.dtypes().experts).toBeUndefined();
    expect(e.memory({ batch: 1, context: 4096 }).weights.value / GiB).toBeGreaterThan(200);
    expect(model("gpt-oss-120b").on(gpu("H100")).dtypes({ kv: "fp8" }).dtypes().experts).toBe("mxfp4");
  });

  it("an explicit experts option stores the experts apart (BF16 attention beside NVFP4 experts, TensorRT-LLM's DeepSeek-R1 latency recipe)", () => {
    const e = model("deepseek-r1").on(cluster(gpu("B200").precision("fp4"), 8).tp(8)).dtypes({ weights: "bf16", experts: "fp4" });
    expect(e.dtypes().weights).toBe("bf16");
    expect(e.dtypes().experts).toBe("fp4");
    expect(e.describe()).toContain("weights bf16, experts fp4");
    const all = model("deepseek-r1").on(cluster(gpu("B200").precision("fp4"), 8).tp(8)).dtypes({ weights: "bf16" });
    // experts at 0.5 + 1/16 B per parameter, attention unchanged
    expectClose(op(e.rows({ batch: 1, context: 2048 }), "experts").bytes / op(all.rows({ batch: 1, context: 2048 }), "experts").bytes, (0.5 + 1 / 16) / 2, 0.01);
    expect(op(e.rows({ batch: 1, context: 2048 }), "qkv").bytes).toBe(op(all.rows({ batch: 1, context: 2048 }), "qkv").bytes);
    expect(errorOf(() => e.dtypes({ experts: "fp5" })).message).toMatch(/fp5/);
  });

  it("decode bytes split by class: experts at 4.25 bits, attention at 2 B per parameter", () => {
    const e = model("gpt-oss-120b").on(gpu("H100"));
    const bf = e.dtypes({ weights: "bf16" });
    const rows = e.rows({ batch: 1, context: 2048 });
    const wide = bf.rows({ batch: 1, context: 2048 });
    // batch 1: 4 experts of 128 touched; weights dominate the experts op's bytes
    expectClose(op(rows, "experts").bytes / op(wide, "experts").bytes, 4.25 / 16, 0.01);
    expect(op(rows, "qkv").bytes).toBe(op(wide, "qkv").bytes);
  });

  it("DeepSeek-V3 (block-wise fp8) keeps fp8 under fp16 compute; fp4 compute stays narrower", () => {
    // deepseek-ai/DeepSeek-V3 config.json quantization_config: quant_method fp8, e4m3, [128, 128] blocks
    const v3 = model("deepseek-v3");
    const e = v3.on(cluster(gpu("H200"), 8).tp(8));
    expect(e.dtypes().weights).toBe("fp8");
    expect(e.describe()).toContain("weights fp8 · kv fp16");
    expect(v3.on(cluster(gpu("B200").fp4(), 8).tp(8)).dtypes().weights).toBe("fp4");
    // ≈ 671e9 params × 1 B over 8 GPUs (embeddings and LM head 16-bit)
    expect(e.memory({ batch: 1, context: 1024 }).weights.value / 1e9).toBeGreaterThan(671 / 8);
    expect(e.memory({ batch: 1, context: 1024 }).weights.value / 1e9).toBeLessThan(1.05 * (671 / 8));
  });

  it("Qwen3-30B-A3B-FP8 holds about half the weights of its bf16 release on the same GPU", () => {
    const w = (id: string) => model(id).on(gpu("H100")).memory({ batch: 1, context: 1024 }).weights.value;
    const r = w("qwen3-30b-a3b-fp8") / w("qwen3-30b-a3b");
    expect(r).toBeGreaterThan(0.5);
    expect(r).toBeLessThan(0.53);
  });
});

describe("gpt-oss alternating 128-token windows and sinks", () => {
  // openai/gpt-oss-120b config.json: layer_types alternate sliding_attention / full_attention,
  // sliding_window 128; the sinks (one learned logit per head) add no key and no cache.
  const e = model("gpt-oss-120b").on(gpu("H100"));

  it("half the layers keep and attend to 128 tokens, the other half to the whole context", () => {
    const perToken = 8 * 2 * 64 * 2; // 8 KV heads × (K + V) × head_dim 64 × 2 B
    expect(e.memory({ batch: 1, context: 100_000 }).kv.value).toBe((18 * 128 + 18 * 100_000) * perToken);
    const attn = (context: number) => op(e.rows({ batch: 1, context }), "attention").flops;
    const perLayerKey = attn(1) / 36;
    expectClose(attn(100_000), perLayerKey * (18 * 128 + 18 * 100_000), 1e-9);
  });
});

describe("the compiled fast path prices the same features", () => {
  it.each([
    ["deepseek-v3.2", 8, 65536],
    ["llama4-scout", 8, 20000],
    ["gpt-oss-120b", 1, 8192],
  ] as const)("%s: compile().decodeStep/prefillStep/memoryPerGpu equal the engine's", (id, n, context) => {
    const e = model(id).on(cluster(gpu("H200"), n).tp(n));
    const c = e.compile();
    expectClose(c.decodeStep(2, context), e.decode({ batch: 2, context }).time.value, 1e-12);
    expectClose(c.prefillStep(1, context), e.prefill({ prompt: context }).time.value, 1e-12);
    expect(c.memoryPerGpu(2, context)).toBe(e.memory({ batch: 2, context }).total.value);
  });
});

describe("the model's own FLOPs count the same keys (model/flops.ts)", () => {
  it("deepseek-v3.2 decodeFlops grows past the top-k by the indexer alone", () => {
    const m = model("deepseek-v3.2");
    const f = (context: number) => m.decodeFlops({ context }).value;
    expectClose(f(65536) - f(32768), 61 * 2 * 64 * 129 * 32768, 1e-12);
    const dense = model("deepseek-v3.1");
    const perKey = dense.decodeFlops({ context: 2 }).value - dense.decodeFlops({ context: 1 }).value;
    expectClose(f(2) - f(1), perKey + 61 * 2 * 64 * 129, 1e-12);
  });

  it("llama4-scout decodeFlops drops just past a chunk boundary; prefill counts chunk keys", () => {
    const m = model("llama4-scout");
    expect(m.decodeFlops({ context: 8193 }).value).toBeLessThan(m.decodeFlops({ context: 8192 }).value);
    const perLayerKey = 2 * 40 * (128 + 128);
    const P1 = m.prefillFlops({ prompt: 1 }).value - 48 * perLayerKey;
    const T = 16384;
    const matmul = m.prefillFlops({ prompt: T }).value - (36 * chunkKeys(T, 8192) + 12 * causalKeys(T, null)) * perLayerKey;
    // what is left is linear in T (the weights' 2·P·T and the LM head once)
    expect(matmul).toBeGreaterThan(P1 * T * 0.9);
    expect(matmul).toBeLessThan(P1 * T);
  });

  it("estimators(…).decodeFlops equals the model's for a sparse model (no affine shortcut)", async () => {
    const { estimators } = await import("../../src/index.js");
    const f = estimators(model("deepseek-v3.2"), gpu("H200"), { tp: 8 });
    expect(f.decodeFlops(3, 100_000)).toBe(3 * model("deepseek-v3.2").decodeFlops({ context: 100_000 }).value);
  });
});

describe("DSA prefill FLOPs agree between the model and the engine", () => {
  it("model prefillFlops − the engine's attention (8 GPUs' heads + one replicated indexer) is linear in the prompt", () => {
    const m = model("deepseek-v3.2");
    const e = m.on(cluster(gpu("H200"), 8).tp(8));
    const g = (T: number) => {
      const rows = e.rows({ batch: 1, prompt: T });
      return m.prefillFlops({ prompt: T }).value - (8 * op(rows, "attention").flops + op(rows, "indexer").flops);
    };
    // what is left is 2·(P − V·d)·T + 2·V·d: the same slope across the MHA and the sparse MQA regimes
    const slope = (g(2048) - g(1024)) / 1024;
    expectClose(g(65536) - g(1024), slope * (65536 - 1024), 1e-9);
  });
});
