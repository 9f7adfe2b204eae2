import { describe, expect, it } from "vitest";
import { cluster, gpu, model, NO_OVERHEAD } from "../../src/index.js";
import { GROUPED_LARGE_M, GROUPED_TILE_M, GROUPED_TILES, groupedFraction, withKernels, DEFAULT_KERNELS } from "../../src/inference/kernels.js";
import { computeRate, rates } from "../../src/inference/roofline.js";
import { DEFAULT_EFFICIENCY } from "../../src/inference/efficiency.js";
import { errorOf as thrown } from "../helpers.js";

const mixtral = () => model("mixtral-8x7b").on(cluster(gpu("H100").fp8(), 2).tp(2)).overhead(NO_OVERHEAD);
type Step = Parameters<ReturnType<typeof mixtral>["rows"]>[0];
const experts = (e: ReturnType<typeof mixtral>, step: Step) =>
  e.rows(step).find((r) => r.op === "experts")!;

describe('kernels.grouped "tiles": each expert padded to its M tile (DeepGEMM contiguous layout, BLOCK_M 128)', () => {
  it("useful fraction m ÷ (⌈m/128⌉·128) above 64 rows: 1 at 128 and 4096 rows, 129 ÷ 256 just past a tile", () => {
    expect(GROUPED_TILE_M).toBe(128); // get_m_alignment_for_contiguous_layout()
    expect(groupedFraction(128, GROUPED_TILES)).toBe(GROUPED_LARGE_M);
    expect(groupedFraction(4096, GROUPED_TILES)).toBe(GROUPED_LARGE_M);
    expect(groupedFraction(129, GROUPED_TILES)).toBeCloseTo((GROUPED_LARGE_M * 129) / 256, 12);
    expect(groupedFraction(200, GROUPED_TILES)).toBeCloseTo((GROUPED_LARGE_M * 200) / 256, 12);
  });
  it("few rows take the small tiles (16, 32, 64: vLLM fused_moe BLOCK_SIZE_M 16, DeepGEMM BLOCK_M 64 for m ≤ 64)", () => {
    expect(groupedFraction(1, GROUPED_TILES)).toBeCloseTo(GROUPED_LARGE_M / 16, 12);
    expect(groupedFraction(16, GROUPED_TILES)).toBe(GROUPED_LARGE_M);
    expect(groupedFraction(17, GROUPED_TILES)).toBeCloseTo((GROUPED_LARGE_M * 17) / 32, 12);
    expect(groupedFraction(40, GROUPED_TILES)).toBeCloseTo((GROUPED_LARGE_M * 40) / 64, 12);
    expect(groupedFraction(65, GROUPED_TILES)).toBeCloseTo((GROUPED_LARGE_M * 65) / 128, 12);
  });
  it("the large-M limit is DeepGEMM's grouped-over-dense rate (README, H800: 1297/1304 = 0.99 … 1099/1025 = 1.07)", () => {
    expect(GROUPED_LARGE_M).toBeGreaterThanOrEqual(1297 / 1304 - 0.01);
    expect(GROUPED_LARGE_M).toBeLessThanOrEqual(1099 / 1025);
    for (const m of [1000, 10_000, 100_000]) expect(groupedFraction(m + 1, GROUPED_TILES)).toBeGreaterThan(GROUPED_LARGE_M * (1 - GROUPED_TILE_M / m));
  });
  it("computeRate: the dense GEMM rate × padding ÷ imbalance", () => {
    const r = rates(1e15, 5e14, 3e12, { bandwidth: 4.5e11, latency: 1e-6 } as never, DEFAULT_EFFICIENCY);
    const k = withKernels(DEFAULT_KERNELS, { grouped: GROUPED_TILES, imbalance: 1.25 });
    expect(computeRate("grouped", 200, r, k)).toBeCloseTo((r.gemm * (200 / 256)) / 1.25, 0);
    expect(computeRate("gemm", 200, r, k)).toBe(r.gemm);
  });
  it("prefill experts run faster than the flat 0.4, and a numeric grouped keeps the flat fraction whatever the rows", () => {
    const e = mixtral();
    const flat = e.kernels({ grouped: 0.4 });
    const tiles = e.kernels({ grouped: GROUPED_TILES });
    // 64 × 512 tokens × 2 of 8 experts: 8192 rows per expert, no padding: 1 against 0.4 of the dense rate
    expect(experts(flat, { batch: 64, prompt: 512 }).time / experts(tiles, { batch: 64, prompt: 512 }).time).toBeGreaterThan(1.5);
    const a = flat.kernels({ grouped: 0.2 });
    const b = tiles.kernels({ grouped: 0.2 });
    for (const step of [{ batch: 64, prompt: 512 }, { batch: 1, context: 512 }] as Step[]) expect(experts(b, step).time).toBe(experts(a, step).time);
    expect(experts(a, { batch: 64, prompt: 512 }).time).toBeGreaterThan(experts(flat, { batch: 64, prompt: 512 }).time);
  });
  it("decode of one token per expert stays within a few percent of the flat fraction (memory-bound weight stream)", () => {
    const e = mixtral();
    const flat = experts(e.kernels({ grouped: 0.4 }), { batch: 1, context: 512 }).time;
    const tiles = experts(e.kernels({ grouped: GROUPED_TILES }), { batch: 1, context: 512 }).time;
    expect(Math.abs(tiles / flat - 1)).toBeLessThan(0.1);
  });
  it('bad values are refused by name: a misspelt mode, 0, above 1', () => {
    expect(thrown(() => mixtral().kernels({ grouped: "tile" })).message).toMatch(/kernels\.grouped must be a fraction in \(0, 1\] or "tiles", got "tile"/);
    expect(thrown(() => mixtral().kernels({ grouped: 0 })).message).toMatch(/kernels\.grouped/);
    expect(thrown(() => mixtral().kernels({ grouped: 1.5 })).message).toMatch(/kernels\.grouped/);
  });
});
