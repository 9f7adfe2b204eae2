import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { MLPERF_LLAMA2_70B_MEAN_INPUT, MLPERF_LLAMA2_70B_MEAN_OUTPUT, MLPERF_LLAMA2_70B_SLO, mlperfLlama2Workload, workload, cluster, disaggregated, gpu, lockstepRanks, model, offline } from "../../src/index.js";

interface Pool { gpu: string; precision?: string; gpus: number; tp?: number; ep?: number; network?: string; maxTokens?: number; dtypes?: { kv?: string } }

const data = JSON.parse(readFileSync(new URL("../../datasets/serving-measurements.json", import.meta.url), "utf8")) as {
  rows: {
    id: string; kind: string; value: number | number[]; source: { url: string; where: string };
    model?: string; gpu?: string; precision?: string; gpus?: number; ep?: number; dtypes?: { kv?: string; weights?: string };
    batch?: number; input?: number; output?: number; maxBatch?: number; maxNumTokens?: number; concurrency?: number; requests?: number;
    prefill?: Pool; decode?: Pool; link?: string; prompt?: number; cached?: number; metric?: string; unit?: string;
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
    expect(data.rows.find((r) => r.kind === "workload" && r.metric === "mean output tokens")!.value).toBe(MLPERF_LLAMA2_70B_MEAN_OUTPUT);
    expect(data.rows.find((r) => r.kind === "workload" && r.metric === "mean input tokens")!.value).toBeCloseTo(MLPERF_LLAMA2_70B_MEAN_INPUT, 2);
  });
  it("the MLPerf Llama-2-70B workload draws the dataset's mean input and the published mean output within 2 %, both under the 1,024 cap", () => {
    const w = workload(mlperfLlama2Workload());
    const mean = (f: (x: (typeof w)[number]) => number) => w.reduce((a, x) => a + f(x), 0) / w.length;
    expect(Math.abs(mean((x) => x.prompt) / MLPERF_LLAMA2_70B_MEAN_INPUT - 1)).toBeLessThan(0.02);
    expect(Math.abs(mean((x) => x.output) / MLPERF_LLAMA2_70B_MEAN_OUTPUT - 1)).toBeLessThan(0.02);
    expect(Math.max(...w.map((x) => Math.max(x.prompt, x.output)))).toBeLessThanOrEqual(1024);
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
  it("each disaggregated row's pools serve its model, its decode batch fits, and its metric names the pool it divides by", () => {
    const rows = data.rows.filter((r) => r.kind.startsWith("disagg-"));
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(["disagg-prefill", "disagg-decode", "disagg-transfer"]));
    const engine = (r: (typeof rows)[number], p: Pool) => {
      let c = cluster(gpu(p.gpu).precision((p.precision ?? "fp16") as "fp8"), p.gpus);
      if (p.tp) c = c.tp(p.tp);
      if (p.network) c = c.network(p.network);
      if (p.ep) c = c.ep(p.ep);
      const e = model(r.model!).on(c).dtypes(p.dtypes ?? {});
      return p.maxTokens ? e.maxTokens(p.maxTokens) : e;
    };
    for (const r of rows) {
      const d = disaggregated({ prefill: engine(r, r.prefill!), decode: engine(r, r.decode!), link: r.link! });
      if (r.kind === "disagg-transfer") {
        expect(r.unit, r.id).toBe("GB/s");
        continue;
      }
      expect(r.metric, r.id).toMatch(r.kind === "disagg-prefill" ? /^input tokens per second per (prefill node|GPU)$/ : /^output tokens per second per (decode node|GPU)$/);
      const t = d.throughput({ prompt: r.prompt!, output: r.output!, batch: r.batch, cached: r.cached });
      expect(Number.isFinite(t.prefillTokensPerSecond) && t.decodeTokensPerSecond > 0, r.id).toBe(true);
    }
  });
  it("the Mooncake hand-off rows' 40 GB is the kit's KV cache of 128k tokens of Llama-3-70B (40 GiB at 16 bits)", () => {
    for (const r of data.rows.filter((x) => x.kind === "disagg-transfer")) {
      const e = model(r.model!).on(cluster(gpu(r.prefill!.gpu), r.prefill!.gpus).tp(r.prefill!.tp!));
      expect(disaggregated({ prefill: e, decode: e, link: r.link! }).kvBytes(r.prompt!), r.id).toBe(40 * 2 ** 30);
    }
  });
});
