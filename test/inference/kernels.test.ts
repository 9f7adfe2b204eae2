import { describe, it, expect } from "vitest";
import { model, gpu, cluster, DEFAULT_KERNELS, NO_OVERHEAD, opTime } from "../../src/index.js";
import { errorOf, expectClose } from "../helpers.js";

const llama = model("llama2-70b");
const h100x4 = () => llama.on(cluster(gpu("H100").fp8(), 4).tp(4));

describe("opTime(tc, tm, overlap)", () => {
  it("is the max at overlap 1, the sum at 0, and in between otherwise", () => {
    expect(opTime(3, 1, 1)).toBe(3);
    expect(opTime(1, 3, 0)).toBe(4);
    expect(opTime(3, 1, 0.5)).toBe(3.5);
  });
});

describe("engine.kernels({ overlap, kvReads })", () => {
  it("defaults to DEFAULT_KERNELS; overlap 1 without overhead is the classic roofline, stepTime", () => {
    const e = h100x4();
    expect(e.kernels()).toEqual(DEFAULT_KERNELS);
    const ideal = e.kernels({ overlap: 1 }).overhead(NO_OVERHEAD);
    const step = { batch: 16, tokens: 1, past: 2047 };
    expectClose(ideal.decode({ batch: 16, context: 2048 }).time.value, e.idealStepTime(step).total);
    expectClose(ideal.prefill({ batch: 2, prompt: 512 }).time.value, e.idealStepTime({ batch: 2, tokens: 512, past: 0 }).total);
    // what decode() reports is stepTime, under the engine's kernels and overhead
    expectClose(e.decode({ batch: 16, context: 2048 }).time.value, e.stepTime(step).total);
  });

  it("less overlap is never faster, and costs most near the ridge", () => {
    const e = h100x4().overhead(NO_OVERHEAD);
    const at = (overlap: number, prompt: number) => e.kernels({ overlap }).prefill({ prompt }).time.value;
    for (const prompt of [16, 128, 512, 4096]) {
      expect(at(0, prompt)).toBeGreaterThanOrEqual(at(0.5, prompt));
      expect(at(0.5, prompt)).toBeGreaterThanOrEqual(at(1, prompt));
    }
    // 512 tokens of fp8 GEMMs sit near H100's ridge: serial costs more than at 16 or 4096 tokens
    const ratio = (p: number) => at(0, p) / at(1, p);
    expect(ratio(512)).toBeGreaterThan(ratio(16));
    expect(ratio(512)).toBeGreaterThan(ratio(4096));
  });

  it('kvReads "per-query-head" re-reads the KV cache once per query head in decode only', () => {
    const e = h100x4().overhead(NO_OVERHEAD).kernels({ overlap: 1 });
    const q = e.kernels({ kvReads: "per-query-head" });
    const attn = (x: typeof e) => x.rows({ batch: 32, context: 4096 }).find((r) => r.op === "attention")!;
    const group = llama.arch.heads / llama.arch.kvHeads; // 8 query heads per KV head
    const kvRead = 32 * 4096 * (llama.arch.kvHeads / 4) * 2 * llama.arch.headDim * 1 * 80; // fp8 K and V, 80 layers
    expectClose(attn(q).bytes - attn(e).bytes, (group - 1) * kvRead, 1e-9);
    expect(q.decode({ batch: 32, context: 4096 }).time.value).toBeGreaterThan(e.decode({ batch: 32, context: 4096 }).time.value);
    expect(q.prefill({ prompt: 2048 }).time.value).toBe(e.prefill({ prompt: 2048 }).time.value);
    // MHA (one query head per KV head): nothing to re-read
    const mha = model("llama2-7b").on(gpu("H100"));
    expect(mha.kernels({ kvReads: "per-query-head" }).decode({ batch: 8, context: 2048 }).time.value).toBe(mha.decode({ batch: 8, context: 2048 }).time.value);
  });

  it("refuses overlap outside [0, 1], unknown kvReads and unknown keys, naming them", () => {
    for (const overlap of [-0.1, 1.5, Number.NaN]) expect(errorOf(() => h100x4().kernels({ overlap })).message).toMatch(/kernels\.overlap must be in \[0, 1\]/);
    expect(errorOf(() => h100x4().kernels({ kvReads: "per-token" as never })).message).toMatch(/kernels\.kvReads must be one of per-kv-head, per-query-head/);
    expect(errorOf(() => h100x4().kernels({ fused: true } as never)).message).toMatch(/unknown kernels option "fused"; accepted: overlap, kvReads/);
  });
});
