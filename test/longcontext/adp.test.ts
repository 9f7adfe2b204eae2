import { describe, expect, it } from "vitest";
import { capacity, cluster, decodePart, gpu, lockstepStep, model, offline, simulate, type SimulationResult } from "../../src/index.js";
import { errorOf } from "../helpers.js";
import { small } from "./fixtures.js";

const adp = () => model("deepseek-r1").on(cluster(gpu("H200").fp8(), 8).ep(8));

const conserved = (r: SimulationResult) => {
  expect(r.finished + r.running + r.queued + r.rejected).toBe(r.arrived);
  expect(r.arrived).toBeLessThanOrEqual(r.total);
  expect(Number.isFinite(r.throughput) && Number.isFinite(r.balanceRatio)).toBe(true);
};

/**
 * Tech blog 10's "Performance Analysis: Baseline vs. ADP Balance": every rank decodes M
 * requests, and N = 8 equal prompts arrive one (prefill) iteration apart. Round-robin puts each
 * on its own rank in its own iteration (N iterations at time(ctx)); context wait holds them
 * (decode-only iterations) until every rank has one and runs them together once.
 */
function blog10Scenario() {
  const e = adp();
  const M = 32;
  const gen = lockstepStep(e, Array(8).fill([decodePart(M, 300)])).time;
  const ctx = lockstepStep(e, [[{ batch: 1, tokens: 6000, past: 0 }, decodePart(M, 300)], ...Array(7).fill([decodePart(M, 300)])]).time;
  const trace = [
    ...Array.from({ length: 8 * M }, () => ({ time: 0, prompt: 64, output: 600 })),
    ...Array.from({ length: 8 }, (_, j) => ({ time: 100 * gen + j * ctx, prompt: 6000, output: 1 })),
  ];
  const all = lockstepStep(e, Array(8).fill([{ batch: 1, tokens: 6000, past: 0 }, decodePart(M, 300)])).time;
  // blog 10's time savings, N·time(ctx) − time(all N together), each in place of a decode iteration
  const saving = 8 * (ctx - gen) - (all - gen);
  // enough iterations of decodes alone for all N to arrive, counted from the first iteration
  // (the wait counter also runs while no rank has a prompt)
  return { e, trace, timeoutIters: 100 + Math.ceil((8 * ctx) / gen), saving };
}

