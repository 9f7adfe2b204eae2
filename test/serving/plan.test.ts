import { describe, expect, it } from "vitest";
import { chart, gpu, model } from "../../src/index.js";
import { plan } from "../../src/serving/plan.js";
import { errorOf } from "../helpers.js";

const m = model("llama3.1-70b");
const p = plan(m, gpu("H100"), { gpus: 8, workload: { prompt: 2048, output: 256 }, slo: { ttftP99: 2 } });

describe("plan(model, gpu, { gpus, workload, slo })", () => {
  it("enumerates tp × pp × dp layouts, aggregated and disaggregated, each row explained", () => {
    const agg = new Set(p.rows.filter((r) => r.mode === "aggregated").map((r) => r.layout));
    expect(agg.has("tp 8 · pp 1 · dp 1")).toBe(true);
    expect(agg.has("tp 4 · pp 2 · dp 1")).toBe(true);
    expect(agg.has("tp 1 · pp 1 · dp 8")).toBe(false); // 70B in fp16 does not fit one H100
    expect(p.rows.some((r) => r.mode === "disaggregated")).toBe(true);
    for (const r of p.rows) {
      expect(r.tp * r.pp * r.dp + r.prefill_gpus).toBe(8);
      expect(r.why).toMatch(/^TPOT = decode/);
    }
    expect(p.layouts).toBe(new Set(p.rows.map((r) => `${r.mode}:${r.layout}`)).size);
    expect(p.table.numRows()).toBe(p.rows.length);
  });

  it("the frontier meets the SLO and no row beats a frontier point on both tokens/s per GPU and per user", () => {
    const front = p.frontier.objects() as { tokens_s_per_gpu: number; tokens_s_per_user: number; ttft_s: number }[];
    expect(front.length).toBeGreaterThan(1);
    for (const f of front) {
      expect(f.ttft_s).toBeLessThanOrEqual(2);
      for (const r of p.rows) if (r.meets_slo) expect(r.tokens_s_per_gpu > f.tokens_s_per_gpu && r.tokens_s_per_user > f.tokens_s_per_user).toBe(false);
    }
    // sorted by per-user speed, so per-GPU throughput rises along it
    for (let i = 1; i < front.length; i++) expect(front[i]!.tokens_s_per_gpu).toBeGreaterThanOrEqual(front[i - 1]!.tokens_s_per_gpu);
  });

  it("feeds chart.frontier", () => {
    const spec = chart.frontier(p.table, { x: "tpot_ms", y: "tokens_s_per_gpu", color: "mode" }) as unknown as { layer: unknown[] };
    expect(spec.layer.length).toBe(2);
  });

  it("a TPOT target removes the slow rows", () => {
    const q = plan(m, gpu("H100"), { gpus: 8, workload: { prompt: 2048, output: 256 }, slo: { ttftP99: 2, tpotP99: "30 ms" }, modes: ["aggregated"] });
    for (const r of q.rows) expect(r.meets_slo).toBe(r.tpot_ms <= 30 && r.ttft_s <= 2);
    expect(q.rows.every((r) => r.mode === "aggregated")).toBe(true);
  });

  it("refuses a bad GPU count or workload", () => {
    expect(errorOf(() => plan(m, gpu("H100"), { gpus: 0, workload: { prompt: 1, output: 1 }, slo: { ttftP99: 1 } })).message).toBe("gpus must be a positive integer, got 0");
    expect(errorOf(() => plan(m, gpu("H100"), { gpus: 8, workload: { prompt: -1, output: 1 }, slo: { ttftP99: 1 } })).message).toBe("workload.prompt must be a positive integer, got -1");
  });
});

describe("plan() for an MoE model", () => {
  it("adds expert-parallel layouts", () => {
    const q = plan(model("deepseek-v3"), gpu("H100").fp8(), { gpus: 16, workload: { prompt: 1024, output: 256 }, slo: { ttftP99: 5 }, modes: ["aggregated"], maxBatch: 64 });
    expect(q.rows.some((r) => r.ep === 16 && r.layout === "tp 1 · pp 1 · dp 16 · ep 16")).toBe(true);
  });
});
