import { describe, it, expect } from "vitest";
import { estimators, model, gpu } from "../../src/index.js";

describe("estimators(model, gpu, opts)", () => {
  const m = model("llama2-70b");
  const e = estimators(m, gpu("H20"), { tp: 8 });
  it("kvBytes(batch, seq) equals model.kv(...)", () => {
    expect(e.kvBytes(8, 4096)).toBe(m.kv({ batch: 8, seq: 4096 }).value);
    expect(e.kvBytes(3, 1000)).toBe(m.kv({ batch: 3, seq: 1000 }).value);
  });
  it("decodeFlops(batch, ctx) equals batch × model.decodeFlops", () => {
    expect(e.decodeFlops(4, 777)).toBe(4 * m.decodeFlops({ context: 777 }).value);
  });
  it("decodeTime is the larger of the memory and compute times", () => {
    const g = gpu("H20");
    const tm = (e.weightBytes + e.kvBytes(1, 4096)) / (8 * g.spec.bandwidth * 0.8);
    expect(e.decodeTime(1, 4096)).toBeCloseTo(tm, 15);
    const big = e.decodeTime(4096, 128);
    expect(big).toBeCloseTo((4096 * m.decodeFlops({ context: 128 }).value) / (8 * g.spec.peak.fp16! * 0.7), 12);
  });
  it("fits(batch, seq) compares weights + KV with tp × memory", () => {
    expect(e.fits(1, 4096)).toBe(true);
    expect(e.fits(100_000, 100_000)).toBe(false);
  });
  it("trainStateBytes follows ZeRO's 16Ψ split", () => {
    const psi = m.params.value;
    expect(e.trainStateBytes(0, 64)).toBe(16 * psi);
    expect(e.trainStateBytes(3, 64)).toBe(psi / 4);
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
