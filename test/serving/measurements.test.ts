import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { MLPERF_LLAMA2_70B_MEAN_OUTPUT, MLPERF_LLAMA2_70B_SLO, cluster, gpu, model } from "../../src/index.js";

const data = JSON.parse(readFileSync(new URL("../../datasets/serving-measurements.json", import.meta.url), "utf8")) as {
  rows: {
    id: string; kind: string; value: number | number[]; source: { url: string; where: string };
    model?: string; gpu?: string; precision?: string; gpus?: number; ep?: number; dtypes?: { kv?: string; weights?: string };
    batch?: number; input?: number; output?: number;
  }[];
};

describe("datasets/serving-measurements.json", () => {
  it("every row has a unique id, a value and a source with where in it", () => {
    expect(new Set(data.rows.map((r) => r.id)).size).toBe(data.rows.length);
    for (const r of data.rows) {
      expect(r.source.url, r.id).toMatch(/^https:\/\//);
      expect(r.source.where.length, r.id).toBeGreaterThan(10);
      for (const v of [r.value].flat()) expect(Number.isFinite(v), r.id).toBe(true);
    }
  });
  it("the MLPerf constants the kit ships are the sourced ones", () => {
    expect(data.rows.find((r) => r.kind === "slo")!.value).toEqual([MLPERF_LLAMA2_70B_SLO.ttftP99, MLPERF_LLAMA2_70B_SLO.tpotP99]);
    expect(data.rows.find((r) => r.kind === "workload")!.value).toBe(MLPERF_LLAMA2_70B_MEAN_OUTPUT);
  });
  it("each ep-request row's fixed batch per replica fits and runs through the engine", () => {
    const rows = data.rows.filter((r) => r.kind === "ep-request");
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const c = cluster(gpu(r.gpu!).precision(r.precision as "fp4" | "fp8"), r.gpus!).ep(r.ep!);
      const e = r.dtypes ? model(r.model!).on(c).dtypes(r.dtypes) : model(r.model!).on(c);
      expect(e.maxBatch({ context: r.input! + r.output! }), r.id).toBeGreaterThanOrEqual(r.batch!);
      const tps = e.request({ prompt: r.input!, output: r.output!, batch: r.batch! }).tokensPerSecondPerGpu;
      expect(Number.isFinite(tps) && tps > 0, r.id).toBe(true);
    }
  });
});
