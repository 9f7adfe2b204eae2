import { describe, expect, it } from "vitest";
import { cluster, estimators, gpu, model, sweep, withIntervals } from "../../src/index.js";

describe("withIntervals(est.decodeRow(batch, context), engine)", () => {
  it("bands each row at its own batch (the row carries none), as .interval() on the same decode", () => {
    for (const c of [cluster(gpu("H20").fp8(), 8).tp(8), cluster(gpu("H100"), 16).tp(8)]) {
      const e = model("llama2-70b").on(c);
      const est = estimators(e);
      const t = sweep({ batch: [1, 64, 256], context: [4096] }, ({ batch, context }) => withIntervals(est.decodeRow(batch, context), e));
      for (const r of t.objects() as Record<string, number>[]) {
        const iv = e.decode({ batch: r.batch!, context: r.context! }).interval();
        expect(r.decode_ms_low).toBeCloseTo(iv.low.value * 1e3, 9);
        expect(r.decode_ms_high).toBeCloseTo(iv.high.value * 1e3, 9);
      }
    }
  }, 60_000);
});
