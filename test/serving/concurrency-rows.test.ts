import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { cluster, gpu, model } from "../../src/index.js";
import { checkDist, type LengthDist } from "../../src/longcontext/workload.js";

interface Row {
  id: string; kind: string; regime: string; model: string; gpu: string; precision: "fp8" | "bf16"; gpus: number; tp: number;
  dtypes?: { kv?: "bf16" | "fp8" }; clients: number; requests: number; prompt: LengthDist; output: LengthDist; metric: string;
  source: { url: string; where: string }; assumed: string;
}
const rows = (JSON.parse(readFileSync(new URL("../../datasets/serving-measurements.json", import.meta.url), "utf8")) as { rows: Row[] }).rows.filter((r) => r.kind === "concurrency");
const longest = (d: LengthDist) => (typeof d === "number" ? d : "uniform" in d ? d.uniform[1] : Infinity);

describe("datasets/serving-measurements.json: fixed-concurrency rows", () => {
  it("cover Hopper and AMD GPUs from more than one source, each with what it assumes", () => {
    expect(new Set(rows.map((r) => r.regime))).toEqual(new Set(["fixed concurrency Hopper", "fixed concurrency AMD"]));
    expect(new Set(rows.map((r) => new URL(r.source.url).hostname)).size).toBeGreaterThanOrEqual(3);
    for (const r of rows) expect(r.assumed.length, r.id).toBeGreaterThan(40);
  });
  it("each row's setup is one concurrency() accepts, and its clients' caches fit at the longest lengths", () => {
    for (const r of rows) {
      checkDist(r.prompt, `${r.id} prompt`);
      checkDist(r.output, `${r.id} output`);
      expect(["output tokens per second per GPU", "output tokens per second per user", "latency of one batch"], r.id).toContain(r.metric);
      expect(r.requests, r.id).toBeGreaterThanOrEqual(r.clients);
      const base = model(r.model).on(cluster(gpu(r.gpu).precision(r.precision), r.gpus).tp(r.tp));
      const e = r.dtypes ? base.dtypes(r.dtypes) : base;
      expect(e.compile().maxBatch(longest(r.prompt) + longest(r.output)), r.id).toBeGreaterThanOrEqual(r.clients);
    }
  });
});
