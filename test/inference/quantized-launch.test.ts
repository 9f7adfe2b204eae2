import { describe, it, expect } from "vitest";
import { model, gpu, cluster, NO_OVERHEAD } from "../../src/index.js";
import { parseGpuEntry } from "../../src/hardware/catalog.js";
import { quantizeLaunches, quantizedGemm, quantizeLatency } from "../../src/inference/launches.js";
import { errorOf, expectClose } from "../helpers.js";

// NVIDIA aiconfigurator (github.com/ai-dynamo/aiconfigurator), aic-core/src/aiconfigurator_core/systems/data/
// <part>/gemm/trtllm/1.3.0rc20/gemm_perf.parquet: TensorRT-LLM Linear latencies per gemm_dtype, the rows
// with M ∈ {1, 16} and N, K ∈ {1024 … 8192}, N K ≤ 32 M — [M, N, K, µs]. The catalog's α is the fit over
// every M ≤ 16 row up to 64 MB of weights; these 26 rows per format are a sample the test refits.
// h200_sxm, gemm_dtype fp8_block
const H200_FP8_BLOCK = [
  [1, 1024, 1024, 5.45], [1, 1024, 2048, 6.42], [1, 1024, 4096, 8.7], [1, 1024, 8192, 13.57], [1, 2048, 1024, 5.37],
  [1, 2048, 2048, 6.62], [1, 2048, 4096, 9.12], [1, 2048, 8192, 14.22], [1, 4096, 1024, 5.56], [1, 4096, 2048, 7.66],
  [1, 4096, 4096, 10.81], [1, 8192, 1024, 6.43], [1, 8192, 2048, 9.45], [16, 1024, 1024, 5.67], [16, 1024, 2048, 6.52],
  [16, 1024, 4096, 8.86], [16, 1024, 8192, 13.78], [16, 2048, 1024, 5.51], [16, 2048, 2048, 6.89], [16, 2048, 4096, 9.4],
  [16, 2048, 8192, 14.49], [16, 4096, 1024, 5.65], [16, 4096, 2048, 7.21], [16, 4096, 4096, 10.86], [16, 8192, 1024, 6.61],
  [16, 8192, 2048, 9.63],
] as const;
// h200_sxm, gemm_dtype fp8 (per-tensor, dynamic activation scale: the collector loads no input_scale)
const H200_FP8 = [
  [1, 1024, 1024, 14.74], [1, 1024, 2048, 17.15], [1, 1024, 4096, 22.27], [1, 1024, 8192, 16.03], [1, 2048, 1024, 12.79],
  [1, 2048, 2048, 13.42], [1, 2048, 4096, 16.55], [1, 2048, 8192, 18.48], [1, 4096, 1024, 13.12], [1, 4096, 2048, 14],
  [1, 4096, 4096, 16.62], [1, 8192, 1024, 13.7], [1, 8192, 2048, 16.53], [16, 1024, 1024, 12.96], [16, 1024, 2048, 13.57],
  [16, 1024, 4096, 16.27], [16, 1024, 8192, 16.48], [16, 2048, 1024, 13.3], [16, 2048, 2048, 13.83], [16, 2048, 4096, 15.04],
  [16, 2048, 8192, 19.51], [16, 4096, 1024, 13.25], [16, 4096, 2048, 13.74], [16, 4096, 4096, 17.2], [16, 8192, 1024, 13.98],
  [16, 8192, 2048, 16.67],
] as const;
// h200_sxm/quantize/trtllm/1.3.0rc20/computescale_perf.parquet: dynamic minus static per-tensor quantize, [M, K, µs]
const H200_COMPUTE_SCALE = [[1, 1024, 6.92], [1, 2048, 7.22], [1, 4096, 7.22], [1, 8192, 7.2], [16, 1024, 7.09], [16, 2048, 7.1], [16, 4096, 7.21], [16, 8192, 7.37]] as const;
// b200_sxm, gemm_dtype nvfp4
const B200_NVFP4 = [
  [1, 1024, 1024, 8.38], [1, 1024, 2048, 10.21], [1, 1024, 4096, 14], [1, 1024, 8192, 21.46], [1, 2048, 1024, 8.37],
  [1, 2048, 2048, 9.6], [1, 2048, 4096, 14.11], [1, 2048, 8192, 21.53], [1, 4096, 1024, 8.34], [1, 4096, 2048, 10.04],
  [1, 4096, 4096, 13.74], [1, 8192, 1024, 7.92], [1, 8192, 2048, 10.4], [16, 1024, 1024, 8.36], [16, 1024, 2048, 10],
  [16, 1024, 4096, 13.63], [16, 1024, 8192, 21.5], [16, 2048, 1024, 8.37], [16, 2048, 2048, 10.35], [16, 2048, 4096, 13.65],
  [16, 2048, 8192, 21.64], [16, 4096, 1024, 8.33], [16, 4096, 2048, 10.06], [16, 4096, 4096, 14.02], [16, 8192, 1024, 7.96],
  [16, 8192, 2048, 9.96],
] as const;

