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

/**
 * One spec per builder on the data the notebooks chart: close ridge points, ops that share an
 * intensity, a frontier over nine batch sizes, long category names with value labels, stacked
 * training memory against a capacity, log axes over powers of two.
 */
export function typical(): Record<string, ChartSpec> {
  const m = model("llama2-70b");
  const ctx = [4096, 8192, 16384, 32768, 65536, 131072];
  const kv = sweep({ batch: [1, 8, 64], context: ctx }, ({ batch, context }) => ({ kv_GiB: m.kv({ batch, seq: context }).value / 2 ** 30 / 8 }));
  const batches = [1, 2, 4, 8, 16, 32, 64, 128, 256];
  const lat = sweep({ gpu: ["H20", "H100", "A800"], batch: batches }, ({ gpu: g, batch }) => {
    const r = estimators(m, gpu(g), { tp: 8 }).decodeRow(batch, 4096);
    return { tpot_ms: r.decode_ms, throughput_tok_s: r.throughput_tok_s };
  });
  const heat = sweep({ gpu: ["H20", "H100", "A800"], context: [4096, 16384, 32768, 131072] }, ({ gpu: g, context }) => ({
    max_batch: estimators(m, gpu(g), { tp: 8 }).maxBatch(context),
  }));
  const terms = ["weights", "fp8Copies", "gradients", "optimizer", "activations", "reserve"];
  const mem = [1, 2, 3, 4, 5, 6].flatMap((microBatch) => terms.map((term, i) => ({ microBatch, term, memory_GiB: term === "activations" ? 9.5 * microBatch : [17.5, 17.5, 4.4, 17.5, 0, 2][i]! })));
  const policies = [
    { policy: "static", throughput_tok_s: 612.4 },
    { policy: "in-flight", throughput_tok_s: 1450.2 },
    { policy: "in-flight + chunk 2048", throughput_tok_s: 1391.7 },
  ];
  const days = [1, 2, 4, 8].flatMap((microBatch) => [
    { setup: "64× A800 (pp 1)", microBatch, days: 1330 - microBatch },
    { setup: "1024× A800 (pp 4)", microBatch, days: 86 * (1 + microBatch / 10) },
  ]);
  const ops = [1, 64].flatMap((b) => [
    { name: `attention b=${b}`, intensity: 1 },
    { name: `mlp b=${b}`, intensity: 2 * b },
  ]);
  return {
    gpuComparison: chart.gpuComparison(["H100", "H20", "A100", "A800", "H800", "L20"], { precisions: ["fp16", "fp8", "int8"] }),
    barLabels: chart.bar(policies, { x: "policy", y: "throughput_tok_s", labels: true }),
    barGroupedLabels: chart.bar(kv.filter((d: { context: number }) => d.context <= 32768), { x: "context", y: "kv_GiB", group: "batch", labels: true }),
    lineLogX: chart.line(kv, { x: "context", y: "kv_GiB", color: "batch", logX: true }),
    lineLogY: chart.line(days, { x: "microBatch", y: "days", color: "setup", logY: true }),
    lineBatch: chart.line(lat, { x: "batch", y: "throughput_tok_s", color: "gpu", logX: true }),
    lineFacet: chart.line(kv, { x: "context", y: "kv_GiB", color: "batch", facet: "batch", logX: true }),
    roofline: chart.roofline([gpu("H20").fp8(), gpu("A800")], { ops }),
    ridgePlane: chart.ridgePlane(),
    rooflineDefault: chart.roofline(["H20", "H100"], { ops: [{ name: "decode, batch 1", intensity: 1 }, { name: "decode, batch 64", intensity: 60 }, { name: "prefill 4k", intensity: 2000 }] }),
    memoryBreakdown: chart.memoryBreakdown(mem, { x: "microBatch", y: "memory_GiB", stack: "term", capacity: 96, capacityLabel: "H20 FP8 memory (OOM line)" }),
    heatmap: chart.heatmap(heat, { x: "context", y: "gpu", color: "max_batch" }),
    frontier: chart.frontier(lat, { x: "tpot_ms", y: "throughput_tok_s", color: "gpu", label: "batch" }),
  };
}
