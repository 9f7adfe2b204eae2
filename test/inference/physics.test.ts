import { describe, expect, it } from "vitest";
import { allReduceTime, DEFAULT_KERNELS, cluster, collectiveTime, computeFactor, gpu, model, ONE_SHOT_LATENCY, NO_OVERHEAD } from "../../src/index.js";
import { expectClose } from "../helpers.js";

const v3 = model("deepseek-v3");
const h20x8 = () => v3.on(cluster(gpu("H20").fp8(), 8).tp(8));

describe("MLA decode attention runs absorbed over the latent (FlashMLA, https://github.com/deepseek-ai/FlashMLA)", () => {
  it("costs 2·H·(2·kv_lora_rank + qk_rope_head_dim) FLOPs per key: 1.11 TFLOP per GPU on 8×H20, batch 32, context 16384", () => {
    const a = v3.arch;
    const m = a.mla!;
    const attn = h20x8().rows({ batch: 32, context: 16384 }).find((r) => r.op === "attention")!;
    const perKey = 2 * (a.heads / 8) * (2 * m.kvLoraRank + m.qkRopeHeadDim); // 16 heads per GPU
    expectClose(attn.flops, perKey * 32 * 16384 * a.layers, 1e-12);
    expect(attn.flops / 1e12).toBeCloseTo(1.11, 2);
    expect(attn.bound).toBe("compute"); // the latent is read once, the FLOPs are 3.4× what the unabsorbed count says
    // 3.4× the non-absorbed 2·H·(d_qk + d_v) the prefill kernel pays per key
    expect(perKey / (2 * (a.heads / 8) * (a.headDim + a.vHeadDim))).toBeCloseTo(3.4, 1);
  });
  it("prefill keeps the plain MHA count 2·H·(d_qk + d_v) per key", () => {
    const a = v3.arch;
    const attn = h20x8().rows({ batch: 1, prompt: 1024 }).find((r) => r.op === "attention")!;
    expectClose(attn.flops, 2 * (a.heads / 8) * (a.headDim + a.vHeadDim) * ((1024 * 1025) / 2) * a.layers, 1e-12);
  });
});

describe("MLA under kvReads and tensor parallelism", () => {
  it('"per-query-head" re-reads the one latent per query head (16 per GPU at TP 8), not 1/8 of a read', () => {
    const e = h20x8().overhead(NO_OVERHEAD);
    const kv = (x: typeof e) => x.rows({ batch: 8, context: 4096 }).find((r) => r.op === "attention")!.bytes;
    const base = kv(e);
    const q = kv(e.kernels({ kvReads: "per-query-head" }));
    const latentRead = 8 * 4096 * (v3.arch.mla!.kvLoraRank + v3.arch.mla!.qkRopeHeadDim) * 1 * v3.arch.layers; // fp8
    expectClose(q - base, 15 * latentRead, 1e-9);
    expect(e.shard.kvHeads).toBe(1);
  });
  it("q_a_proj and kv_a_proj_with_mqa are replicated on every GPU (vLLM/SGLang ReplicatedLinear), only the up-projections split", () => {
    const a = v3.arch;
    const m = a.mla!;
    const d = a.hidden;
    const replicated = d * (m.qLoraRank! + m.kvLoraRank + m.qkRopeHeadDim) + m.qLoraRank! + m.kvLoraRank;
    const split = m.qLoraRank! * a.heads * (m.qkNopeHeadDim + m.qkRopeHeadDim) + m.kvLoraRank * a.heads * (m.qkNopeHeadDim + m.vHeadDim);
    expectClose(h20x8().shard.qkvParams, replicated + split / 8, 1e-12);
    expectClose(v3.on(gpu("H20").fp8()).shard.qkvParams, replicated + split, 1e-12);
  });
});

describe("PCIe cards: the NVLink bridge joins two cards (A100 PCIe datasheet: 'NVLink Bridge for up to two GPUs')", () => {
  const a100 = gpu("A100-PCIe-40GB");
  it("tp 2 talks over the bridge, tp 4 and 8 over PCIe", () => {
    const c2 = cluster(a100, 2).tp(2).tpLink();
    expect(c2.kind).toBe("nvlink");
    expect(c2.perDirection).toBe(300e9);
    for (const n of [4, 8]) {
      const l = cluster(a100, n).tp(n).tpLink();
      expect(l.kind).toBe("pcie");
      expect(l.perDirection).toBe(32e9);
    }
    // a strided pair (data-parallel peers 2 apart) is not bridged either
    expect(cluster(a100, 4).tp(2).linkFor(2, 2).kind).toBe("pcie");
    // SXM parts keep their switched NVLink at any group size
    expect(cluster(gpu("A100"), 8).tp(8).tpLink().kind).toBe("nvlink");
  });
});

