import { describe, it, expect } from "vitest";
import { model, gpu, cluster, gemmLaunches, computeFactor, COMPUTE_FACTORS, CDNA3_MAF_SOURCE, DEFAULT_KERNELS, NO_OVERHEAD } from "../../src/index.js";
import { errorOf, expectClose } from "../helpers.js";

// ROCm/aiter aiter/configs/model_configs/a8w8_blockscale_tuned_gemm_ds_v3.csv: the gfx942 rows with
// 304 CUs and M ≤ 16 — [M, N, K, us] — AMD's tuned FP8 block-scale GEMM times on MI300X.
const AITER_GFX942 = [
  [1, 3072, 1536, 6.6154], [2, 3072, 1536, 6.62], [2, 4096, 512, 3.4925], [2, 7168, 2048, 8.1045],
  [4, 3072, 1536, 6.6883], [4, 4096, 512, 3.5496], [4, 7168, 2048, 8.1083], [8, 3072, 1536, 6.7342],
  [8, 7168, 2048, 7.9481], [16, 3072, 1536, 6.7699], [16, 7168, 2048, 8.3748],
] as const;

/** Least squares t = α + bytes/β over the rows (FP8: one byte per weight). */
function fit(rows: readonly (readonly number[])[]): { alpha: number; beta: number } {
  const xs = rows.map((r) => r[1]! * r[2]!);
  const ys = rows.map((r) => r[3]! * 1e-6);
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const slope = sxy / sxx;
  return { alpha: my - slope * mx, beta: 1 / slope };
}

