import { describe, it, expect } from "vitest";
import { model, gpu, cluster, measurements, predict, mixedStep, NO_OVERHEAD, DEFAULT_KERNELS, CALIBRATION_KNOBS, DEFAULT_FIT } from "../../src/index.js";
import { errorOf, expectClose } from "../helpers.js";

const a100 = () => gpu("A100-SXM-80GB").bf16();
const llama7 = () => model("llama2-7b").on(a100()).overhead(NO_OVERHEAD);

describe('engine.kernels({ dequant })', () => {
  it("int8 weights under bf16 compute pay dequant ops per weight at η_c × the FP32 vector peak", () => {
    const int8 = llama7().dtypes({ weights: "int8" });
    const free = int8.kernels({ dequant: 0 });
    const s = int8.shard;
    const weights = s.layersPerStage * (s.qkvParams + s.outParams + s.mlpParams); // the LM head stays 16-bit
    const vector = 19.5e12 * DEFAULT_FIT.efficiency.compute; // A100 FP32 (non-tensor) peak
    const t = (e: typeof int8) => e.decode({ batch: 1, context: 205 }).time.value;
    // overlap 0: the vector work adds to each GEMM's weight stream
    expectClose(t(int8) - t(free), (weights * DEFAULT_KERNELS.dequant) / vector, 1e-9);
  });

  it("weights stored in the compute precision need none: bf16 on bf16, fp8 on fp8", () => {
    for (const e of [llama7(), model("llama2-7b").on(gpu("H100").fp8())]) {
      expect(e.kernels({ dequant: 4 }).decode({ batch: 1, context: 512 }).time.value).toBe(e.decode({ batch: 1, context: 512 }).time.value);
    }
    // int4 weights under fp8 compute (W4A8) do dequantize
    const w4a8 = model("llama2-7b").on(gpu("H100").fp8()).dtypes({ weights: "int4" });
    expect(w4a8.decode({ batch: 1, context: 512 }).time.value).toBeGreaterThan(w4a8.kernels({ dequant: 0 }).decode({ batch: 1, context: 512 }).time.value);
  });

  it("brings int8's batch-1 speed-up over bf16 toward gpt-fast's measured 1.48× (Llama-2-7B, one A100)", () => {
    // README 'Benchmarks': 104.9 tok/s bf16, 155.58 tok/s int8 — half the bytes, 1.48× the speed
    const rows = measurements().filter((r) => r.engine === "gpt-fast" && r.model === "llama2-7b" && r.tp === 1);
    const bf16 = rows.find((r) => r.weights === "bf16")!;
    const int8 = rows.find((r) => r.weights === "int8")!;
    const measured = int8.value / bf16.value;
    const ratio = (dequant: number) => predict(int8, undefined, { kernels: { dequant } }).value! / predict(bf16, undefined, { kernels: { dequant } }).value!;
    expect(Math.abs(ratio(DEFAULT_KERNELS.dequant) - measured)).toBeLessThan(Math.abs(ratio(0) - measured));
    expect(Math.abs(ratio(DEFAULT_KERNELS.dequant) / measured - 1)).toBeLessThan(0.1);
  });

  it("is a calibration knob, and refuses a negative or non-numeric count", () => {
    expect(CALIBRATION_KNOBS).toContain("dequant");
    for (const v of [-1, Number.NaN, "2"]) expect(errorOf(() => llama7().kernels({ dequant: v as never })).message).toMatch(/kernels\.dequant must be a number of operations per weight ≥ 0/);
  });
});

