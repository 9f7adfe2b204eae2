import { describe, it, expect } from "vitest";
import { cluster, gpu, model, MEMORY_TERMS } from "../../src/index.js";
import { evaluate } from "../../src/derive/term.js";
import { errorOf, expectClose } from "../helpers.js";

const llama = model("llama2-70b");
const base = { seq: 4096, microBatch: 1, globalBatch: 1024, zero: 1 } as const;
const h20 = (n: number) => cluster(gpu("H20").fp8(), n).tp(8).network("400 Gb/s");
const a800 = (n: number) => cluster(gpu("A800"), n).tp(8).network("200 Gb/s");

describe("model.train(opts)", () => {
  it("is immutable: on() and with() return new values", () => {
    const t = llama.train(base);
    const on = t.on(h20(64));
    expect(on).not.toBe(t);
    expect(t.cluster).toBeUndefined();
    expect(t.config.dp).toBe(1);
    expect(on.config).toMatchObject({ tp: 8, pp: 1, dp: 8, accumulation: 128, precision: "fp8" });
    expect(on.with({ microBatch: 2 }).config.accumulation).toBe(64);
    expect(on.config.microBatch).toBe(1);
    expect(Object.isFrozen(on)).toBe(true);
  });
  it("takes the precision from the cluster's GPU unless given", () => {
    expect(llama.train(base).on(a800(64)).config.precision).toBe("fp16");
    expect(llama.train({ ...base, precision: "bf16" }).on(h20(64)).config.precision).toBe("bf16");
  });
});

describe("train(...).memory()", () => {
  const mem = llama.train({ ...base, tp: 8, dp: 8 }).memory();
  it("breakdown() has one row per term and sums to the total", () => {
    const rows = mem.breakdown().objects() as { key: string; memory_GiB: number }[];
    expect(rows.map((r) => r.key)).toEqual([...MEMORY_TERMS]);
    expectClose(rows.reduce((s, r) => s + r.memory_GiB, 0) * 2 ** 30, mem.total.value, 1e-12);
  });
  it("every term's explain() evaluates to its value", () => {
    for (const k of MEMORY_TERMS) {
      const q = mem.term(k);
      expectClose(evaluate(q.explain().spec.term), q.value, 1e-9);
    }
    expectClose(mem.total.explain().evaluate(), mem.total.value, 1e-12);
  });
  it("ZeRO-1 over dp 8 divides the optimizer states by 8 and nothing else", () => {
    const z0 = llama.train({ ...base, tp: 8, dp: 8, zero: 0 }).memory().bytes;
    expectClose(mem.bytes.optimizer, z0.optimizer / 8);
    expect(mem.bytes.weights).toBe(z0.weights);
    expect(mem.bytes.gradients).toBe(z0.gradients);
  });
  it("Adam bf16 = 18 B/param before sharding (fp32 gradients), 16 with gradDtype bf16: tp 8 → P/8 each", () => {
    const P = llama.params.value;
    const z0 = llama.train({ ...base, tp: 8, precision: "bf16", zero: 0 }).memory().bytes;
    expectClose(z0.weights + z0.gradients + z0.optimizer, (18 * P) / 8, 1e-12);
    const b = llama.train({ ...base, tp: 8, precision: "bf16", zero: 0, gradDtype: "bf16" }).memory().bytes;
    expectClose(b.weights + b.gradients + b.optimizer, (16 * P) / 8, 1e-12);
  });
  it("fp32 gradients double the data-parallel traffic of bf16 ones (Megatron-LM's default for bf16)", () => {
    const cl = cluster(gpu("A800"), 64).tp(8).network("200 Gb/s");
    const v = (gradDtype: "fp32" | "bf16") => llama.train({ ...base, precision: "bf16", zero: 0, gradDtype }).on(cl).step({ checkMemory: false }).times;
    expectClose(v("fp32").volume.dp, 2 * v("bf16").volume.dp, 1e-12);
    expect(v("fp32").dpTotal).toBeGreaterThan(v("bf16").dpTotal);
  });
});

describe("train(...).on(cluster).maxMicroBatch()", () => {
  const opts = { seq: 4096, microBatch: 1, accumulation: 16, zero: 1, recompute: "selective" } as const;
  it("A800 runs out before H20 in bf16 (same recipe, 80 vs 96 GiB)", () => {
    const a = llama.train({ ...opts, precision: "bf16" }).on(a800(64)).maxMicroBatch();
    const h = llama.train({ ...opts, precision: "bf16" }).on(cluster(gpu("H20"), 64).tp(8).network("400 Gb/s")).maxMicroBatch();
    expect(h.microBatch).toBeGreaterThan(a.microBatch);
    expect(["activations", "gradients", "optimizer"]).toContain(a.runsOutFirst);
    expect(a.memory.fits).toBe(true);
    expect(llama.train({ ...opts, precision: "bf16", microBatch: a.microBatch + 1 }).on(a800(64)).memory().fits).toBe(false);
  });
  it("refuses, naming the totals, when micro-batch 1 does not fit (70B on 8 GPUs)", () => {
    const e = errorOf(() => llama.train(base).on(a800(8)).maxMicroBatch());
    expect(e.code).toBe("does-not-fit");
    expect(e.message).toMatch(/does not fit even at microBatch 1: 143 GiB per GPU > 80 GiB/);
  });
});

