import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { MLPERF_LLAMA2_70B_MEAN_OUTPUT, MLPERF_LLAMA2_70B_SLO, cluster, gpu, lockstepRanks, model, offline } from "../../src/index.js";

const data = JSON.parse(readFileSync(new URL("../../datasets/serving-measurements.json", import.meta.url), "utf8")) as {
  rows: {
    id: string; kind: string; value: number | number[]; source: { url: string; where: string };
    model?: string; gpu?: string; precision?: string; gpus?: number; ep?: number; dtypes?: { kv?: string; weights?: string };
    batch?: number; input?: number; output?: number; maxBatch?: number; maxNumTokens?: number; concurrency?: number; requests?: number;
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
  it("each ep-offline row cites its benchmark flags and runs on attention-data-parallel ranks in lockstep", () => {
    const rows = data.rows.filter((r) => r.kind === "ep-offline");
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      for (const [flag, v] of [["max_batch_size", r.maxBatch], ["max_num_tokens", r.maxNumTokens], ["concurrency", r.concurrency]] as const) {
        expect(Number.isInteger(v) && v! > 0, `${r.id} ${flag}`).toBe(true);
        expect(r.source.where, `${r.id} ${flag}`).toContain(`--${flag} ${v}`);
      }
      expect(r.source.where.replace(/ /g, ""), r.id).toMatch(new RegExp(`num_requests(=|)${r.requests}`));
      const c = cluster(gpu(r.gpu!).precision(r.precision as "fp4" | "fp8"), r.gpus!).ep(r.ep!);
      const e = (r.dtypes ? model(r.model!).on(c).dtypes(r.dtypes) : model(r.model!).on(c)).maxTokens(r.maxNumTokens!);
      expect(lockstepRanks(e), r.id).toBe(r.gpus);
      expect(e.maxBatch({ context: r.input! + r.output! }), r.id).toBeGreaterThanOrEqual(r.maxBatch!);
      const o = offline(e, { workload: { requests: 2 * r.gpus!, prompt: r.input!, output: 4 }, maxBatch: r.maxBatch!, concurrency: r.concurrency! });
      expect(o.simulation.finished, r.id).toBe(2 * r.gpus!);
    }
  });
});
