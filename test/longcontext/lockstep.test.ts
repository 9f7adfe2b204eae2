import { describe, expect, it } from "vitest";
import { cluster, decodePart, gpu, lockstepRanks, lockstepStep, mixedStep, model } from "../../src/index.js";
import { expectClose } from "../helpers.js";

// DeepSeek-R1 on 8×H200 with attention data-parallel and experts over all 8 (tp 1, dp 8, ep 8):
// the layout of TensorRT-LLM's max-throughput runs (Best_perf_practice_on_DeepSeek-R1_in_TensorRT-LLM.md).
const adp = () => model("deepseek-r1").on(cluster(gpu("H200").fp8(), 8).ep(8));
const dec = decodePart(127, 2048);
const ctx = { batch: 1, tokens: 1024, past: 0 };

describe("lockstepRanks(e)", () => {
  it("is ep ÷ tp for an expert-parallel engine, 1 otherwise", () => {
    expect(lockstepRanks(adp())).toBe(8);
    expect(lockstepRanks(model("deepseek-r1").on(cluster(gpu("H200").fp8(), 8).tp(2).ep(8)))).toBe(4);
    expect(lockstepRanks(model("deepseek-r1").on(cluster(gpu("H200").fp8(), 8).tp(8).ep(8)))).toBe(1);
    expect(lockstepRanks(model("deepseek-r1").on(cluster(gpu("H200").fp8(), 16).tp(8)))).toBe(1);
    expect(lockstepRanks(model("llama2-70b").on(cluster(gpu("H100"), 8).tp(2)))).toBe(1);
  });
});

describe("lockstepStep(e, ranks)", () => {
  const e = adp();
  it("equals mixedStep when every rank runs the same parts (the mean of equal ranks is each rank)", () => {
    for (const parts of [[dec], [ctx, dec], [ctx]]) expectClose(lockstepStep(e, Array(8).fill(parts)).time, mixedStep(e, parts).time, 1e-12);
    expect(lockstepStep(e, Array(8).fill([dec])).balanceRatio).toBe(1);
    expect(lockstepStep(e, Array(8).fill([])).time).toBe(0);
  });
  it("costs the slowest rank: one rank's prefill chunk stalls the seven decoding ranks (tech blog 10, time_i = max_m time_i,m)", () => {
    const calm = lockstepStep(e, Array(8).fill([dec]));
    const one = lockstepStep(e, [[dec], [dec], [ctx, dec], [dec], [dec], [dec], [dec], [dec]]);
    expect(one.slowest).toBe(2);
    // the ranks wait for the prefilling one: the iteration costs at least its attention side …
    expect(one.time).toBeGreaterThan(calm.time * 1.2);
    // … but the expert GEMMs share the one prompt over 8 ranks: less than every rank prefilling
    expect(one.time).toBeLessThan(lockstepStep(e, Array(8).fill([ctx, dec])).time);
    // where the prefill runs does not matter, only that one rank runs it
    expectClose(lockstepStep(e, [[ctx, dec], ...Array(7).fill([dec])]).time, one.time, 1e-12);
    // blog 10's balance ratio: mean ÷ max tokens per rank
    expectClose(one.balanceRatio, (8 * 127 + 1024) / 8 / (127 + 1024), 1e-12);
  });
  it("the expert side sees the ranks' mean: moving decodes from one rank to another at a fixed total costs more when uneven", () => {
    const even = lockstepStep(e, Array(8).fill([decodePart(64, 2048)])).time;
    const uneven = lockstepStep(e, [[decodePart(128, 2048)], [], ...Array(6).fill([decodePart(64, 2048)])]).time;
    expect(uneven).toBeGreaterThan(even);
    // the busiest rank alone with the others at its load would cost more still (its experts see twice the tokens)
    expect(uneven).toBeLessThan(lockstepStep(e, Array(8).fill([decodePart(128, 2048)])).time);
  });
  it("an idle rank still runs the weights-only forward, so a lone sequence costs more than nothing", () => {
    const lone = lockstepStep(e, [[decodePart(1, 2048)], ...Array(7).fill([])]);
    expect(lone.time).toBeGreaterThan(0);
    expect(lone.slowest).toBe(0);
    expectClose(lone.balanceRatio, 1 / 8, 1e-12);
  });
});
