import { describe, it, expect } from "vitest";
import { model, gpu, cluster, SuanliError } from "../../src/index.js";
import { gpuParams, paramsOnGpu } from "../../src/training/states.js";
import { expertAllToAllTime } from "../../src/hardware/alltoall.js";
import { collectiveTime } from "../../src/hardware/collectives.js";
import { nodeLimitedShare } from "../../src/training/time.js";
import { inFlight } from "../../src/training/activations.js";
import { expectClose } from "../helpers.js";

const v3 = model("deepseek-v3");
const mixtral = model("mixtral-8x7b");

// DeepSeek-V3 technical report, arXiv:2412.19437: §3.1 2048 H800 (8 per node, NVLink inside,
// InfiniBand 50 GB/s per GPU across, §3.2.2); §3.2 pp 16, ep 64 over 8 nodes, ZeRO-1 data
// parallelism, DualPipe; §3.3 FP8 mixed precision (bf16 moments, fp32 master and gradients);
// §3.2.3 RMSNorm and MLA up-projection recomputation; §4.2 sequence 4096, batch 15360 sequences
// after the ramp; §4.2/Table 1: 14.8T tokens, 2.664M H800 GPU-hours of pre-training.
const PUBLISHED_GPU_HOURS = 2.664e6;
const h800s = cluster(gpu("H800").fp8(), 2048).pp(16).ep(64).network("400 Gb/s");
const v3Recipe = { seq: 4096, microBatch: 1, globalBatch: 15360, precision: "fp8", fp8Recipe: "deepseek-v3", zero: 1, recompute: "deepseek-v3", schedule: "dualpipe" } as const;

describe("expert parallelism in training: DeepSeek-V3 pre-training as its report describes it", () => {
  const t = v3.train(v3Recipe).on(h800s);
  it("fits 80 GB per H800 with experts over ep 64 (it would need ~4× that with every expert on every GPU)", () => {
    const mem = t.memory();
    expect(mem.fits).toBe(true);
    expect(mem.total.value).toBeLessThanOrEqual(80 * 2 ** 30);
    const noEp = v3.train(v3Recipe).on(cluster(gpu("H800").fp8(), 2048).pp(16).network("400 Gb/s")).memory();
    expect(noEp.fits).toBe(false);
    expect(noEp.bytes.weights / mem.bytes.weights).toBeGreaterThan(4);
  });
  it("gives GPU-hours for 14.8T tokens within a factor 1.6 of the published 2.664M (printed)", () => {
    const run = t.time({ tokens: 14.8e12 });
    const ratio = run.gpuHours.value / PUBLISHED_GPU_HOURS;
    console.log(`DeepSeek-V3 pre-training: ${t.memory().total.format()} per GPU; ${(run.gpuHours.value / 1e6).toFixed(3)}M GPU-hours predicted vs 2.664M published (${((ratio - 1) * 100).toFixed(0)} %); MFU ${(run.step.times.mfu * 100).toFixed(1)} % of FP8 peak`);
    expect(ratio).toBeGreaterThan(1 / 1.6);
    expect(ratio).toBeLessThan(1.6);
  });
  it("DualPipe hides the all-to-alls that 1F1B exposes (the ~1:1 computation-to-communication ratio of §3.2.1)", () => {
    const dual = t.step().times;
    const f1b = v3.train({ ...v3Recipe, schedule: "1f1b" }).on(h800s).step().times;
    expect(dual.epTotal).toBeGreaterThan(0);
    expect(dual.ep).toBeLessThan(0.1 * dual.epTotal);
    expect(f1b.ep).toBe(f1b.epTotal);
    const perMb = f1b.epTotal / 120;
    expect(perMb / f1b.microBatchTime).toBeGreaterThan(0.5);
    expect(perMb / f1b.microBatchTime).toBeLessThan(2);
    expect(dual.bubble).toBeLessThan(f1b.bubble);
    expect(dual.step).toBeLessThan(f1b.step);
    expect(t.step().breakdown().objects().map((r) => (r as { component: string }).component)).toContain("EP all-to-alls (exposed)");
  });
});

describe("gpuParams: experts over ep, their states over edp = tp·dp/ep (Megatron-Core MoE parallel folding, ETP 1)", () => {
  const p = mixtral.paramBreakdown();
  const a = mixtral.arch;
  it("ep 1 holds what paramsOnGpu says, all replicated over dp", () => {
    const g = gpuParams(p, a, { tp: 2, pp: 1, dp: 8 }, "only");
    expect(g.expert).toBe(0);
    expect(g.edp).toBe(8);
    expectClose(g.dense, paramsOnGpu(p, a, 2, 1, "only"));
  });
  it("ep 8 on tp 2 × dp 8: routed experts ÷ 8 whole, edp 2; the total over the stage is the model once per edp", () => {
    const g = gpuParams(p, a, { tp: 2, pp: 1, dp: 8, ep: 8 }, "only");
    expect(g.edp).toBe(2);
    expectClose(g.expert, p.experts / 8);
    expectClose(g.dense, (p.total - p.experts) / 2);
    // 16 GPUs: dense held by each tp pair, 8 times over; experts held by each ep group, twice over
    expectClose(16 * g.dense + 16 * g.expert, 8 * (p.total - p.experts) + 2 * p.experts);
  });
  it("DualPipe holds two copies of the stage", () => {
    const one = gpuParams(p, a, { tp: 1, pp: 4, dp: 8, ep: 8 }, "first");
    const two = gpuParams(p, a, { tp: 1, pp: 4, dp: 8, ep: 8, schedule: "dualpipe" }, "first");
    expectClose(two.dense, 2 * one.dense);
    expectClose(two.expert, 2 * one.expert);
  });
});

