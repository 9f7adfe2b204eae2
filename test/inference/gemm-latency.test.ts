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
  it("MI300X and MI325X carry the α of AMD's tuned gfx942 GEMM table", () => {
    const { alpha, beta } = fit(AITER_GFX942);
    for (const id of ["MI300X", "MI325X"]) {
      const s = gpu(id).spec;
      expect(s.sources.gemmLatency).toMatch(/ROCm\/aiter\/.*a8w8_blockscale_tuned_gemm_ds_v3\.csv/);
      expect(Math.abs(s.gemmLatency! - alpha)).toBeLessThan(0.05e-6);
    }
    // the bytes stream at 0.75 of MI300X's peak: the kit's memory efficiency (0.8) already holds them
    expect(beta / gpu("MI300X").spec.bandwidth).toBeGreaterThan(0.7);
    expect(beta / gpu("MI300X").spec.bandwidth).toBeLessThan(0.8);
    expect(gpu("L40S").spec.gemmLatency).toBeUndefined();
  });

  it("gemmLaunches counts one GEMM per weight matrix in series, with gate/up, QKV and MLA's q_a/kv_a fused", () => {
    const llama = model("llama3.1-70b").on(cluster(gpu("MI300X").fp8(), 8).tp(8)).shard;
    expect(["qkv", "attn out", "mlp", "lm head", "attention", "norms", "all-reduce"].map((n) => gemmLaunches(n, llama))).toEqual([1, 1, 2, 1, 0, 0, 0]);
    const ds = model("deepseek-r1").on(cluster(gpu("MI300X").fp8(), 8).tp(8)).shard;
    expect(["qkv", "attn out", "router", "experts", "mlp"].map((n) => gemmLaunches(n, ds))).toEqual([3, 2, 1, 4, 2]);
  });

  it("adds launches × latency to a decode step on MI300X, and nothing on a part without a figure (L40S)", () => {
    const amd = model("llama3.1-70b").on(cluster(gpu("MI300X").fp8(), 8).tp(8)).overhead(NO_OVERHEAD);
    const step = { batch: 1, tokens: 1, past: 1000 };
    const extra = amd.stepTime(step).total - amd.kernels({ gemmLatency: 0 }).stepTime(step).total;
    // 80 layers × (qkv 1 + attn out 1 + mlp 2) + the LM head
    expectClose(extra, (80 * 4 + 1) * gpu("MI300X").spec.gemmLatency!, 1e-9);
    const nv = model("llama3.1-70b").on(cluster(gpu("L40S").fp8(), 8).tp(8));
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

// NVIDIA aiconfigurator (github.com/ai-dynamo/aiconfigurator), aic-core/src/aiconfigurator_core/systems/data/:
// TensorRT-LLM's collected GEMM latencies (torch_flow, bfloat16), the rows with M ∈ {1, 16} and
// N, K ∈ {1024, 2048, 4096, 8192} whose weights (2 N K bytes) are ≤ 64 MB — [M, N, K, µs]. The
// catalog's α is the fit over every M ≤ 16 row of the table up to 64 MB; these 26 rows per part
// are a sample of it that the test refits.
// a100_sxm/gemm/trtllm/1.0.0/gemm_perf.parquet
const A100_SXM = [
  [1, 1024, 1024, 4.78], [1, 1024, 2048, 5.87], [1, 1024, 4096, 9.9], [1, 1024, 8192, 16.18], [1, 2048, 1024, 6.59],
  [1, 2048, 2048, 10.58], [1, 2048, 4096, 18.16], [1, 2048, 8192, 28.77], [1, 4096, 1024, 9.9],
  [1, 4096, 2048, 15.74], [1, 4096, 4096, 26.21], [1, 8192, 1024, 15.74], [1, 8192, 2048, 24.44],
  [16, 1024, 1024, 7.58], [16, 1024, 2048, 9.59], [16, 1024, 4096, 10.99], [16, 1024, 8192, 16.28],
  [16, 2048, 1024, 7.82], [16, 2048, 2048, 11.33], [16, 2048, 4096, 17.72], [16, 2048, 8192, 27.75],
  [16, 4096, 1024, 10.27], [16, 4096, 2048, 14.4], [16, 4096, 4096, 26.59], [16, 8192, 1024, 16.08],
  [16, 8192, 2048, 29.18],
] as const;
// h100_sxm/gemm/trtllm/1.3.0rc20/gemm_perf.parquet
const H100_SXM = [
  [1, 1024, 1024, 4.05], [1, 1024, 2048, 5.36], [1, 1024, 4096, 7.52], [1, 1024, 8192, 10.46], [1, 2048, 1024, 4],
  [1, 2048, 2048, 6.68], [1, 2048, 4096, 10.27], [1, 2048, 8192, 16.74], [1, 4096, 1024, 6.02],
  [1, 4096, 2048, 9.08], [1, 4096, 4096, 16.56], [1, 8192, 1024, 8.76], [1, 8192, 2048, 14.73],
  [16, 1024, 1024, 4.04], [16, 1024, 2048, 5.42], [16, 1024, 4096, 7.58], [16, 1024, 8192, 10.54],
  [16, 2048, 1024, 4.08], [16, 2048, 2048, 6.69], [16, 2048, 4096, 10.27], [16, 2048, 8192, 16.53],
  [16, 4096, 1024, 6.12], [16, 4096, 2048, 9.19], [16, 4096, 4096, 16.64], [16, 8192, 1024, 8.8],
  [16, 8192, 2048, 14.93],
] as const;
// h200_sxm/gemm/trtllm/1.3.0rc20/gemm_perf.parquet
const H200_SXM = [
  [1, 1024, 1024, 7.67], [1, 1024, 2048, 12.81], [1, 1024, 4096, 6.29], [1, 1024, 8192, 9.19], [1, 2048, 1024, 4],
  [1, 2048, 2048, 5.7], [1, 2048, 4096, 8.94], [1, 2048, 8192, 13.97], [1, 4096, 1024, 4.92], [1, 4096, 2048, 7.71],
  [1, 4096, 4096, 13.27], [1, 8192, 1024, 7.35], [1, 8192, 2048, 11.73], [16, 1024, 1024, 4.12],
  [16, 1024, 2048, 5.4], [16, 1024, 4096, 6.47], [16, 1024, 8192, 9.25], [16, 2048, 1024, 4.08],
  [16, 2048, 2048, 5.95], [16, 2048, 4096, 9.04], [16, 2048, 8192, 13.55], [16, 4096, 1024, 5.07],
  [16, 4096, 2048, 7.64], [16, 4096, 4096, 13.33], [16, 8192, 1024, 7.27], [16, 8192, 2048, 11.49],
] as const;
// b200_sxm/gemm/trtllm/1.3.0rc20/gemm_perf.parquet
const B200_SXM = [
  [1, 1024, 1024, 4.68], [1, 1024, 2048, 7.04], [1, 1024, 4096, 6.26], [1, 1024, 8192, 9.19], [1, 2048, 1024, 4.7],
  [1, 2048, 2048, 7.16], [1, 2048, 4096, 8.43], [1, 2048, 8192, 9.87], [1, 4096, 1024, 5.07], [1, 4096, 2048, 7.62],
  [1, 4096, 4096, 9.91], [1, 8192, 1024, 4.22], [1, 8192, 2048, 8.28], [16, 1024, 1024, 3.84],
  [16, 1024, 2048, 5.86], [16, 1024, 4096, 6.32], [16, 1024, 8192, 9.13], [16, 2048, 1024, 3.01],
  [16, 2048, 2048, 4.23], [16, 2048, 4096, 8.33], [16, 2048, 8192, 9.91], [16, 4096, 1024, 3.05],
  [16, 4096, 2048, 4.66], [16, 4096, 4096, 11.39], [16, 8192, 1024, 4.27], [16, 8192, 2048, 7.58],
] as const;
const NVIDIA_TABLES = [["A100-SXM-80GB", "a100_sxm", A100_SXM], ["H100-SXM", "h100_sxm", H100_SXM], ["H200-SXM", "h200_sxm", H200_SXM], ["B200", "b200_sxm", B200_SXM]] as const;

/** The tables above as [M, N, K, µs] rows of 2-byte weights, in the 1-byte form fit() reads. */
const asBytes = (rows: readonly (readonly number[])[]) => rows.map(([m, n, k, us]) => [m!, n! * 2, k!, us!]);

describe("NVIDIA parts' fixed GEMM latency (aiconfigurator's TensorRT-LLM GEMM tables)", () => {
  it("each part's α is the intercept of t = α + bytes / β over its small-M rows, with β near 0.8 of HBM", () => {
    for (const [id, dir, rows] of NVIDIA_TABLES) {
      const s = gpu(id).spec;
      expect(s.sources.gemmLatency).toContain(`ai-dynamo/aiconfigurator/blob/main/aic-core/src/aiconfigurator_core/systems/data/${dir}/gemm/trtllm/`);
      const { alpha, beta } = fit(asBytes(rows));
      // the 26-row sample refits the catalog's α to within 1.2 µs
      expect(Math.abs(s.gemmLatency! - alpha)).toBeLessThan(1.2e-6);
      expect(s.gemmLatency!).toBeGreaterThan(3e-6);
      expect(s.gemmLatency!).toBeLessThan(5.5e-6);
      // the slope streams at 0.6–0.9 of peak HBM: the kit's memory efficiency (0.8) holds it
      expect(beta / s.bandwidth).toBeGreaterThan(0.6);
      expect(beta / s.bandwidth).toBeLessThan(0.9);
    }
  });

  it("the additive form fits the tables better than a floor max(α, bytes / β)", () => {
    // a kernel's fixed start-up (launch, prologue, the last wave's tail) adds to its streaming
    // time rather than hiding behind it: the sum leaves a smaller squared relative residual
    const residual = (rows: readonly (readonly number[])[], f: (bytes: number) => number) => rows.reduce((a, [, n, k, us]) => a + ((f(2 * n! * k!) - us! * 1e-6) / (us! * 1e-6)) ** 2, 0);
    const best = (rows: readonly (readonly number[])[], form: (a: number, b: number, bytes: number) => number) => {
      let min = Infinity;
      for (let a = 0.5e-6; a <= 10e-6; a += 0.25e-6) for (let b = 0.5e12; b <= 10e12; b += 0.1e12) min = Math.min(min, residual(rows, (x) => form(a, b, x)));
      return min;
    };
    for (const [, , rows] of NVIDIA_TABLES) {
      expect(best(rows, (a, b, x) => a + x / b)).toBeLessThan(best(rows, (a, b, x) => Math.max(a, x / b)));
    }
  });

  it("adds 10 launches a layer to DeepSeek-R1's batch-1 decode step on 8×B200, toward TensorRT-LLM's measured 9.0 ms", () => {
    // TensorRT-LLM tech blog 1 ("Pushing Latency Boundaries: Optimizing DeepSeek-R1 Performance on
    // NVIDIA B200 GPUs"), MTP table: 111 tokens/s per user without MTP at batch 1 — a 9.0 ms step
    const e = model("deepseek-r1").on(cluster(gpu("B200").fp8(), 8).tp(8));
    const step = { batch: 1, tokens: 1, past: 2048 };
    const withLatency = e.stepTime(step).total;
    const without = e.kernels({ gemmLatency: 0 }).stepTime(step).total;
    expect(withLatency).toBeGreaterThan(without);
    expect(Math.abs(withLatency - 9.0e-3)).toBeLessThan(Math.abs(without - 9.0e-3));
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
