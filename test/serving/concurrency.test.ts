import { describe, expect, it } from "vitest";
import { chart, cluster, gpu, model } from "../../src/index.js";
import { offline } from "../../src/serving/capacity.js";
import { concurrency, concurrencySweep } from "../../src/serving/concurrency.js";
import { simulate } from "../../src/longcontext/simulate.js";
import { workload } from "../../src/longcontext/workload.js";
import { errorOf } from "../helpers.js";

const e = model("llama3.1-8b").on(gpu("H100"));
const lengths = { prompt: { uniform: [200, 1200] as const }, output: { uniform: [16, 160] as const }, seed: 5 };

describe("concurrency(engine, { clients, prompt, output, requests })", () => {
  it("is a closed loop: each finish sends the next request at once, and no run exceeds the clients", () => {
    const C = 6;
    const r = concurrency(e, { clients: C, requests: 48, ...lengths });
    const sim = r.simulation;
    expect(sim.finished).toBe(48);
    // Rebuild the loop explicitly: the first C requests at t = 0, request C + k when the (k + 1)-th finishes.
    const reqs = workload({ requests: 48, ...lengths });
    const finishes = sim.requests.map((q) => q.finish!).sort((a, b) => a - b);
    const trace = reqs.map((q, j) => ({ time: j < C ? 0 : finishes[j - C]!, prompt: q.prompt, output: q.output }));
    const loop = simulate(e, { trace, maxBatch: C, samples: 1 });
    expect(loop.finished).toBe(48);
    for (let j = 0; j < 48; j++) {
      expect(loop.requests[j]!.finish, `request ${j}`).toBe(sim.requests[j]!.finish);
      expect(loop.requests[j]!.firstToken).toBe(sim.requests[j]!.firstToken);
    }
    // Never more than C in flight or waiting: every arrival is a departure.
    expect(Math.max(...loop.timeline.map((t) => t.running + t.queued))).toBeLessThanOrEqual(C);
    // TTFT is timed from each client's send, as the explicit loop times it from arrival.
    expect(r.ttft.p50).toBeCloseTo(loop.ttft.p50, 12);
    expect(r.ttft.p99).toBeCloseTo(loop.ttft.p99, 12);
    expect(r.tpot.p50).toBeCloseTo(loop.tpot.p50, 12);
    expect(r.tokensPerSecond).toBeCloseTo(loop.throughput, 9);
  });

  it("is offline() with maxBatch = clients, apart from TTFT", () => {
    const r = concurrency(e, { clients: 8, ...lengths });
    const off = offline(e, { workload: { trace: workload({ requests: 80, ...lengths }) }, maxBatch: 8 });
    expect(r.requests).toBe(80);
    expect(r.tokensPerSecond).toBe(off.tokensPerSecond);
    expect(r.requestsPerSecond).toBe(off.requestsPerSecond);
    expect(r.ttft.p99).toBeLessThan(off.simulation.ttft.p99);
  });

  it("more clients never lower tokens/s per GPU nor raise tokens/s per user", () => {
    const t = concurrencySweep(e, { clients: [1, 2, 4, 8, 16, 32, 64, 128], prompt: 1024, output: 256 });
    const perGpu = t.array("tokens_s_per_gpu") as number[];
    const perUser = t.array("tokens_s_per_user") as number[];
    for (let i = 1; i < perGpu.length; i++) {
      expect(perGpu[i]!, `clients ${t.get("clients", i)}`).toBeGreaterThanOrEqual(perGpu[i - 1]!);
      expect(perUser[i]!, `clients ${t.get("clients", i)}`).toBeLessThanOrEqual(perUser[i - 1]!);
    }
    expect(perGpu[perGpu.length - 1]!).toBeGreaterThan(10 * perGpu[0]!);
  });

  it("past the KV cache's room, more clients only queue: tokens/s per GPU stops rising, TTFT grows", () => {
    const small = model("llama3.1-8b").on(gpu("L4").fp8());
    const max = small.compile().maxBatch(1024 + 256);
    const at = concurrency(small, { clients: max, requests: 4 * max, prompt: 1024, output: 256 });
    const past = concurrency(small, { clients: 2 * max, requests: 4 * max, prompt: 1024, output: 256 });
    // (a larger batch cap also reserves more workspace, so the cache holds a little less)
    expect(past.tokensPerSecondPerGpu).toBeLessThanOrEqual(at.tokensPerSecondPerGpu);
    expect(Math.max(...past.simulation.timeline.map((t) => t.running))).toBeLessThanOrEqual(max);
    expect(past.ttft.p50).toBeGreaterThan(at.ttft.p50);
  });

  it("spreads the clients over data-parallel replicas", () => {
    const one = concurrency(e, { clients: 4, prompt: 512, output: 64 });
    const two = concurrency(model("llama3.1-8b").on(cluster(gpu("H100"), 2)), { clients: 8, prompt: 512, output: 64 });
    expect(two.tokensPerSecond).toBeCloseTo(2 * one.tokensPerSecond, 9);
    expect(two.tokensPerSecondPerGpu).toBeCloseTo(one.tokensPerSecondPerGpu, 9);
    expect(two.tokensPerSecondPerUser).toBeCloseTo(one.tokensPerSecondPerUser, 9);
  });

  it("prints clients, tokens/s per GPU and per user, TTFT and TPOT", () => {
    expect(String(concurrency(e, { clients: 4, prompt: 512, output: 64 }))).toMatch(/^4 clients: .* output tok\/s \(.* per GPU, .* per user\)[^]*TTFT p50 .*, p99 [^]*time per output token p50/);
  });

  it("refuses bad input by name", () => {
    expect(errorOf(() => concurrency(e, { clients: 0 })).message).toMatch(/^clients must be a positive integer, got 0$/);
    expect(errorOf(() => concurrency(e, { clients: 2.5 })).message).toMatch(/^clients must be a positive integer, got 2\.5$/);
    expect(errorOf(() => concurrency(e, {} as never)).message).toMatch(/^clients must be a positive integer, got undefined$/);
    expect(errorOf(() => concurrency(e, { clients: 4, requests: -1 })).message).toMatch(/^requests must be a positive integer, got -1$/);
    expect(errorOf(() => concurrency(e, { clients: 4, prompt: 0 })).message).toMatch(/^prompt must be a positive integer, got 0$/);
    expect(errorOf(() => concurrency(e, { clients: 4, client: 2 } as never)).message).toMatch(/unknown option "client" \(did you mean clients\?\)/);
    expect(errorOf(() => concurrency(model("llama3.1-8b").on(cluster(gpu("H100"), 2)), { clients: 3 })).message).toMatch(/^clients must be a multiple of the 2 data-parallel replicas of .*, got 3$/);
    expect(errorOf(() => concurrency(e, { clients: 4, prompt: 10_000_000 })).message).toMatch(/^4 request\(s\)|need more KV cache/);
    expect(errorOf(() => concurrencySweep(e, { clients: [] })).message).toMatch(/^concurrencySweep: clients must be a non-empty list/);
    expect(errorOf(() => concurrencySweep(e, { clients: [4, -1] })).message).toMatch(/^clients\[1\] must be a positive integer, got -1$/);
  });
});