describe("the part's fixed GEMM latency (gpus.json gemmLatency, kernels.gemmLatency)", () => {
  it("MI300X and MI325X carry the α of AMD's tuned gfx942 GEMM table; NVIDIA parts carry none", () => {
    const { alpha, beta } = fit(AITER_GFX942);
    for (const id of ["MI300X", "MI325X"]) {
      const s = gpu(id).spec;
      expect(s.sources.gemmLatency).toMatch(/ROCm\/aiter\/.*a8w8_blockscale_tuned_gemm_ds_v3\.csv/);
      expect(Math.abs(s.gemmLatency! - alpha)).toBeLessThan(0.05e-6);
    }
    // the bytes stream at 0.75 of MI300X's peak: the kit's memory efficiency (0.8) already holds them
    expect(beta / gpu("MI300X").spec.bandwidth).toBeGreaterThan(0.7);
    expect(beta / gpu("MI300X").spec.bandwidth).toBeLessThan(0.8);
    expect(gpu("H200").spec.gemmLatency).toBeUndefined();
    expect(gpu("B200").spec.gemmLatency).toBeUndefined();
  });

  it("gemmLaunches counts one GEMM per weight matrix in series, with gate/up, QKV and MLA's q_a/kv_a fused", () => {
    const llama = model("llama3.1-70b").on(cluster(gpu("MI300X").fp8(), 8).tp(8)).shard;
    expect(["qkv", "attn out", "mlp", "lm head", "attention", "norms", "all-reduce"].map((n) => gemmLaunches(n, llama))).toEqual([1, 1, 2, 1, 0, 0, 0]);
    const ds = model("deepseek-r1").on(cluster(gpu("MI300X").fp8(), 8).tp(8)).shard;
    expect(["qkv", "attn out", "router", "experts", "mlp"].map((n) => gemmLaunches(n, ds))).toEqual([3, 2, 1, 4, 2]);
  });

  it("adds launches × latency to a decode step on MI300X, and nothing on H200", () => {
    const amd = model("llama3.1-70b").on(cluster(gpu("MI300X").fp8(), 8).tp(8)).overhead(NO_OVERHEAD);
    const step = { batch: 1, tokens: 1, past: 1000 };
    const extra = amd.stepTime(step).total - amd.kernels({ gemmLatency: 0 }).stepTime(step).total;
    // 80 layers × (qkv 1 + attn out 1 + mlp 2) + the LM head
    expectClose(extra, (80 * 4 + 1) * gpu("MI300X").spec.gemmLatency!, 1e-9);
    const nv = model("llama3.1-70b").on(cluster(gpu("H200").fp8(), 8).tp(8));
    expect(nv.stepTime(step).total).toBe(nv.kernels({ gemmLatency: 0 }).stepTime(step).total);
    // the breakdown books it to the ops that launch GEMMs, and still sums to the step
    const rows = amd.rows({ batch: 1, context: 1001 });
    const bare = amd.kernels({ gemmLatency: 0 }).rows({ batch: 1, context: 1001 });
    const qkv = (rs: typeof rows) => rs.find((r) => r.op === "qkv")!.time;
    expectClose(qkv(rows) - qkv(bare), 80 * gpu("MI300X").spec.gemmLatency!, 1e-9);
    expect(rows.find((r) => r.op === "attention")!.time).toBe(bare.find((r) => r.op === "attention")!.time);
    expectClose(rows.reduce((a, r) => a + r.time, 0), amd.stepTime(step).total, 1e-9);
  });

  it("is overridable, refuses a negative or non-time value, and the ideal roofline drops it", () => {
    const e = model("llama3.1-70b").on(cluster(gpu("MI300X").fp8(), 8).tp(8));
    expect(DEFAULT_KERNELS.gemmLatency).toBeNull();
    const step = { batch: 4, tokens: 1, past: 500 };
    expect(e.kernels({ gemmLatency: "10 µs" }).stepTime(step).total).toBeGreaterThan(e.stepTime(step).total);
    expect(e.kernels({ gemmLatency: null }).stepTime(step).total).toBe(e.stepTime(step).total);
    expect(e.kernels({ gemmLatency: "10 µs" }).kernels().gemmLatency).toBeCloseTo(10e-6, 12);
    expect(errorOf(() => e.kernels({ gemmLatency: "-1 us" })).message).toMatch(/kernels\.gemmLatency/);
    expect(errorOf(() => e.kernels({ gemmLatency: "3 GB" })).message).toMatch(/kernels\.gemmLatency/);
    expect(e.ideal().rates().gemmLatency).toBe(0);
  });

  it("brings MI300X Llama-3.1-70B FP8 TP8 batch-1 latency (AMD ROCm performance results page, 128 in / 2048 out: 15.882 s) closer", () => {
    // https://www.amd.com/en/developer/resources/rocm-hub/dev-ai/performance-results.html, Latency table
    const published = 15.882;
    const e = model("llama3.1-70b").on(cluster(gpu("MI300X").fp8(), 8).tp(8)).dtypes({ kv: "fp8" });
    const withLatency = e.request({ prompt: 128, output: 2048 }).latency.value;
    const without = e.kernels({ gemmLatency: 0 }).request({ prompt: 128, output: 2048 }).latency.value;
    expect(Math.abs(withLatency - published)).toBeLessThan(Math.abs(without - published));
    expect(Math.abs(withLatency - published) / published).toBeLessThan(0.2);
  });
});

describe("CDNA 3 compute factor (AMD's max-achievable FLOPs)", () => {
  it("is MI300X's MAF ÷ dense peak ÷ Hopper's 0.79, per precision", () => {
    // Measuring Max-Achievable FLOPs – Part 2, Table 1: MI300X FP16 654, BF16 708, FP8 1273 TFLOPS
    expect(CDNA3_MAF_SOURCE).toMatch(/measuring-max-achievable-flops-part2/);
    const maf = { fp16: 654e12, bf16: 708e12, fp8: 1273e12 } as const;
    const peak = gpu("MI300X").spec.peak;
    for (const p of ["fp16", "bf16", "fp8"] as const) {
      expect(Math.abs(computeFactor("CDNA 3", p) - maf[p] / peak[p]! / 0.79)).toBeLessThan(0.01);
    }
    expect(COMPUTE_FACTORS["CDNA 3"]).toBeDefined();
    expect(computeFactor("Hopper", "bf16")).toBe(1);
  });

  it("slows MI300X prefill (compute-bound) by about that factor", () => {
    const e = model("llama3.1-70b").on(cluster(gpu("MI300X").bf16(), 8).tp(8)).overhead(NO_OVERHEAD);
    const r = e.rates();
    expectClose(r.gemm, gpu("MI300X").spec.peak.bf16! * e.efficiency().compute * computeFactor("CDNA 3", "bf16"), 1e-9);
  });
});