describe('engine.kernels({ moe: "gather" })', () => {
  const mixtral = () => model("mixtral-8x7b").on(cluster(a100(), 2).tp(2)).overhead(NO_OVERHEAD);
  const experts = (e: ReturnType<typeof mixtral>, batch: number) => e.rows({ batch, context: 205 }).find((r) => r.op === "experts")!;

  it("reads each token's k experts: the touched experts at batch 1, N·k of them beyond", () => {
    const grouped = mixtral();
    const gather = grouped.kernels({ moe: "gather" });
    const a = grouped.model.arch;
    expectClose(experts(gather, 1).bytes, experts(grouped, 1).bytes, 1e-12);
    // batch 8, top-2 of 8: 16 expert reads against E(1 − (1 − k/E)^N) = 7.2 touched
    const touched = a.moe!.experts * (1 - (1 - a.moe!.active / a.moe!.experts) ** 8);
    const perExpert = grouped.shard.expertParams * 2 * a.layers; // bf16, every layer
    expectClose(experts(gather, 8).bytes - experts(grouped, 8).bytes, (8 * a.moe!.active - touched) * perExpert, 1e-9);
    // GEMVs at the dense rate: at batch 1 no grouped-GEMM penalty
    expect(gather.decode({ batch: 1, context: 205 }).time.value).toBeLessThan(grouped.decode({ batch: 1, context: 205 }).time.value);
    expect(gather.decode({ batch: 64, context: 205 }).time.value).toBeGreaterThan(grouped.decode({ batch: 64, context: 205 }).time.value);
  });

  it("mixedStep equals the engine's step for one part under gather and int8 dequantization", () => {
    const e = mixtral().kernels({ moe: "gather" }).dtypes({ weights: "int8" }).overhead({ perStep: 1e-4 });
    for (const step of [{ batch: 4, tokens: 1, past: 1023 }, { batch: 1, tokens: 256, past: 0 }]) expectClose(mixedStep(e, [step]).time, e.stepTime(step).total, 1e-12);
  });

  it("ideal() keeps the kernel family (it sets what is read) and drops the dequantization", () => {
    const e = mixtral().kernels({ moe: "gather" }).dtypes({ weights: "int8" }).ideal();
    expect(e.kernels().moe).toBe("gather");
    expect(e.kernels().dequant).toBe(0);
  });

  it("measurement rows name their family: gpt-fast's Mixtral gathers", () => {
    const rows = measurements().filter((r) => r.engine === "gpt-fast" && r.model === "mixtral-8x7b");
    expect(rows.length).toBeGreaterThanOrEqual(7);
    for (const r of rows) expect(r.moe).toBe("gather");
    expect(errorOf(() => mixtral().kernels({ moe: "scatter" as never })).message).toMatch(/kernels\.moe must be one of grouped, gather/);
  });
});

describe('engine.kernels({ lmHead: "replicated" })', () => {
  const e = () => model("llama3.1-8b").on(cluster(gpu("A100-SXM-80GB").bf16(), 8).tp(8)).overhead(NO_OVERHEAD);
  it("reads the whole head on every GPU and gathers no logits (gpt-fast's tp.py shards only the blocks)", () => {
    const split = e();
    const whole = split.kernels({ lmHead: "replicated" });
    const a = split.model.arch;
    const head = (x: ReturnType<typeof e>) => x.rows({ batch: 1, context: 205 }).find((r) => r.op === "lm head")!;
    expectClose(head(whole).bytes - head(split).bytes, (7 / 8) * a.vocab * a.hidden * (2 + 4 / a.hidden), 1e-9); // 16-bit rows + fp32 logits
    expect(whole.rows({ batch: 1, context: 205 }).some((r) => r.op === "logits gather")).toBe(false);
    expect(split.rows({ batch: 1, context: 205 }).some((r) => r.op === "logits gather")).toBe(true);
    expect(whole.decode({ batch: 1, context: 205 }).time.value).toBeGreaterThan(split.decode({ batch: 1, context: 205 }).time.value);
    // one GPU: nothing to split, the same step
    const one = model("llama3.1-8b").on(gpu("A100-SXM-80GB").bf16());
    expect(one.kernels({ lmHead: "replicated" }).decode({ batch: 1, context: 205 }).time.value).toBe(one.decode({ batch: 1, context: 205 }).time.value);
    expectClose(mixedStep(whole, [{ batch: 2, tokens: 1, past: 300 }]).time, whole.stepTime({ batch: 2, tokens: 1, past: 300 }).total, 1e-12);
  });

  it("gpt-fast rows say so, and the layout is refused when unknown", () => {
    for (const r of measurements().filter((x) => x.engine === "gpt-fast")) expect(r.lmHead).toBe("replicated");
    expect(errorOf(() => e().kernels({ lmHead: "sharded" as never })).message).toMatch(/kernels\.lmHead must be one of vocab-parallel, replicated/);
  });
});

describe("dequantization follows each weight class's own format", () => {
  it("gpt-oss-120b at fp16 compute: MXFP4 experts dequantize, its 16-bit attention GEMMs do not", () => {
    const e = model("gpt-oss-120b").on(gpu("H100"));
    const free = e.kernels({ dequant: 0 });
    const row = (x: typeof e, op: string) => x.rows({ batch: 64, context: 4096 }).find((r) => r.op === op)!;
    expect(row(e, "qkv").computeTime).toBe(row(free, "qkv").computeTime);
    expect(row(e, "attn out").computeTime).toBe(row(free, "attn out").computeTime);
    expect(row(e, "experts").time).toBeGreaterThan(row(free, "experts").time);
  });
});