describe("concurrencySweep(engine, { clients: [...] })", () => {
  it("gives a table chart.frontier draws: tokens/s per GPU against TPOT, labelled by clients", () => {
    const t = concurrencySweep(e, { clients: [1, 8, 32], prompt: 512, output: 128 });
    expect(t.columnNames()).toEqual(["clients", "throughput_tokens_s", "tokens_s_per_gpu", "tokens_s_per_user", "ttft_p50_s", "ttft_p99_s", "tpot_p50_ms", "tpot_p99_ms"]);
    expect(t.numRows()).toBe(3);
    const spec = JSON.stringify(chart.frontier(t, { x: "tpot_p50_ms", y: "tokens_s_per_gpu", label: "clients" }));
    expect(spec).toContain("tokens_s_per_gpu");
    for (const r of t.objects() as { tokens_s_per_user: number; tpot_p50_ms: number }[]) expect(r.tokens_s_per_user).toBeCloseTo(1e3 / r.tpot_p50_ms, 9);
  });
});

describe("concurrency() on attention-data-parallel × expert-parallel ranks (run in lockstep)", () => {
  it("the clients are spread over the ranks: the same per-rank load gives the same per-GPU rate as ranks × one rank's clients", async () => {
    const { cluster, gpu, model, concurrency } = await import("../../src/index.js");
    const e = model("deepseek-v2-lite").on(cluster(gpu("H100"), 2).ep(2));
    const r = concurrency(e, { clients: 8, prompt: 256, output: 32, requests: 32 });
    expect(r.simulation.finished).toBe(32);
    // 4 clients per rank: never more than 8 sequences in flight over both ranks, so every TTFT is at least one prefill
    expect(r.ttft.p50).toBeGreaterThan(0);
    expect(r.tokensPerSecond).toBeCloseTo(r.tokensPerSecondPerGpu * 2, 6);
  });
});

describe("concurrency() refuses what it cannot measure", () => {
  it("a model instead of an engine, fewer requests than clients, more requests than a workload holds", async () => {
    const { cluster, gpu, model, concurrency } = await import("../../src/index.js");
    expect(() => concurrency(model("llama3.1-8b") as never, { clients: 4 })).toThrowError(/concurrency\(engine, options\) takes an engine/);
    const e = model("llama3.1-8b").on(cluster(gpu("H100"), 1));
    expect(() => concurrency(e, { clients: 64, requests: 10 })).toThrowError(/requests 10 is fewer than the 64 clients/);
    expect(() => concurrency(e, { clients: 1e9 })).toThrowError(/clients 1000000000 × 10 = 10,000,000,000 requests is more than the 10,000,000/);
  });
});

describe("concurrency() with one output token", () => {
  it("is refused: no time per output token after the first", async () => {
    const { cluster, gpu, model, concurrency } = await import("../../src/index.js");
    const e = model("llama3.1-8b").on(cluster(gpu("H100"), 1));
    expect(() => concurrency(e, { clients: 4, output: 1 })).toThrowError(/output 1 leaves no time per output token after the first/);
  });
});
