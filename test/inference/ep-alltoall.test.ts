import { describe, it, expect } from "vitest";
import { allToAllTime, cluster, mixedStep, collectiveTime, DEFAULT_EFFICIENCY, DEFAULT_KERNELS, gpu, model, NO_OVERHEAD } from "../../src/index.js";
import { errorOf, expectClose } from "../helpers.js";

// DeepEP's low-latency kernels on H800, one CX7 400 Gb/s NIC per GPU, 128 tokens per rank,
// hidden 7168, top-8, FP8 dispatch, BF16 combine (deepseek-ai/DeepEP README, "Low-latency
// kernels with pure RDMA"; the V1 table kept in docs/legacy.md): EP 128 dispatch 192 µs,
// combine 369 µs; EP 32 → 256 dispatch 155 → 194 µs.
const DEEPEP = { dispatch: 192e-6, combine: 369e-6, ep32: 155e-6, ep256: 194e-6 };
const tokens = 128;
const topk = 8;
const hidden = 7168;
const link = (n: number) => cluster(gpu("H800"), n).network("400 Gb/s").linkFor(n);
const eta = DEFAULT_EFFICIENCY.link;
const dispatchBytes = tokens * topk * hidden * 1; // FP8
const combineBytes = tokens * topk * hidden * 2; // BF16

describe("allToAllTime: direct (DeepEP low-latency) against the ring", () => {
  it("direct pays one start-up: α + (n−1)/n × S/(η·B); ring is collectiveTime's", () => {
    const l = link(128);
    expectClose(allToAllTime(dispatchBytes, 128, l, eta, "direct"), l.latency + ((127 / 128) * dispatchBytes) / (eta * l.perDirection), 1e-12);
    expect(allToAllTime(dispatchBytes, 128, l, eta, "ring")).toBe(collectiveTime("allToAll", dispatchBytes, 128, l, eta));
    expect(allToAllTime(dispatchBytes, 1, l, eta, "direct")).toBe(0);
    expect(allToAllTime(0, 128, l, eta, "direct")).toBe(0);
  });

  it("reproduces DeepEP's EP 128 dispatch (192 µs) and combine (369 µs) within 25 %; the ring is ≥ 2.5× off", () => {
    const l = link(128);
    for (const [bytes, measured] of [[dispatchBytes, DEEPEP.dispatch], [combineBytes, DEEPEP.combine]] as const) {
      const direct = allToAllTime(bytes, 128, l, eta, "direct");
      expect(Math.abs(direct / measured - 1)).toBeLessThan(0.25);
      expect(allToAllTime(bytes, 128, l, eta, "ring") / measured).toBeGreaterThan(2.5);
    }
  });

  it("is nearly flat in the group size, as DeepEP measures (EP 32 → 256: ×1.25); the ring's latency grows ×8", () => {
    const measured = DEEPEP.ep256 / DEEPEP.ep32;
    const direct = allToAllTime(dispatchBytes, 256, link(256), eta, "direct") / allToAllTime(dispatchBytes, 32, link(32), eta, "direct");
    const ring = allToAllTime(dispatchBytes, 256, link(256), eta, "ring") / allToAllTime(dispatchBytes, 32, link(32), eta, "ring");
    expect(direct).toBeLessThan(measured);
    expect(direct).toBeGreaterThanOrEqual(1);
    expect(ring).toBeGreaterThan(3);
  });
});

describe("kernels.allToAll and kernels.epOverlap in expert-parallel decode", () => {
  // DeepSeek-V3 EP decode on 128 H800 (DeepSeek's decoding profile: EP 128, batch 128 per GPU)
  const ep = () => model("deepseek-v3").on(cluster(gpu("H800").fp8(), 128).network("400 Gb/s").ep(128)).overhead(NO_OVERHEAD);
  const step = { batch: 128, tokens: 1, past: 4095 };

  it("defaults to direct with no overlap; the ring costs (n−1)·α − α more per all-to-all", () => {
    expect(DEFAULT_KERNELS.allToAll).toBe("direct");
    expect(DEFAULT_KERNELS.epOverlap).toBe(0);
    const e = ep();
    const direct = e.stepTime(step);
    const ring = e.kernels({ allToAll: "ring" }).stepTime(step);
    const count = e.rows({ batch: 128, context: 4096 }).find((r) => r.op === "all-to-all")!.count;
    expectClose(ring.total - direct.total, count * 126 * link(128).latency, 1e-6);
    expectClose(ring.link - direct.link, ring.total - direct.total, 1e-9);
  });

  it("dispatches FP8 (1 B + one fp32 scale per 128) and combines BF16: the engine's mean all-to-all is DeepEP's (192 + 369)/2 µs within 15 %", () => {
    const a2a = (e: ReturnType<typeof ep>) => e.rows({ batch: 128, context: 4096 }).find((r) => r.op === "all-to-all")!;
    const fp8 = a2a(ep());
    const bf16 = a2a(model("deepseek-v3").on(cluster(gpu("H800").bf16(), 128).network("400 Gb/s").ep(128)).overhead(NO_OVERHEAD));
    expectClose(fp8.wireBytes / bf16.wireBytes, (1 + 4 / 128 + 2) / (2 + 2), 1e-12);
    const mean = fp8.linkTime / fp8.count;
    expect(Math.abs(mean / ((DEEPEP.dispatch + DEEPEP.combine) / 2) - 1)).toBeLessThan(0.15);
  });

  it("epOverlap hides epOverlap × min(all-to-all, rest of the step), in stepTime and the breakdown alike", () => {
    const e = ep();
    const base = e.stepTime(step);
    const rows = e.rows({ batch: 128, context: 4096 });
    const a2a = rows.find((r) => r.op === "all-to-all")!.linkTime;
    const rest = base.total - base.link;
    for (const f of [0.5, 1]) {
      const t = e.kernels({ epOverlap: f }).stepTime(step);
      expectClose(base.total - t.total, f * Math.min(a2a, rest), 1e-9);
      const sum = e.kernels({ epOverlap: f }).rows({ batch: 128, context: 4096 }).reduce((s, r) => s + r.time, 0);
      expectClose(sum, t.total, 1e-9);
      expectClose(mixedStep(e.kernels({ epOverlap: f }), [step]).time, t.total, 1e-9);
    }
    // no all-to-all, nothing to hide: dense or ep 1 engines are unchanged
    const dense = model("llama2-70b").on(cluster(gpu("H100"), 8).tp(8)).overhead(NO_OVERHEAD);
    expect(dense.kernels({ epOverlap: 1 }).stepTime(step).total).toBe(dense.stepTime(step).total);
  });

  it("refuses a bad algorithm or overlap with one line naming it", () => {
    const e = ep();
    expect(errorOf(() => e.kernels({ allToAll: "tree" })).message).toMatch(/kernels\.allToAll.*"tree"/);
    expect(errorOf(() => e.kernels({ epOverlap: 1.5 })).message).toMatch(/kernels\.epOverlap must be in \[0, 1\] or "two-batch", got 1\.5/);
    expect(errorOf(() => e.kernels({ epOverlap: Number.NaN })).message).toMatch(/kernels\.epOverlap/);
  });
});