describe("all-reduce by algorithm (one-shot / two-shot for small messages; PyTorch PR #114001 and issue #131739: 6–17 µs on 8×H100)", () => {
  const nv = cluster(gpu("H100"), 8).tp(8).tpLink();
  it("a small all-reduce at TP 8 costs about the flat one-shot latency, far under the 2(n−1)-hop ring", () => {
    const small = 8192 * 2; // one decode token of a 8192-wide model, bf16
    const t = collectiveTime("allReduce", small, 8, nv, 0.8, ONE_SHOT_LATENCY);
    expect(t).toBeGreaterThanOrEqual(ONE_SHOT_LATENCY);
    expect(t).toBeLessThan(ONE_SHOT_LATENCY * 1.05);
    expect(t * 1e6).toBeGreaterThanOrEqual(6);
    expect(t * 1e6).toBeLessThanOrEqual(17);
    expect(allReduceTime(small, 8, nv, 0.8)).toBeGreaterThan(14 * nv.latency); // the ring: 14 hops
  });
  it("is roughly flat in n for small messages and follows the bandwidth term for large ones", () => {
    const t = (n: number, bytes: number) => collectiveTime("allReduce", bytes, n, cluster(gpu("H100"), 8).tp(n).tpLink(), 0.8, ONE_SHOT_LATENCY);
    expect(t(8, 16384) / t(2, 16384)).toBeLessThan(1.1);
    const big = 256e6;
    expectClose(t(8, big), 2 * ONE_SHOT_LATENCY + ((2 * 7) / 8) * big / (0.8 * nv.perDirection), 1e-9);
  });
  it("stays the ring over PCIe and the network, and without a one-shot latency (NCCL in training)", () => {
    const pcie = cluster(gpu("A100-PCIe-40GB"), 8).tp(8).tpLink();
    expect(collectiveTime("allReduce", 16384, 8, pcie, 0.8, ONE_SHOT_LATENCY)).toBe(allReduceTime(16384, 8, pcie, 0.8));
    expect(collectiveTime("allGather", 16384, 8, nv, 0.8, ONE_SHOT_LATENCY)).toBe(collectiveTime("allGather", 16384, 8, nv, 0.8));
  });
  it("a Llama-2-70B decode step on 8×H20 pays ~160 × the one-shot latency in all-reduces, not 160 × (14 hops + launch)", () => {
    const e = model("llama2-70b").on(cluster(gpu("H20").fp8(), 8).tp(8));
    const link = e.decode({ batch: 1, context: 2048 }).split.link;
    expect(link).toBeLessThan(160 * (14 * 1e-6 + ONE_SHOT_LATENCY));
    expect(link).toBeGreaterThan(160 * ONE_SHOT_LATENCY);
    const ring = e.kernels({ allReduce: null }).decode({ batch: 1, context: 2048 }).split.link;
    expect(ring).toBeGreaterThan(link);
  });
});

describe("efficiency by generation and MoE kernels", () => {
  it("Blackwell reaches 0.8× the reference fraction of its peak (XLA GEMM table: B200 0.63 vs H100 0.79 at 4096³)", () => {
    expect(computeFactor("Blackwell", "fp4")).toBe(0.8);
    expect(computeFactor("Hopper", "bf16")).toBe(1);
    const b = model("llama3-8b").on(gpu("B200").bf16());
    const h = model("llama3-8b").on(gpu("H100").bf16());
    expectClose(b.rates().gemm / 2250e12, 0.8 * (h.rates().gemm / 989.5e12), 1e-9);
  });
  it("Hopper FP8 GEMMs reach 0.84× BF16's fraction of peak (aiconfigurator's TensorRT-LLM GEMM tables, H100/H200); attention keeps the 16-bit rate", () => {
    expect(computeFactor("Hopper", "fp8")).toBe(0.84);
    expect(computeFactor("Ampere", "fp16")).toBe(1);
    const f8 = model("llama2-7b").on(gpu("H100").fp8()).rates();
    const f16 = model("llama2-7b").on(gpu("H100").bf16()).rates();
    expectClose(f8.gemm / 1979e12, 0.84 * (f16.gemm / 989.5e12), 1e-9);
    expectClose(f8.attention, f16.attention, 1e-12);
    // a compute-bound 2048-token prefill gains less than 2× from FP8: 2 × 0.84 on the GEMMs at most
    const prefill = (p: "fp8" | "bf16") => model("llama2-7b").on(gpu("H100").precision(p)).overhead(NO_OVERHEAD).prefill({ prompt: 2048 }).time.value;
    const speedup = prefill("bf16") / prefill("fp8");
    expect(speedup).toBeGreaterThan(1.2);
    expect(speedup).toBeLessThan(2 * 0.84);
  });
  it("MoE expert GEMMs run at the grouped fraction and slow with load imbalance; dense models are untouched", () => {
    const e = model("mixtral-8x7b").on(cluster(gpu("H100").fp8(), 2).tp(2)).overhead(NO_OVERHEAD);
    const experts = (x: typeof e) => x.rows({ batch: 64, prompt: 512 }).find((r) => r.op === "experts")!;
    expect(experts(e).cls).toBe("grouped");
    const flat = DEFAULT_KERNELS.grouped;
    if (typeof flat !== "number") throw new Error("the default grouped is a flat fraction");
    expect(experts(e.kernels({ grouped: flat / 2 })).time).toBeGreaterThan(experts(e).time);
    expect(experts(e.kernels({ imbalance: DEFAULT_KERNELS.imbalance * 2 })).time).toBeGreaterThan(experts(e).time);
    const ideal = e.kernels({ grouped: 1, imbalance: 1 });
    expect(experts(ideal).time).toBeLessThan(experts(e).time);
    const dense = model("llama3-8b").on(gpu("H100"));
    expect(dense.kernels({ grouped: 0.5, imbalance: 3 }).decode({ batch: 8, context: 1024 }).time.value).toBe(dense.decode({ batch: 8, context: 1024 }).time.value);
  });
  it("GEMM shape: halfM slows compute-bound prefill of few tokens more than of many, and leaves memory-bound decode's bytes alone", () => {
    const e = model("llama3-8b").on(gpu("H100")).overhead(NO_OVERHEAD);
    const slow = (p: number) => e.kernels({ halfM: 128 }).prefill({ prompt: p }).time.value / e.prefill({ prompt: p }).time.value;
    expect(slow(256)).toBeGreaterThan(slow(8192));
    expect(slow(8192)).toBeGreaterThan(1);
    const d = (x: typeof e) => x.rows({ batch: 8, context: 1024 }).find((r) => r.op === "mlp")!.memoryTime;
    expect(d(e.kernels({ halfM: 128 }))).toBe(d(e));
  });
});
