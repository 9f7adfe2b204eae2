import { describe, expect, it } from "vitest";
import { bestChunk, chunkedPrefill } from "../../src/index.js";
import { errorOf } from "../helpers.js";
import { h20 } from "./fixtures.js";

describe("chunkedPrefill(e, { prompt, chunk, decodes })", () => {
  const e = h20();
  it("smaller chunks: shorter stalls, lower intensity, longer TTFT (monotone)", () => {
    const rs = [256, 1024, 4096, 16384, 32768].map((chunk) => chunkedPrefill(e, { prompt: 32768, chunk, decodes: 16 }));
    for (let i = 1; i < rs.length; i++) {
      expect(rs[i]!.stall).toBeGreaterThan(rs[i - 1]!.stall);
      expect(rs[i]!.intensity).toBeGreaterThan(rs[i - 1]!.intensity);
      expect(rs[i]!.ttft).toBeLessThan(rs[i - 1]!.ttft);
    }
    expect(rs[0]!.stall).toBeGreaterThan(rs[0]!.decodeStep);
  });
  it("a chunk ≥ the prompt is one unchunked step", () => {
    const r = chunkedPrefill(e, { prompt: 4096, chunk: 10000, decodes: 0 });
    expect(r.chunks).toBe(1);
    expect(r.chunk).toBe(4096);
    expect(r.ttft).toBeCloseTo(e.stepTime({ batch: 1, tokens: 4096, past: 0 }).total, 12);
  });
  it("refuses chunk ≤ 0", () => {
    for (const chunk of [0, -64, 1.5, Number.NaN]) {
      const err = errorOf(() => chunkedPrefill(e, { prompt: 4096, chunk }));
      expect(err.message).toMatch(/chunk must be a positive integer/);
    }
  });
});

describe("bestChunk(e, { prompt, decodes, tpot })", () => {
  const e = h20();
  it("returns the highest-throughput chunk meeting the target, or null", () => {
    const { best, all } = bestChunk(e, { prompt: 32768, decodes: 16, tpot: 0.2 });
    expect(best).not.toBeNull();
    expect(best!.stall).toBeLessThanOrEqual(0.2);
    for (const r of all) if (r.stall <= 0.2) expect(r.throughput).toBeLessThanOrEqual(best!.throughput);
    expect(bestChunk(e, { prompt: 32768, decodes: 16, tpot: 0.001 }).best).toBeNull();
  });
});
