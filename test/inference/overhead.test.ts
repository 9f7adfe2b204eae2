import { describe, it, expect } from "vitest";
import { model, gpu, cluster, DEFAULT_OVERHEAD, NO_OVERHEAD, withOverhead, overheadTime } from "../../src/index.js";
import { errorOf, expectClose } from "../helpers.js";

const llama = model("llama2-70b");
const h100x4 = () => llama.on(cluster(gpu("H100").fp8(), 4).tp(4));

describe("engine.overhead({ perStep, perLayer })", () => {
  it("defaults to DEFAULT_OVERHEAD and returns a new engine for a patch, parsing units", () => {
    const e = h100x4();
    expect(e.overhead()).toEqual(DEFAULT_OVERHEAD);
    const f = e.overhead({ perLayer: "4 µs", perStep: "0.5 ms" });
    expectClose(e.overhead({ perLayer: "4 μs" }).overhead().perLayer, 4e-6);
    expectClose(e.overhead({ perLayer: "4 us" }).overhead().perLayer, 4e-6);
    expectClose(f.overhead().perLayer, 4e-6);
    expectClose(f.overhead().perStep, 5e-4);
    expect(e.overhead()).toEqual(DEFAULT_OVERHEAD);
    expect(Object.isFrozen(f.overhead())).toBe(true);
    expect(e.overhead({ perStep: 0 }).overhead().perLayer).toBe(DEFAULT_OVERHEAD.perLayer);
  });

  it("adds exactly perStep + perLayer × layers to every step", () => {
    const none = h100x4().overhead(NO_OVERHEAD);
    const some = h100x4().overhead({ perStep: 1e-3, perLayer: 1e-5, perSequence: 0 });
    const d0 = none.decode({ batch: 8, context: 1024 });
    const d1 = some.decode({ batch: 8, context: 1024 });
    expectClose(d1.time.value - d0.time.value, 1e-3 + 80 * 1e-5, 1e-9);
    expectClose(d1.split.overhead!, 1e-3 + 80 * 1e-5, 1e-12);
    const p0 = none.prefill({ prompt: 128 }).time.value;
    const p1 = some.prefill({ prompt: 128 }).time.value;
    expectClose(p1 - p0, 1e-3 + 80 * 1e-5, 1e-9);
    // a request pays it once per step: prefill + (output − 1) decode steps
    const r0 = none.request({ prompt: 128, output: 9 }).latency.value;
    const r1 = some.request({ prompt: 128, output: 9 }).latency.value;
    expectClose(r1 - r0, 9 * (1e-3 + 80 * 1e-5), 1e-9);
  });

  it("with pipeline stages, each stage pays it for its own layers, once per micro-batch", () => {
    const pp = llama.on(cluster(gpu("H100").fp8(), 4).tp(2).pp(2));
    const none = pp.overhead(NO_OVERHEAD).decode({ batch: 8, context: 1024 }).time.value;
    const some = pp.overhead({ perStep: 1e-3, perLayer: 1e-5, perSequence: 0 }).decode({ batch: 8, context: 1024 }).time.value;
    expectClose(some - none, 2 * (1e-3 + 40 * 1e-5), 1e-9);
    expect(overheadTime({ perStep: 1e-3, perLayer: 1e-5, perSequence: 0 }, 40)).toBeCloseTo(1.4e-3, 15);
  });

  it("perSequence grows the step with the batch (sampling, scheduling per sequence), per micro-batch under pp", () => {
    const none = h100x4().overhead(NO_OVERHEAD);
    const some = h100x4().overhead({ perStep: 0, perLayer: 0, perSequence: 5e-6 });
    for (const batch of [1, 64, 1024]) {
      expectClose(some.decode({ batch, context: 256 }).time.value - none.decode({ batch, context: 256 }).time.value, batch * 5e-6, 1e-9);
    }
    const pp = llama.on(cluster(gpu("H100").fp8(), 4).tp(2).pp(2));
    const d = pp.overhead({ perStep: 0, perLayer: 0, perSequence: 5e-6 }).decode({ batch: 8, context: 256 }).time.value - pp.overhead(NO_OVERHEAD).decode({ batch: 8, context: 256 }).time.value;
    expectClose(d, 2 * 4 * 5e-6, 1e-9); // 2 micro-batches of 4 sequences
    expect(overheadTime({ perStep: 0, perLayer: 0, perSequence: 5e-6 }, 40, 100)).toBeCloseTo(5e-4, 15);
  });

  it("appears as its own term in the explanation, which still evaluates to the time", () => {
    const d = h100x4().decode({ batch: 8, context: 4096 });
    const x = d.time.explain();
    expect(x.text).toMatch(/fixed overhead/);
    expect(x.evaluate()).toBeCloseTo(d.time.value, 9);
  });

  it("refuses negative or non-time values and unknown keys, naming them", () => {
    expect(errorOf(() => h100x4().overhead({ perLayer: -1e-6 })).message).toMatch(/overhead\.perLayer must be a finite non-negative time/);
    expect(errorOf(() => h100x4().overhead({ perStep: "4 GB" })).message).toMatch(/overhead\.perStep/);
    expect(errorOf(() => h100x4().overhead({ perToken: 1 } as never)).message).toMatch(/unknown overhead "perToken"; accepted: perStep, perLayer, perSequence/);
    expect(errorOf(() => withOverhead(DEFAULT_OVERHEAD, null as never)).message).toMatch(/overhead takes an object/);
  });
});
