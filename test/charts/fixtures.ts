import { sweep, model, gpu, estimators, chart, type ChartSpec } from "../../src/index.js";

/** One spec per builder, built from a small real sweep. */
export function specs(): Record<string, ChartSpec> {
  const m = model("llama2-70b");
  const kv = sweep({ batch: [1, 8, 32], seq: [1024, 4096, 32768] }, ({ batch, seq }) => ({ kv: m.kv({ batch, seq }) }));
  const heat = sweep({ gpu: ["H20", "H100", "A100"], context: [4096, 32768, 131072] }, ({ gpu: g, context }) => ({
    max_batch: estimators(m, gpu(g), { tp: 8 }).maxBatch(context),
  }));
  const lat = sweep({ gpu: ["H20", "H100"], batch: [1, 4, 16, 64, 256] }, ({ gpu: g, batch }) => {
    const r = estimators(m, gpu(g), { tp: 8 }).decodeRow(batch, 4096);
    return { tpot_ms: r.decode_ms, throughput_tokens_s: r.throughput_tok_s };
  });
  const mem = [1, 8, 32].flatMap((batch) => [
    { batch, part: "weights", memory_GiB: m.weights().value / 2 ** 30 / 8 },
    { batch, part: "KV cache", memory_GiB: m.kv({ batch, seq: 4096 }).value / 2 ** 30 / 8 },
  ]);
  return {
    bar: chart.bar(kv.filter((d: { seq: number }) => d.seq === 4096), { x: "batch", y: "kv_GiB" }),
    gpuComparison: chart.gpuComparison(["H100", "H20", "A100"], { precisions: ["fp16", "fp8"] }),
    line: chart.line(kv, { x: "seq", y: "kv_GiB", color: "batch", logX: true }),
    lineFacet: chart.line(kv, { x: "seq", y: "kv_GiB", facet: "batch" }),
    roofline: chart.roofline(["H100", "H20"], { ops: [{ name: "decode b=1", intensity: 1 }, { name: "prefill", intensity: 2000 }] }),
    memoryBreakdown: chart.memoryBreakdown(mem, { x: "batch", y: "memory_GiB", stack: "part", capacity: 96 }),
    heatmap: chart.heatmap(heat, { x: "context", y: "gpu", color: "max_batch" }),
    frontier: chart.frontier(lat, { x: "tpot_ms", y: "throughput_tokens_s", color: "gpu", label: "batch" }),
  };
}
