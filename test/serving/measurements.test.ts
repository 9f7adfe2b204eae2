import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { MLPERF_LLAMA2_70B_MEAN_OUTPUT, MLPERF_LLAMA2_70B_SLO } from "../../src/index.js";

const data = JSON.parse(readFileSync(new URL("../../datasets/serving-measurements.json", import.meta.url), "utf8")) as {
  rows: { id: string; kind: string; value: number | number[]; source: { url: string; where: string } }[];
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
});