describe("training with .ep(k)", () => {
  const opts = { seq: 4096, microBatch: 1, globalBatch: 256, precision: "bf16", zero: 1 } as const;
  const on = (ep: number, tp = 1) => mixtral.train(opts).on(cluster(gpu("H100"), 64).tp(tp).ep(ep).network("400 Gb/s"));
  it("more EP never needs more memory per GPU", () => {
    const totals = [1, 2, 4, 8].map((k) => on(k).memory().total.value);
    for (let i = 1; i < totals.length; i++) expect(totals[i]!).toBeLessThanOrEqual(totals[i - 1]!);
    expect(totals[3]!).toBeLessThan(0.5 * totals[0]!);
  });
  it("ep = tp holds the same states as ep 1 (experts split over the same GPUs, replicated over the same dp)", () => {
    const a = on(1, 2).memory().bytes;
    const b = on(2, 2).memory().bytes;
    expectClose(b.weights, a.weights);
    expectClose(b.optimizer, a.optimizer);
  });
  it("an EP group inside a node all-to-alls over NVLink; one across nodes costs more", () => {
    const inNode = on(8).step({ checkMemory: false }).times;
    const across = mixtral.train(opts).on(cluster(gpu("H100"), 64).ep(8).perNode(4).network("400 Gb/s")).step({ checkMemory: false }).times;
    expect(inNode.epTotal).toBeGreaterThan(0);
    expect(across.epTotal).toBeGreaterThan(inNode.epTotal);
    expect(inNode.volume.ep).toBeGreaterThan(0);
    expect(on(1).step({ checkMemory: false }).times.epTotal).toBe(0);
  });
  it("expert imbalance slows the step and raises the busiest GPU's activations", () => {
    const even = mixtral.train(opts).on(cluster(gpu("H100"), 64).ep(8).network("400 Gb/s"));
    const skew = mixtral.train(opts).on(cluster(gpu("H100"), 64).ep(8, { imbalance: 1.5 }).network("400 Gb/s"));
    expect(skew.step({ checkMemory: false }).times.step).toBeGreaterThan(even.step({ checkMemory: false }).times.step);
    expect(skew.memory().bytes.activations).toBeGreaterThan(even.memory().bytes.activations);
  });
  it("refuses ep that does not divide the experts, ep on a dense model, and a contradicting option", () => {
    const bad = (f: () => unknown, re: RegExp) => {
      try { f(); } catch (e) { expect(e).toBeInstanceOf(SuanliError); expect((e as Error).message).toMatch(re); return; }
      throw new Error("expected a refusal");
    };
    bad(() => mixtral.train({ seq: 4096 }).on(cluster(gpu("H100"), 16).ep(16)), /ep 16 does not divide the 8 routed experts of mixtral-8x7b/);
    bad(() => model("llama3.1-8b").train({ seq: 4096 }).on(cluster(gpu("H100"), 8).ep(8)), /ep 8 needs routed experts; llama3.1-8b is dense/);
    bad(() => mixtral.train({ seq: 4096, dp: 8, ep: 4 }).on(cluster(gpu("H100"), 8).ep(8)), /options say ep = 4 but the cluster's layout has ep = 8/);
    bad(() => mixtral.train({ seq: 4096, dp: 4, ep: 3 }), /ep 3 must be a multiple of tp 1 and divide tp × dp = 4/);
    bad(() => mixtral.train({ seq: 4096, pp: 3, schedule: "dualpipe" }), /even pp/);
    bad(() => mixtral.train({ seq: 4096, schedule: "gpipe" }), /unknown training schedule "gpipe"; accepted: 1f1b, dualpipe/);
  });
});

describe("expertAllToAllTime", () => {
  const c = cluster(gpu("H800"), 64).network("400 Gb/s");
  it("inside a node it is the pairwise exchange of collectives.ts", () => {
    expectClose(expertAllToAllTime(c, 8, 1e8, 0.8), collectiveTime("allToAll", 1e8, 8, c.linkFor(8), 0.8));
    expect(expertAllToAllTime(c, 1, 1e8, 0.8)).toBe(0);
  });
  it("across nodes the network share binds; node-limited routing sends less over it", () => {
    const all = expertAllToAllTime(c, 64, 1e8, 0.8);
    expect(all).toBeGreaterThan(expertAllToAllTime(c, 8, 1e8, 0.8));
    const share = nodeLimitedShare(v3.arch, 64, 8)!;
    expectClose(share, (4 * (1 - 1 / 8)) / 8); // topk_group 4 of 8 groups, one group per node, k = 8
    expect(expertAllToAllTime(c, 64, 1e8, 0.8, share)).toBeLessThan(all);
    expect(nodeLimitedShare(v3.arch, 32, 8)).toBeUndefined();
    expect(nodeLimitedShare(mixtral.arch, 64, 8)).toBeUndefined();
  });
});

describe("inFlight under DualPipe: p + 1 micro-batches (arXiv:2412.19437 Table 2)", () => {
  it("holds p + 1, capped by the micro-batches", () => {
    expect(inFlight({ pp: 16, accumulation: 120, interleave: 1, schedule: "dualpipe" })).toBe(17);
    expect(inFlight({ pp: 16, accumulation: 8, interleave: 1, schedule: "dualpipe" })).toBe(8);
  });
});
