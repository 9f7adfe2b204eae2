import { describe, it, expect } from "vitest";
import { model, readTrainOptions, defaultGradDtype } from "../../src/index.js";
import { paramsOnGpu, stateBytes, zeroDivisors } from "../../src/training/states.js";
import { expectClose } from "../helpers.js";

const perParam = (s: ReturnType<typeof stateBytes>) => s.weights + s.fp8Copies + s.grads + s.optimizer;

describe("stateBytes({precision, optimizer})", () => {
  it("mixed-precision Adam with 16-bit gradients: 2 + 2 + 12 = 16 B per parameter (ZeRO §3.1)", () => {
    const s = stateBytes({ precision: "bf16", optimizer: "adam", fp8Recipe: "transformer-engine", gradDtype: "bf16" });
    expect([s.weights, s.grads, s.optimizer]).toEqual([2, 2, 12]);
    expect(perParam(s)).toBe(16);
    expect(perParam(stateBytes({ precision: "fp16", optimizer: "adamw", fp8Recipe: "transformer-engine" }))).toBe(16);
  });
  // Megatron-LM megatron/training/arguments.py: for --bf16, accumulate_allreduce_grads_in_fp32 is set
  // ("accumulate and all-reduce gradients in fp32 for bfloat16 data type") unless --grad-reduce-in-bf16.
  it("bf16 by default keeps fp32 gradients as Megatron-LM does: 2 + 4 + 12 = 18 B; fp16 keeps fp16 gradients", () => {
    const s = stateBytes({ precision: "bf16", optimizer: "adam", fp8Recipe: "transformer-engine" });
    expect([s.weights, s.grads, s.optimizer]).toEqual([2, 4, 12]);
    expect(perParam(s)).toBe(18);
    expect(defaultGradDtype("bf16")).toBe("fp32");
    expect(defaultGradDtype("fp8")).toBe("fp32");
    expect(defaultGradDtype("fp16")).toBe("fp16");
    expect(readTrainOptions({ seq: 1 }).gradDtype).toBe("fp32");
    expect(readTrainOptions({ seq: 1, precision: "fp16" }).gradDtype).toBe("fp16");
    expect(readTrainOptions({ seq: 1, gradDtype: "BF16" }).gradDtype).toBe("bf16");
    expect(() => readTrainOptions({ seq: 1, gradDtype: "fp64" })).toThrow(/unknown training gradient dtype "fp64"; accepted: fp32, bf16, fp16/);
  });
  it("fp32 Adam: 4 + 4 + 8; mixed SGD-momentum: 2 + 2 (4 with fp32 gradients) + 8", () => {
    expect(perParam(stateBytes({ precision: "fp32", optimizer: "adam", fp8Recipe: "transformer-engine" }))).toBe(16);
    expect(perParam(stateBytes({ precision: "bf16", optimizer: "sgd", fp8Recipe: "transformer-engine", gradDtype: "bf16" }))).toBe(12);
    expect(perParam(stateBytes({ precision: "bf16", optimizer: "sgd", fp8Recipe: "transformer-engine" }))).toBe(14);
  });
  it("FP8: Transformer Engine adds the cached FP8 weight and transpose (18 B with bf16 gradients, 20 B with fp32); DeepSeek-V3 keeps fp32 grads and bf16 moments (14 B)", () => {
    expect(perParam(stateBytes({ precision: "fp8", optimizer: "adam", fp8Recipe: "transformer-engine", gradDtype: "bf16" }))).toBe(18);
    expect(perParam(stateBytes({ precision: "fp8", optimizer: "adam", fp8Recipe: "transformer-engine" }))).toBe(20);
    const ds = stateBytes({ precision: "fp8", optimizer: "adam", fp8Recipe: "deepseek-v3" });
    expect([ds.weights, ds.fp8Copies, ds.grads, ds.optimizer]).toEqual([2, 0, 4, 8]);
  });
});

// Rajbhandari et al. 2020, ZeRO (arXiv:1910.02054), Figure 1: Ψ = 7.5B, Nd = 64, K = 12:
// baseline 120 GB, P_os 31.4 GB, P_os+g 16.6 GB, P_os+g+p 1.9 GB per device.
describe("zeroDivisors(stage, dp) — ZeRO Figure 1 worked example", () => {
  const psi = 7.5e9;
  const s = stateBytes({ precision: "fp16", optimizer: "adam", fp8Recipe: "transformer-engine" });
  const perGpu = (stage: number) => {
    const z = zeroDivisors(stage, 64);
    return psi * (s.weights / z.weights + s.grads / z.grads + s.optimizer / z.optimizer);
  };
  it("stage 0: 120 GB", () => expectClose(perGpu(0), 120e9));
  it("stage 1: 31.4 GB", () => expect(perGpu(1) / 1e9).toBeCloseTo(31.4, 1));
  it("stage 2: 16.6 GB", () => expect(perGpu(2) / 1e9).toBeCloseTo(16.6, 1));
  it("stage 3: 1.9 GB", () => expect(perGpu(3) / 1e9).toBeCloseTo(1.875, 3));
  it("each stage divides exactly the terms it shards", () => {
    expect(zeroDivisors(0, 8)).toEqual({ weights: 1, grads: 1, optimizer: 1 });
    expect(zeroDivisors(1, 8)).toEqual({ weights: 1, grads: 1, optimizer: 8 });
    expect(zeroDivisors(2, 8)).toEqual({ weights: 1, grads: 8, optimizer: 8 });
    expect(zeroDivisors(3, 8)).toEqual({ weights: 8, grads: 8, optimizer: 8 });
  });
});

describe("paramsOnGpu(params, arch, tp, pp, stage)", () => {
  const m = model("llama2-70b");
  const p = m.paramBreakdown();
  it("tp = pp = 1 holds every parameter", () => expectClose(paramsOnGpu(p, m.arch, 1, 1, "only"), p.total));
  it("tp splits everything: P / 8", () => expectClose(paramsOnGpu(p, m.arch, 8, 1, "only"), p.total / 8));
  it("pp stages: the first and last stages together hold all of it (80 layers over 4 stages)", () => {
    const first = paramsOnGpu(p, m.arch, 1, 4, "first");
    const last = paramsOnGpu(p, m.arch, 1, 4, "last");
    const mid = (p.total - p.embedding - p.lmHead - m.arch.hidden) / 4;
    expectClose(first + last + 2 * mid, p.total, 1e-12);
  });
});