describe("simulate(adpEngine, { policy: 'inflight' }): the ranks of one expert group in lockstep", () => {
  it("runs the ep ranks together and says so; requests conserved; deterministic", () => {
    const e = adp();
    const o = { requests: 200, prompt: { uniform: [100, 3000] as const }, output: { lognormal: { median: 150, sigma: 0.8 }, max: 800 }, seed: 3, maxBatch: 16 };
    const a = simulate(e, o);
    expect(a.replicas).toBe(8);
    expect(a.finished).toBe(200);
    expect(a.balanceRatio).toBeGreaterThan(0);
    expect(a.balanceRatio).toBeLessThan(1);
    expect(a).toEqual(simulate(e, o));
    expect(a.peakKv).toBeLessThanOrEqual(a.budget);
    expect(String(a)).toMatch(/8 ranks in lockstep, balance ratio 0\.\d\d/);
    conserved(a);
    const cut = simulate(e, { ...o, maxSteps: 40 });
    expect(cut.truncated).toBe(true);
    conserved(cut);
  });
  it("round-robin's staggered prompts stall the decoding ranks; blog 10's context wait recovers the throughput at a TTFT cost", () => {
    const { e, trace, timeoutIters, saving } = blog10Scenario();
    const base = simulate(e, { trace, maxBatch: 64 });
    const wait = simulate(e, { trace, maxBatch: 64, balance: { timeoutIters } });
    expect(base.finished).toBe(trace.length);
    expect(wait.finished).toBe(trace.length);
    // most of the analysis' saving (the decodes' context keeps growing meanwhile, so not all of it)
    expect(base.makespan - wait.makespan).toBeGreaterThan(0.7 * saving);
    expect(base.makespan - wait.makespan).toBeLessThan(1.05 * saving);
    expect(wait.throughput).toBeGreaterThan(base.throughput);
    expect(wait.balanceRatio).toBeGreaterThan(base.balanceRatio);
    const long = (r: SimulationResult) => r.requests.filter((q) => q.prompt === 6000).map((q) => q.firstToken! - q.arrival);
    expect(Math.max(...long(wait))).toBeGreaterThan(Math.max(...long(base)));
  });
  it("identical requests keep the ranks in phase (balance ratio 1); lengths that vary put them out of phase and cost throughput", () => {
    const e = adp();
    const o = { requests: 512, prompt: 600, maxBatch: 16 };
    const same = simulate(e, { ...o, output: 120 });
    const varied = simulate(e, { ...o, output: { normal: { mean: 120, sd: 12 } }, seed: 5 });
    expect(same.balanceRatio).toBe(1);
    expect(varied.balanceRatio).toBeLessThan(0.95);
    // per output token, the out-of-phase ranks take longer (the mean output is within 2 % of 120)
    const mean = (r: SimulationResult) => r.requests.reduce((a, q) => a + q.output, 0) / r.requests.length;
    expect(Math.abs(mean(varied) / 120 - 1)).toBeLessThan(0.02);
    expect(varied.throughput).toBeLessThan(same.throughput * 0.97);
  });
  it("a timeout of 1 iteration waits for nothing: the baseline schedule", () => {
    const { e, trace } = blog10Scenario();
    const base = simulate(e, { trace, maxBatch: 64 });
    const now = simulate(e, { trace, maxBatch: 64, balance: { timeoutIters: 1 } });
    expect(now.makespan).toBeCloseTo(base.makespan, 9);
  });
  it("concurrency caps the requests in the system; a rank never holds more than maxBatch", () => {
    const e = adp();
    const o = { requests: 120, prompt: 500, output: 50, maxBatch: 8 };
    const capped = simulate(e, { ...o, concurrency: 16, samples: 50 });
    const free = simulate(e, { ...o, samples: 50 });
    for (const row of capped.timeline) expect(row.running + row.queued).toBeLessThanOrEqual(16);
    for (const row of free.timeline) expect(row.running).toBeLessThanOrEqual(8 * 8);
    expect(capped.makespan).toBeGreaterThan(free.makespan);
    conserved(capped);
  });
  it("a request whose cache cannot fit one rank is rejected on arrival", () => {
    const r = simulate(adp().dtypes({ kv: "bf16" }), { trace: [{ time: 0, prompt: 1000, output: 10 }, { time: 0, prompt: 2_000_000, output: 1 }], maxBatch: 4 });
    expect(r.rejected).toBe(1);
    conserved(r);
  });
  it("refuses a bad balance or concurrency by name", () => {
    expect(errorOf(() => simulate(small(), { requests: 2, balance: { timeoutIters: 50 } })).message).toMatch(/^balance: only an engine whose attention is data-parallel/);
    expect(errorOf(() => simulate(adp(), { requests: 2, balance: { timeoutIters: 0 } })).message).toMatch(/balance\.timeoutIters must be a positive integer, got 0/);
    expect(errorOf(() => simulate(adp(), { requests: 2, balance: { timeoutIters: 5, batchingWaitIters: -1 } })).message).toMatch(/balance\.batchingWaitIters must be a non-negative integer/);
    expect(errorOf(() => simulate(adp(), { requests: 2, balance: { timeout: 5 } as never })).message).toMatch(/timeout/);
    expect(errorOf(() => simulate(adp(), { requests: 2, balance: "on" as never })).message).toMatch(/balance must be \{ timeoutIters, batchingWaitIters\? \}, got "on"/);
    expect(errorOf(() => simulate(small(), { requests: 2, concurrency: 0 })).message).toMatch(/concurrency must be a positive integer, got 0/);
  });
});

describe("simulate / offline on engines without lockstep ranks", () => {
  const wl = { requests: 40, rate: 5, prompt: { uniform: [200, 2000] as const }, output: 80, seed: 9, maxBatch: 16 };
  for (const [name, e] of [
    ["dense, one GPU", small()],
    ["experts tp-split (tp 8, ep 8)", model("deepseek-r1").on(cluster(gpu("H200").fp8(), 8).tp(8).ep(8))],
  ] as const) {
    it(`${name}: one replica, balance ratio 1, and a concurrency cap that never binds changes nothing`, () => {
      const a = simulate(e, wl);
      expect(a.replicas).toBe(1);
      expect(a.balanceRatio).toBe(1);
      expect(simulate(e, { ...wl, concurrency: 40 })).toEqual(a);
    });
  }
  it("offline() counts every data-parallel replica once: dp over the replicas the simulation ran", () => {
    const w = { workload: { requests: 64, prompt: 400, output: 40 }, maxBatch: 8 };
    const one = offline(model("deepseek-r1").on(cluster(gpu("H200").fp8(), 8).ep(8)), w);
    expect(one.simulation.replicas).toBe(8);
    expect(one.tokensPerSecond).toBeCloseTo(one.simulation.throughput, 9);
    const two = offline(model("deepseek-r1").on(cluster(gpu("H200").fp8(), 16).ep(8)), w);
    expect(two.tokensPerSecond).toBeCloseTo(2 * two.simulation.throughput, 9);
  });
  it("capacity() on the lockstep ranks: the rate is of all replicas, per replica the group's ÷ its ranks", () => {
    const e = model("deepseek-r1").on(cluster(gpu("H200").fp8(), 8).ep(8));
    const c = capacity(e, { workload: { requests: 48, prompt: 400, output: 30 }, slo: { ttftP99: "20 s", tpotP99: "1 s" }, maxBatch: 4, tolerance: 0.2 });
    expect(c.rate).toBeGreaterThan(0);
    expect(c.simulation.replicas).toBe(8);
    expect(c.ratePerReplica).toBeCloseTo(c.rate / 8, 9);
    expect(c.tokensPerSecond).toBeCloseTo(c.simulation.throughput, 9);
  });
});
