import { describe, it, expect } from "vitest";
import { cluster, gpu, lockstepStep, mixedStep, model, NO_OVERHEAD, twoBatchTime } from "../../src/index.js";
import { errorOf, expectClose } from "../helpers.js";

// DeepSeek's decoding profile (github.com/deepseek-ai/profile-data README, "Decoding": EP128,
// TP1, 4K prompts, 128 requests per GPU, two micro-batches) and prefilling profile ("Prefilling":
// EP32, TP1, 16K tokens per GPU, two micro-batches; DeepEP's normal, node-forwarded kernels).
const decodeEngine = () => model("deepseek-v3").on(cluster(gpu("H800").fp8(), 128).network("400 Gb/s").ep(128)).overhead(NO_OVERHEAD);
const prefillEngine = () => model("deepseek-v3").on(cluster(gpu("H800").fp8(), 32).network("400 Gb/s").ep(32)).overhead(NO_OVERHEAD).kernels({ allToAll: "forwarded" });
const decode = { batch: 128, tokens: 1, past: 4095 };
const prefill = { batch: 4, tokens: 4096, past: 0 };

describe('kernels.epOverlap "two-batch": two micro-batches, one\'s all-to-all behind the other\'s compute', () => {
  it.each([
    ["decode (EP 128, 128 sequences)", decodeEngine, decode],
    ["prefill (EP 32, 4 × 4K prompts, direct)", () => prefillEngine().kernels({ allToAll: "direct" }), prefill],
  ] as const)("%s: never below the whole batch's max(compute, all-to-all), never above the halves back to back", (_name, make, step) => {
    const e = make();
    const whole = e.stepTime(step);
    const comm = whole.link; // tp 1: the all-to-all alone
    const t = e.kernels({ epOverlap: "two-batch" }).stepTime(step).total;
    expect(t).toBeGreaterThanOrEqual(Math.max(whole.total - comm, comm));
    // the two halves run whole, one after the other: both weight reads, both all-to-alls, nothing hidden
    const half = e.stepTime({ ...step, batch: step.batch / 2 }).total;
    expect(t).toBeLessThan(2 * half);
    // and it hides something: cheaper than the halves back to back by at least the smaller side of a half
    expect(2 * half - t).toBeGreaterThan(0.5 * Math.min(half - e.stepTime({ ...step, batch: step.batch / 2 }).link, e.stepTime({ ...step, batch: step.batch / 2 }).link));
  });

  it("is twoBatchTime of the two halves: max(ΣC, ΣM) + min(C_A, M_B) ÷ 2n over the MoE layers", () => {
    expect(twoBatchTime({ compute: 4, comm: 1 }, { compute: 4, comm: 1 }, 1)).toBe(8 + 0.5);
    expect(twoBatchTime({ compute: 1, comm: 4 }, { compute: 1, comm: 4 }, 2)).toBe(8 + 0.25);
    // nothing to hide behind: the halves back to back
    expect(twoBatchTime({ compute: 3, comm: 0 }, { compute: 2, comm: 0 }, 58)).toBe(5);
    const e = decodeEngine();
    const halfT = e.stepTime({ ...decode, batch: 64 });
    const halfA2a = e.rows({ batch: 64, context: 4096 }).find((r) => r.op === "all-to-all")!;
    const c = halfT.total - halfA2a.linkTime;
    expectClose(e.kernels({ epOverlap: "two-batch" }).stepTime(decode).total, twoBatchTime({ compute: c, comm: halfA2a.linkTime }, { compute: c, comm: halfA2a.linkTime }, halfA2a.count / 2), 1e-12);
    expect(halfA2a.count / 2).toBe(58); // DeepSeek-V3: 61 layers, the first 3 dense
  });

  it("DeepEP's normal kernels hold 24 SMs: the forwarded prefill's compute-bound time stretches by 132/108 on H800", () => {
    // DeepSeek day 6, prefill figure: "Computation 108 SMs, Communication 24 SMs"; decode figure: 0 SMs
    const e = prefillEngine();
    expect(e.rates().sms).toBe(132);
    const half = e.stepTime({ ...prefill, batch: 2 });
    const a2a = e.rows({ batch: 2, prompt: 4096 }).find((r) => r.op === "all-to-all")!;
    const h = { compute: half.total - a2a.linkTime, comm: a2a.linkTime, bound: half.compute };
    const t = e.kernels({ epOverlap: "two-batch" }).stepTime(prefill).total;
    expectClose(t, twoBatchTime(h, h, a2a.count / 2, 132 / 108), 1e-12);
    expect(t).toBeGreaterThan(twoBatchTime(h, h, a2a.count / 2));
    // the low-latency (direct) kernels hold none
    const d = decodeEngine();
    const dh = d.stepTime({ ...decode, batch: 64 });
    const da = d.rows({ batch: 64, context: 4096 }).find((r) => r.op === "all-to-all")!;
    const dd = { compute: dh.total - da.linkTime, comm: da.linkTime, bound: dh.compute };
    expectClose(d.kernels({ epOverlap: "two-batch" }).stepTime(decode).total, twoBatchTime(dd, dd, da.count / 2), 1e-12);
  });

  it("prices the same in stepTime, the operator rows, mixedStep, the lockstep ranks and compile()", () => {
    for (const e of [decodeEngine().kernels({ epOverlap: "two-batch" }), prefillEngine().kernels({ epOverlap: "two-batch" })]) for (const step of [decode, { batch: 127, tokens: 1, past: 4095 }, prefill]) {
      const t = e.stepTime(step).total;
      const rows = e.rows(step.tokens === 1 ? { batch: step.batch, context: step.past + 1 } : { batch: step.batch, prompt: step.tokens });
      expectClose(rows.reduce((s, r) => s + r.time, 0), t, 1e-9);
      expectClose(mixedStep(e, [step]).time, t, 1e-12);
      expectClose(lockstepStep(e, [[step], [step]]).time, t, 1e-12);
    }
    const e = decodeEngine().kernels({ epOverlap: "two-batch" });
    const c = e.overhead({ perStep: "0.3 ms" }).compile();
    expectClose(c.decodeStep(128, 4096), e.overhead({ perStep: "0.3 ms" }).decode({ batch: 128, context: 4096 }).time.value, 1e-12);
  });

  it("is the step run whole where nothing splits: ep 1, a dense model, one sequence", () => {
    const one = model("deepseek-v3").on(cluster(gpu("H200").fp8(), 8).tp(8)).overhead(NO_OVERHEAD);
    expect(one.kernels({ epOverlap: "two-batch" }).stepTime(decode).total).toBe(one.stepTime(decode).total);
    const dense = model("llama2-70b").on(cluster(gpu("H100"), 8).tp(8)).overhead(NO_OVERHEAD);
    expect(dense.kernels({ epOverlap: "two-batch" }).stepTime(decode).total).toBe(dense.stepTime(decode).total);
    const e = decodeEngine();
    expect(e.kernels({ epOverlap: "two-batch" }).stepTime({ ...decode, batch: 1 }).total).toBe(e.stepTime({ ...decode, batch: 1 }).total);
  });

  it("refuses an unknown mode by name", () => {
    expect(errorOf(() => decodeEngine().kernels({ epOverlap: "three-batch" })).message).toMatch(/kernels\.epOverlap must be in \[0, 1\] or "two-batch", got "three-batch"/);
  });
});
