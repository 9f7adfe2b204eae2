import { describe, expect, it } from "vitest";
import { streaming, streamingSweep } from "../../src/index.js";
import { errorOf } from "../helpers.js";
import { h20 } from "./fixtures.js";

describe("streaming(e, { batch, context, window, sinks })", () => {
  const e = h20();
  it("keeps window + sinks tokens and saves the rest of the cache", () => {
    const r = streaming(e, { batch: 16, context: 32768, window: 4096, sinks: 4 });
    expect(r.kept).toBe(4100);
    expect(r.kvStreaming / r.kvFull).toBeCloseTo(4100 / 32768, 12);
    expect(r.decodeStreaming).toBeLessThan(r.decodeFull);
    expect(r.maxBatchStreaming).toBeGreaterThan(r.maxBatchFull);
    expect(r.unbounded).toBe(true);
  });
  it("a bigger window holds more memory and costs more attention (monotone)", () => {
    let prev = { kv: 0, att: 0 };
    for (const window of [512, 1024, 4096, 16384, 32000]) {
      const r = streaming(e, { batch: 4, context: 32768, window });
      expect(r.kvStreaming).toBeGreaterThan(prev.kv);
      expect(r.attentionStreaming).toBeGreaterThan(prev.att);
      prev = { kv: r.kvStreaming, att: r.attentionStreaming };
    }
  });
  it("keeps the whole context when it is shorter than window + sinks (kept = min(context, window + sinks), StreamingLLM §3.2)", () => {
    const r = streaming(e, { context: 4096, window: 4096, sinks: 4 });
    expect(r.kept).toBe(4096);
    expect(r.kvSaved).toBe(0);
    expect(r.kvStreaming).toBe(r.kvFull);
    expect(r.decodeStreaming).toBe(r.decodeFull);
    expect(streaming(e, { context: 100, window: 4096 }).kept).toBe(100);
  });
  it("refuses a bad window or sinks, naming them", () => {
    expect(errorOf(() => streaming(e, { context: 4096, window: 0 })).message).toMatch(/window must be a positive integer/);
    expect(errorOf(() => streaming(e, { context: 4096, window: 100, sinks: -1 })).message).toMatch(/sinks must be a non-negative integer/);
  });
  it("streamingSweep gives finite rows for charts", () => {
    const rows = streamingSweep(e, { batch: 8, contexts: [2048, 8192, 131072], window: 4096 });
    expect(rows).toHaveLength(6);
    for (const r of rows) expect(Number.isFinite(r.kv_GiB as number) && Number.isFinite(r.decode_ms as number)).toBe(true);
  });
});
