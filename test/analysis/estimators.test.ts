import { describe, it, expect } from "vitest";
import { cluster, estimators, model, gpu } from "../../src/index.js";

describe("estimators(model, device, opts)", () => {
  const m = model("llama2-70b");
  const e = estimators(m, gpu("H20"), { tp: 8 });
  const engine = m.on(cluster(gpu("H20"), 8).tp(8));
  it("kvBytes(batch, seq) equals model.kv(...) at the engine's KV dtype", () => {
    expect(e.kvBytes(8, 4096)).toBe(m.kv({ batch: 8, seq: 4096 }).value);
    expect(e.kvBytes(3, 1000)).toBe(m.kv({ batch: 3, seq: 1000 }).value);
    expect(estimators(m, gpu("H20").fp8(), { tp: 8 }).kvBytes(3, 1000)).toBe(m.kv({ batch: 3, seq: 1000, dtype: "fp8" }).value);
  });
  it("decodeFlops(batch, ctx) equals batch × model.decodeFlops", () => {
    expect(e.decodeFlops(4, 777)).toBe(4 * m.decodeFlops({ context: 777 }).value);
  });
  it("decodeTime is the engine's decode time; ideal is the engine's ideal roofline", () => {
    expect(e.decodeTime(8, 4096)).toBe(engine.decode({ batch: 8, context: 4096 }).time.value);
    const ideal = estimators(m, gpu("H20"), { tp: 8, ideal: true });
    expect(ideal.decodeTime(8, 4096)).toBe(engine.ideal().decode({ batch: 8, context: 4096 }).time.value);
    // The ideal roofline is a lower bound: perfect overlap and no fixed overhead.
    expect(ideal.decodeTime(8, 4096)!).toBeLessThan(e.decodeTime(8, 4096)!);
    expect(estimators(engine.ideal()).decodeTime(8, 4096)).toBe(ideal.decodeTime(8, 4096));
  });
  it("fits(batch, seq) is the engine's memory fit (weights, KV, workspace, reserve)", () => {
    expect(e.fits(1, 4096)).toBe(true);
    expect(e.fits(100_000, 100_000)).toBe(false);
    const b = engine.maxBatch({ context: 4096 });
    expect(e.fits(b, 4096)).toBe(true);
    expect(e.fits(b + 1, 4096)).toBe(false);
    expect(e.decodeTime(b + 1, 4096)).toBeNull();
  });
  it("refuses negative, fractional and unknown input naming it", () => {
    expect(() => e.kvBytes(-8, 4096)).toThrowError(/batch must be a positive integer, got -8/);
    expect(() => e.decodeTime(8, 0.5)).toThrowError(/context must be a positive integer, got 0.5/);
    expect(() => estimators(m, gpu("H20"), { tpp: 8 } as never)).toThrowError(/estimators: unknown option "tpp" \(did you mean tp\?\)/);
  });
  it("agrees with the pure functions on a sliding-window model", () => {
    const windowed = ["gemma-2-9b", "gemma2-9b", "mistral-7b"].map((n) => {
      try { return model(n); } catch { return undefined; }
    }).find((x) => x && x.arch.windows.some((w) => w !== null));
    if (!windowed) return;
    const w = estimators(windowed, gpu("H20"));
    expect(w.kvBytes(2, 20000)).toBe(windowed.kv({ batch: 2, seq: 20000 }).value);
    expect(w.decodeFlops(1, 20000)).toBe(windowed.decodeFlops({ context: 20000 }).value);
  });
});
