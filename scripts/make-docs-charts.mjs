// Writes docs/*.png: one chart per builder, on the data the notebooks chart (npm run docs:charts).
import { writeFileSync, mkdirSync } from "node:fs";
import { chart, renderPng, model, gpu, cluster, estimators, sweep } from "../dist/index.js";

const out = new URL("../docs/", import.meta.url);
mkdirSync(out, { recursive: true });
const llama = model("llama2-70b");
const GiB = 2 ** 30;

const lat = sweep({ gpu: ["H20", "H100", "A800"], batch: [1, 2, 4, 8, 16, 32, 64, 128, 256] }, ({ gpu: g, batch }) => {
  const s = estimators(llama, gpu(g), { tp: 8 }).decodeTime(batch, 4096);
  return { tpot_ms: s * 1e3, throughput_tokens_s: batch / s };
});
const llama31 = model("llama3.1-70b");
const kv = sweep({ batch: [1, 8, 64], context: [4096, 8192, 16384, 32768, 65536, 131072] }, ({ batch, context }) => ({ kv_GiB: llama31.kv({ batch, seq: context }).value / GiB }));
const fit = sweep({ gpu: ["H20", "H100", "A800"], context: [4096, 16384, 32768, 131072] }, ({ gpu: g, context }) => {
  const e = estimators(llama, gpu(g), { tp: 8 });
  let lo = 0, hi = 1 << 16;
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (e.fits(mid, context)) lo = mid; else hi = mid - 1; }
  return { max_batch: lo };
});
const h20 = llama.on(cluster(gpu("H20").fp8(), 8).tp(8));
const ops = (batch) => h20.rows({ batch, context: 4096 }).filter((r) => r.bytes > 0 && r.flops > 0 && ["mlp", "attention"].some((k) => r.op.startsWith(k))).map((r) => ({ name: `${r.op} b=${batch}`, intensity: r.flops / r.bytes }));
const train = cluster(gpu("H20").fp8(), 64).tp(8).network("400 Gb/s");
const mem = [1, 2, 3, 4, 5, 6].flatMap((microBatch) =>
  llama.train({ seq: 4096, zero: 1, recompute: "selective", microBatch, accumulation: 16 }).on(train).memory().breakdown().objects()
    .filter((r) => r.memory_GiB > 0).map((r) => ({ microBatch, term: r.term, memory_GiB: r.memory_GiB })));

const charts = {
  "gpu-comparison": chart.gpuComparison(["H100", "H20", "A100", "A800", "H800", "L20"], { precisions: ["fp16", "fp8", "int8"] }),
  roofline: chart.roofline([gpu("H20").fp8(), gpu("A800")], { title: "Decode ops of Llama-2-70B on the roofline (8×H20 FP8, TP 8)", ops: [...ops(1), ...ops(64)] }),
  frontier: chart.frontier(lat, { x: "tpot_ms", y: "throughput_tokens_s", color: "gpu", label: "batch", title: "Llama-2-70B decode at 4096 context, 8 GPUs" }),
  "throughput-vs-batch": chart.line(lat, { x: "batch", y: "throughput_tokens_s", color: "gpu", logX: true, title: "Llama-2-70B decode throughput, 8 GPUs" }),
  "kv-cache": chart.line(kv, { x: "context", y: "kv_GiB", color: "batch", logX: true, logY: true, title: "Llama-3.1-70B KV cache (fp16, all GPUs)" }),
  "max-batch": chart.heatmap(fit, { x: "context", y: "gpu", color: "max_batch", title: "Largest batch that fits (weights + KV, 8 GPUs)" }),
  "memory-breakdown": chart.memoryBreakdown(mem, { x: "microBatch", y: "memory_GiB", stack: "term", capacity: 96, capacityLabel: "H20 memory (OOM line)", title: "Llama-2-70B training memory per GPU, 64×H20 FP8" }),
};
for (const [name, spec] of Object.entries(charts)) {
  writeFileSync(new URL(`${name}.png`, out), await renderPng(spec, { scale: 2 }));
  console.log(`wrote docs/${name}.png`);
}