describe("train(...).on(cluster).step() / time({tokens})", () => {
  const t = llama.train({ ...base, zero: 1 }).on(a800(1024).pp(4));
  const step = t.step();
  it("bubble = (p − 1)/m of compute (Narayanan et al. 2021 §2.2.1)", () => {
    const m = t.config.accumulation;
    expectClose(step.times.bubble / step.times.compute, 3 / m);
  });
  it("step = compute + bubble + exposed communication + optimizer; MFU in (0, 1]", () => {
    const x = step.times;
    expectClose(x.step, x.compute + x.bubble + x.tp + x.pp + x.dp + x.optimizer);
    expectClose(x.microBatchTime, x.gemm + x.attention + x.memoryBound);
    expectClose(step.compute.explain().evaluate(), x.compute, 1e-12);
    expectClose(step.time.explain().evaluate(), x.step, 1e-12);
    expect(x.mfu).toBeGreaterThan(0);
    expect(x.mfu).toBeLessThanOrEqual(1);
  });
  it("time({tokens}) = tokens / tokens-per-step × step ÷ goodput; GPU-hours = wall × GPUs", () => {
    const r = t.time({ tokens: 2e12 });
    expectClose(r.wall.value, ((2e12 / (1024 * 4096)) * step.times.step) / 0.9); // default goodput 0.9 (Llama 3 §3.3.4)
    expectClose(t.with({ goodput: 1 }).time({ tokens: 2e12 }).wall.value, (2e12 / (1024 * 4096)) * step.times.step);
    expectClose(r.gpuHours.value, (r.wall.value * 1024) / 3600);
    expect(t.time({ tokens: "2e12 tokens" }).wall.value).toBe(r.wall.value);
  });
  it("ZeRO-3 moves 1.5× the data-parallel bytes of ZeRO-0 at m = 1 (ZeRO §7.2)", () => {
    const one = { seq: 4096, microBatch: 1, globalBatch: 32 };
    const v = (zero: number) => llama.train({ ...one, zero }).on(a800(1024).pp(4)).step().times.volume.dp;
    expectClose(v(3), 1.5 * v(0), 1e-12);
    expectClose(v(1), v(0), 1e-12);
  });
});

describe("bad input", () => {
  it("parallel degrees that do not match the cluster", () => {
    const e = errorOf(() => llama.train({ ...base, tp: 4 }).on(a800(64)));
    expect(e.code).toBe("bad-parallelism");
    expect(e.message).toMatch(/options say tp = 4 but the cluster's layout has tp = 8/);
    expect(errorOf(() => cluster(gpu("A800"), 64).tp(8).pp(3)).message).toMatch(/does not divide the cluster's 64 GPUs/);
  });
  it("a global batch not divisible by microBatch × dp", () => {
    const e = errorOf(() => llama.train({ seq: 4096, microBatch: 3, globalBatch: 999 }).on(a800(64)));
    expect(e.code).toBe("bad-parallelism");
    expect(e.message).toBe("globalBatch 999 is not divisible by microBatch × dp = 3 × 8 = 24; use a multiple of 24");
  });
  it("unknown optimizer, precision, recompute, ZeRO stage", () => {
    expect(errorOf(() => llama.train({ seq: 4096, optimizer: "lion" })).message).toBe('unknown training optimizer "lion"; accepted: adam, adamw, sgd');
    expect(errorOf(() => llama.train({ seq: 4096, precision: "int4" })).code).toBe("unknown-precision");
    expect(errorOf(() => llama.train({ seq: 4096, recompute: "some" })).message).toMatch(/accepted: none, selective, full/);
    expect(errorOf(() => llama.train({ seq: 4096, zero: 4 })).message).toMatch(/ZeRO stage 0, 1, 2 or 3, got 4/);
    expect(errorOf(() => llama.train({ seq: 4096, goodput: 1.2 })).message).toBe("goodput must be in (0, 1], got 1.2");
  });
  it("FP8 on a GPU without it", () => {
    const e = errorOf(() => llama.train({ ...base, precision: "fp8" }).on(a800(1024).pp(4)).step());
    expect(e.code).toBe("unsupported-precision");
    expect(e.message).toMatch(/A800-SXM-80GB has no fp8/);
  });
  it("step() on a configuration that is out of memory", () => {
    expect(errorOf(() => llama.train(base).on(a800(8)).step()).code).toBe("does-not-fit");
  });
  it("tp that does not divide the heads, pp beyond the layers", () => {
    expect(errorOf(() => llama.train({ seq: 4096, tp: 3 })).message).toMatch(/tp = 3 does not divide the 64 attention heads/);
    expect(errorOf(() => llama.train({ seq: 4096, pp: 81 })).message).toMatch(/pp = 81 pipeline stages exceeds the 80 layers/);
  });
});

describe("the GPU's precision is the training recipe", () => {
  it("tf32 trains in fp32; int8 and fp4 views are refused naming the precision", () => {
    const m = model("llama2-7b");
    expect(m.train({ seq: 4096, microBatch: 1, globalBatch: 64 }).on(cluster(gpu("A100").precision("tf32"), 8).tp(8)).config.precision).toBe("fp32");
    expect(m.train({ seq: 4096, microBatch: 1, globalBatch: 64 }).on(cluster(gpu("H100").fp8(), 8).tp(8)).config.precision).toBe("fp8");
    expect(() => m.train({ seq: 4096, microBatch: 1, globalBatch: 64 }).on(cluster(gpu("H100").precision("int8"), 8).tp(8))).toThrowError(/training has no int8 recipe/);
  });
});
