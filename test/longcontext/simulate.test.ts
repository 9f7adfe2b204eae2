import { describe, expect, it } from "vitest";
import { compareBatching, gpu, model, simulate, workload, type SimulationResult } from "../../src/index.js";
import { errorOf } from "../helpers.js";
import { h20, small } from "./fixtures.js";

const conserved = (r: SimulationResult) => {
  expect(r.finished + r.running + r.queued + r.rejected).toBe(r.arrived);
  expect(r.arrived).toBeLessThanOrEqual(r.total);
  for (const s of [r.ttft, r.tpot, r.latency]) for (const v of Object.values(s)) expect(Number.isFinite(v)).toBe(true);
  expect(Number.isFinite(r.throughput)).toBe(true);
};

const wl = { requests: 60, rate: 4, prompt: { uniform: [200, 2000] as const }, output: { lognormal: { median: 128, sigma: 0.6 }, max: 1024 }, seed: 42 };

describe("workload({ requests, rate, prompt, output, seed })", () => {
  it("same seed → identical requests; another seed → different", () => {
    expect(workload(wl)).toEqual(workload(wl));
    expect(workload({ ...wl, seed: 43 })).not.toEqual(workload(wl));
    for (const r of workload(wl)) expect(Number.isInteger(r.prompt) && r.prompt >= 200 && r.prompt <= 2000 && r.output <= 1024).toBe(true);
  });
  it("refuses negative trace times and lengths", () => {
    expect(errorOf(() => workload({ trace: [{ time: -1, prompt: 10, output: 10 }] })).message).toMatch(/trace\[0\]\.time must be a finite number of seconds ≥ 0/);
    expect(errorOf(() => workload({ trace: [{ time: 0, prompt: -5, output: 10 }] })).message).toMatch(/trace\[0\]\.prompt must be a positive integer/);
    expect(errorOf(() => workload({ trace: [{ time: 0, prompt: 5, output: 0 }] })).message).toMatch(/trace\[0\]\.output must be a positive integer/);
    expect(errorOf(() => workload({ rate: -2 })).message).toMatch(/rate must be a finite number > 0/);
    expect(errorOf(() => workload({ prompt: { uniform: [10, 5] } })).message).toMatch(/max < min/);
  });
});

describe("simulate(e, { policy, … })", () => {
  const e = small();
  for (const policy of ["static", "inflight"] as const) {
    it(`${policy}: same seed → identical results; requests conserved`, () => {
      const a = simulate(e, { ...wl, policy });
      const b = simulate(e, { ...wl, policy });
      expect(a).toEqual(b);
      conserved(a);
      expect(a.finished).toBe(60);
      expect(a.peakKv).toBeLessThanOrEqual(a.budget);
    });
    it(`${policy}: stops at maxSteps with the rest reported running/queued`, () => {
      const r = simulate(e, { ...wl, policy, maxSteps: 50 });
      expect(r.truncated).toBe(true);
      expect(r.steps).toBe(50);
      conserved(r);
      expect(r.running + r.queued).toBeGreaterThan(0);
    });
  }
  it("in-flight batching beats static batching on throughput and latency", () => {
    const { static: s, inflight: f } = compareBatching(e, wl);
    expect(f.throughput).toBeGreaterThan(s.throughput);
    expect(f.latency.p50).toBeLessThan(s.latency.p50);
  });
  it("requests that can never fit are counted rejected, without a hang", () => {
    const trace = [
      { time: 0, prompt: 1000, output: 100 },
      { time: 0.5, prompt: 5_000_000, output: 10 },
      { time: 1, prompt: 500, output: 50 },
    ];
    for (const policy of ["static", "inflight"] as const) {
      const r = simulate(e, { trace, policy });
      expect(r.rejected).toBe(1);
      expect(r.finished).toBe(2);
      conserved(r);
    }
  });
  it("chunked prefill shortens the decode gaps of running requests", () => {
    const e70 = h20();
    const trace = [{ time: 0, prompt: 1000, output: 200 }, { time: 1, prompt: 30000, output: 20 }];
    const whole = simulate(e70, { trace, policy: "inflight" });
    const chunked = simulate(e70, { trace, policy: "inflight", chunk: 1024 });
    // the running request's longest wait between two tokens: one 30K prefill vs 1K chunks
    expect(chunked.stall.max).toBeLessThan(whole.stall.max / 5);
    expect(whole.requests[0]!.maxGap).toBeGreaterThan(1);
    conserved(chunked);
  });
  it("reports progress and refuses bad options", () => {
    const seen: number[] = [];
    simulate(e, { ...wl, onProgress: (p) => seen.push(p.finished), progressEvery: 100 });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[seen.length - 1]).toBe(60);
    expect(errorOf(() => simulate(e, { ...wl, policy: "dynamic" as never })).message).toMatch(/policy must be one of static, inflight/);
    expect(errorOf(() => simulate(e, { ...wl, chunk: 0 })).message).toMatch(/chunk must be a positive integer/);
    const big = model("llama3.1-405b").on(gpu("H20"));
    expect(errorOf(() => simulate(big, wl)).code).toBe("does-not-fit");
  });
});
