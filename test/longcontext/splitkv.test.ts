import { describe, expect, it } from "vitest";
import { chooseSplits, cluster, gpu, model, occupancy, splitKv } from "../../src/index.js";
import { errorOf } from "../helpers.js";
import { h20 } from "./fixtures.js";

describe("occupancy(blocks, sms) and chooseSplits(units, sms, max)", () => {
  it("counts the busy fraction of the last wave", () => {
    expect(occupancy(78, 78)).toBe(1);
    expect(occupancy(8, 78)).toBeCloseTo(8 / 78, 12);
    expect(occupancy(79, 78)).toBeCloseTo(79 / 156, 12);
  });
  it("picks the smallest split count with the best occupancy, within the cap", () => {
    expect(chooseSplits(8, 78, 1)).toBe(1);
    const s = chooseSplits(8, 78, 128);
    expect(occupancy(8 * s, 78)).toBe(1);
    expect(chooseSplits(132, 132, 64)).toBe(1);
  });
});

describe("splitKv(e, { batch, context })", () => {
  const e = h20();
  it("split-KV speeds decode attention most at batch 1 and long context", () => {
    const r = splitKv(e, { batch: 1, context: 32768 });
    expect(r.sms).toBe(78);
    expect(r.splits).toBeGreaterThan(1);
    expect(r.attentionSpeedup).toBeGreaterThan(3);
    expect(r.decodeSplit).toBeLessThan(r.decodeNoSplit);
  });
  it("the gain shrinks as the batch grows and as the context shrinks", () => {
    const gain = (batch: number, context: number) => splitKv(e, { batch, context }).attentionSpeedup;
    expect(gain(1, 32768)).toBeGreaterThan(gain(8, 32768));
    expect(gain(1, 32768)).toBeGreaterThanOrEqual(gain(1, 512));
    expect(gain(1, 256)).toBe(1);
  });
  it("uses the SM count of each GPU", () => {
    const h100 = model("llama2-70b").on(cluster(gpu("H100"), 8).tp(8));
    expect(splitKv(h100, { context: 8192 }).sms).toBe(132);
  });
  it("refuses bad input", () => {
    expect(errorOf(() => splitKv(e, { context: 0 })).message).toMatch(/context must be a positive integer/);
    expect(errorOf(() => splitKv(e, { context: 1024, launch: -1 })).message).toMatch(/launch/);
  });
});

describe("splitKv never picks a split slower than none", () => {
  it("falcon-7b on B200, batch 32, context 10855: the split the occupancy heuristic picks loses to its reduction, so none is taken", () => {
    const e = model("falcon-7b").on(gpu("B200"));
    const r = splitKv(e, { batch: 32, context: 10855 });
    expect(r.attentionSplit).toBeLessThanOrEqual(r.attentionNoSplit);
    expect(r.decodeSplit).toBeLessThanOrEqual(r.decodeNoSplit);
    for (const batch of [1, 2, 8, 32, 64]) {
      for (const context of [1024, 4096, 10855, 32768]) {
        const x = splitKv(e, { batch, context });
        expect(x.decodeSplit).toBeLessThanOrEqual(x.decodeNoSplit + 1e-15);
        expect(x.splits === 1 ? x.decodeSplit : x.decodeNoSplit).toBeGreaterThan(0);
      }
    }
  });
  it('MLA with units "kvHeads": one latent per sequence, so batch units, not batch × 128 (FlashMLA grid: one block per sequence and split)', () => {
    const e = model("deepseek-v3").on(cluster(gpu("H20").fp8(), 8).tp(8));
    expect(splitKv(e, { batch: 4, context: 8192, units: "kvHeads" }).blocks).toBe(4);
    expect(splitKv(e, { batch: 4, context: 8192 }).blocks).toBe(4 * 16);
  });
});