/** Least-squares intercept α (seconds) of t = α + bytes/β over [M, N, K, µs] rows at `perWeight` bytes. */
function intercept(rows: readonly (readonly number[])[], perWeight: number): number {
  const xs = rows.map((r) => r[1]! * r[2]! * perWeight);
  const ys = rows.map((r) => r[3]! * 1e-6);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
  });
  return my - (sxy / sxx) * mx;
}
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

describe("GEMM launch latency by activation format (gpus.json gemmLatency.formats)", () => {
  it("refits each format's α from the sampled rows; per-tensor FP8 net of the dynamic scale computation", () => {
    const h200 = gpu("H200-SXM").spec;
    const f = h200.gemmLatencyFormats!;
    // the 26-row samples refit the catalog's α (fitted over 5000–6300 rows) to within 2 µs
    expect(Math.abs(f.fp8Block! - intercept(H200_FP8_BLOCK, 1))).toBeLessThan(2e-6);
    const dynamic = intercept(H200_FP8, 1);
    const scale = median(H200_COMPUTE_SCALE.map((r) => r[2] * 1e-6));
    expect(Math.abs(f.fp8! - (dynamic - scale))).toBeLessThan(3.5e-6);
    // the smallest weight (1024 × 1024, M = 16: 12.96 µs) less the scale computation sits within 1 µs of α
    expect(Math.abs(12.96e-6 - scale - f.fp8!)).toBeLessThan(1e-6);
    // NVFP4 at small M grows with K whatever N (a serial K loop more than streaming): the byte fit is loose
    expect(Math.abs(gpu("B200").spec.gemmLatencyFormats!.fp4! - intercept(B200_NVFP4, 0.5 + 1 / 16))).toBeLessThan(3.5e-6);
    // each format's α exceeds the part's bf16 α: the quantize kernel the timed Linear launches first
    for (const id of ["H100-SXM", "H200-SXM", "B200"]) {
      const s = gpu(id).spec;
      for (const alpha of Object.values(s.gemmLatencyFormats!)) expect(alpha!).toBeGreaterThan(s.gemmLatency! + 1e-6);
      expect(s.sources["gemmLatency.fp8Block"]).toContain("ai-dynamo/aiconfigurator/blob/main/aic-core/src/aiconfigurator_core/systems/data/");
    }
    expect(gpu("A100-SXM-80GB").spec.gemmLatencyFormats).toBeUndefined();
    expect(gpu("H200-SXM").spec.gemmLatencyFormats!.fp4).toBeUndefined();
  });

  it("picks the format from weights, compute precision and checkpoint, and counts one quantize per quantized Linear", () => {
    expect(quantizedGemm("fp8", "fp8", { method: "fp8", bitsPerWeight: 8, scope: "linear" })).toBe("fp8Block");
    expect(quantizedGemm("fp8", "fp8")).toBe("fp8");
    expect(quantizedGemm("fp4", "fp4")).toBe("fp4");
    expect(quantizedGemm("bf16", "fp4")).toBeNull();
    expect(quantizedGemm("mxfp4", "bf16")).toBeNull();
    expect(quantizedGemm("fp8", "bf16")).toBeNull();
    expect(quantizeLatency("fp4", 3.1e-6, gpu("H200-SXM").spec.gemmLatencyFormats)).toBe(0);
    const ds = model("deepseek-r1").on(cluster(gpu("H200-SXM").fp8(), 8).tp(8)).shard;
    expect(["qkv", "attn out", "router", "experts", "mlp", "lm head", "attention"].map((n) => quantizeLaunches(n, ds))).toEqual([2, 1, 0, 3, 2, 0, 0]);
  });

  it("adds quantize launches × (α_format − α_bf16) to a step, once: the per-layer overhead is unchanged", () => {
    // Llama-3.1-70B FP8 (per-tensor) on H100: 80 layers × (qkv 1 + o 1 + gate_up 1 + down 1)
    const step = { batch: 1, tokens: 1, past: 1000 };
    const on = (id: string) => model("llama3.1-70b").on(cluster(gpu(id).fp8(), 8).tp(8)).overhead(NO_OVERHEAD);
    const h100 = on("H100-SXM");
    const s = gpu("H100-SXM").spec;
    const extra = h100.stepTime(step).total - h100.kernels({ gemmLatency: s.gemmLatency! }).stepTime(step).total;
    expectClose(extra, 80 * 4 * (s.gemmLatencyFormats!.fp8! - s.gemmLatency!), 1e-9);
    // the same with the default per-layer overhead: the quantize is not also in it
    const full = model("llama3.1-70b").on(cluster(gpu("H100-SXM").fp8(), 8).tp(8));
    expectClose(full.stepTime(step).total - full.kernels({ gemmLatency: s.gemmLatency! }).stepTime(step).total, extra, 1e-9);
    // 16-bit weights at FP8 compute: no activation quantize
    const bf16 = h100.dtypes({ weights: "bf16" });
    expect(bf16.stepTime(step).total).toBe(bf16.kernels({ gemmLatency: s.gemmLatency! }).stepTime(step).total);
    // a part without format figures (L40S) adds none
    expect(on("L40S").stepTime(step).total).toBe(on("L40S").kernels({ gemmLatency: 0 }).stepTime(step).total);
  });

  it("moves DeepSeek-R1's batch-1 step on 8×B200 (BF16 attention, NVFP4 experts) toward TensorRT-LLM's 9.0 ms", () => {
    // TensorRT-LLM tech blog 1, MTP table: 111 tokens/s per user without MTP at batch 1 — a 9.0 ms step
    const e = model("deepseek-r1").on(cluster(gpu("B200").fp4(), 8).tp(8).ep(8)).dtypes({ weights: "bf16", experts: "fp4", kv: "bf16" });
    const step = { batch: 1, tokens: 1, past: 2048 };
    const s = gpu("B200").spec;
    const bf16Only = e.kernels({ gemmLatency: s.gemmLatency! }).stepTime(step).total;
    const withQuant = e.stepTime(step).total;
    // 58 MoE layers × (routed 1 + shared 2) NVFP4 quantize launches; the dense layers' GEMMs stay BF16
    expectClose(withQuant - bf16Only, 58 * 3 * (s.gemmLatencyFormats!.fp4! - s.gemmLatency!), 1e-9);
    expect(Math.abs(withQuant - 9.0e-3)).toBeLessThan(Math.abs(bf16Only - 9.0e-3));
  });

  it("refuses an unknown format in a catalog entry", () => {
    const src = "https://example.com/x";
    const raw = { id: "X", memory: { value: 80, unit: "GB", source: src }, memoryBandwidth: { value: 3, unit: "TB/s", source: src }, gemmLatency: { value: 3, unit: "us", source: src, formats: { int3: { value: 5, unit: "us", source: src } } } };
    expect(errorOf(() => parseGpuEntry(raw)).message).toMatch(/gemmLatency\.formats has unknown format "int3"/);
  });
});
