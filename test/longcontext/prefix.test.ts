import { describe, expect, it } from "vitest";
import { prefixCache, suffixPrefillFlops, model } from "../../src/index.js";
import { errorOf, expectClose } from "../helpers.js";
import { h20 } from "./fixtures.js";

describe("prefixCache(e, { prompt, prefix, hitRate, blockSize })", () => {
  const e = h20();
  it("higher hit rate → less prefill FLOPs and time (monotone)", () => {
    let prev = { f: Infinity, t: Infinity };
    for (const hitRate of [0, 0.25, 0.5, 0.75, 1]) {
      const r = prefixCache(e, { prompt: 32768, prefix: 30000, hitRate });
      expect(r.flopsExpected).toBeLessThan(prev.f);
      expect(r.timeExpected).toBeLessThan(prev.t);
      prev = { f: r.flopsExpected, t: r.timeExpected };
    }
  });
  it("hit rate 0 saves nothing; only full blocks are shared", () => {
    const r0 = prefixCache(e, { prompt: 32768, prefix: 30000, hitRate: 0, requests: 8 });
    expect(r0.flopsSaved).toBe(0);
    expect(r0.memorySaved).toBe(0);
    const r = prefixCache(e, { prompt: 32768, prefix: 30000, hitRate: 1, blockSize: 64 });
    expect(r.reusable).toBe(29952);
    expect(r.unsharedPrefix).toBe(48);
  });
  it("bigger blocks waste more in partly filled blocks", () => {
    const w = (blockSize: number) => prefixCache(e, { prompt: 1000, prefix: 900, hitRate: 0.5, blockSize, requests: 10, output: 37 }).waste;
    expect(w(16)).toBeLessThan(w(64));
    expect(w(64)).toBeLessThan(w(256));
  });
  it("the miss costs the whole prefill of the model", () => {
    const m = model("llama2-70b");
    expectClose(suffixPrefillFlops(m.arch, 4096, 0), m.prefillFlops({ prompt: 4096 }).value, 1e-12);
  });
  it("refuses hit rate outside [0, 1], prefix > prompt, block ≤ 0", () => {
    for (const hitRate of [-0.1, 1.5, Number.NaN]) expect(errorOf(() => prefixCache(e, { prompt: 100, prefix: 50, hitRate })).message).toMatch(/hitRate must be a fraction in \[0, 1\]/);
    expect(errorOf(() => prefixCache(e, { prompt: 100, prefix: 150, hitRate: 1 })).message).toMatch(/prefix \(150\) exceeds the prompt/);
    expect(errorOf(() => prefixCache(e, { prompt: 100, prefix: 50, hitRate: 1, blockSize: 0 })).message).toMatch(/blockSize must be a positive integer/);
  });
});

describe("prefixCache(e, …).memorySaved", () => {
  it("is (n·h − 1)⁺ copies of the reusable prefix: never negative when fewer than one request shares it", () => {
    const e = h20();
    // 1 request at hit rate 0.5: half a request would share the pooled copy — nothing saved, nothing lost
    const one = prefixCache(e, { prompt: 8192, prefix: 8192, hitRate: 0.5, requests: 1 });
    expect(one.memorySaved).toBe(0);
    const per = one.kvWithout / Math.ceil(8192 / 64); // bytes per block of one request
    // 8 requests, all hits: 7 copies of the 8128 reusable tokens saved (127 blocks each)
    const eight = prefixCache(e, { prompt: 8192, prefix: 8192, hitRate: 1, requests: 8 });
    expect(eight.reusable).toBe(8128);
    expect(eight.memorySaved).toBeCloseTo(7 * 127 * per, 0);
    for (const [hitRate, requests] of [[0.1, 1], [0.3, 2], [0.9, 1], [0.5, 3]] as const) {
      expect(prefixCache(e, { prompt: 8192, prefix: 4096, hitRate, requests }).memorySaved).toBeGreaterThanOrEqual(0);
    }
  });
});
