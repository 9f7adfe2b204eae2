#!/usr/bin/env node
/**
 * node scripts/validate-serving.mjs (after npm run build) — the serving layer's predictions
 * next to the published values in datasets/serving-measurements.json: speculative-decoding
 * speedups through speculative(), MLPerf Llama-2-70B Server and Offline tokens/s through
 * capacity() and offline(), the MLPerf Llama-2-70B constants the kit ships (SLO, mean
 * output of its workload). Prints one line per row with the relative error; exits 1 when a
 * constant differs from its source (a prediction's error is reported, not judged).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const k = await import(join(root, "dist/index.js"));
const { rows } = JSON.parse(readFileSync(join(root, "datasets/serving-measurements.json"), "utf8"));

let bad = 0;
const errors = [];
for (const r of rows) {
  if (r.kind === "speculative") {
    let g = k.gpu(r.gpu);
    if (r.precision) g = g.precision(r.precision);
    let c = k.cluster(g, r.gpus);
    if (r.network) c = c.network(r.network);
    if (r.ep) c = c.ep(r.ep);
    const e = k.model(r.model).on(c);
    const draft = r.draft.mtp ? r.draft : k.model(r.draft.model).on(c);
    const p = k.speculative(e, { draft, accept: r.accept, tokens: r.tokens }).speedup({ batch: r.batch, context: r.context }).speedup;
    const err = (p - r.value) / r.value;
    errors.push(Math.abs(err));
    console.log(`${r.id}: predicted ${p.toFixed(2)}× vs published ${r.value}× (${(err * 100).toFixed(1)} %)`);
  } else if (r.kind === "mlperf-server" || r.kind === "mlperf-offline") {
    let g = k.gpu(r.gpu);
    if (r.precision) g = g.precision(r.precision);
    const e = k.model(r.model).on(k.cluster(g, r.gpus).tp(r.tp));
    const s = k.mlperfLlama2Server({ requests: r.requests });
    const p = r.kind === "mlperf-server" ? k.capacity(e, { ...s, maxBatch: r.maxBatch }).tokensPerSecond : k.offline(e, { workload: s.workload, maxBatch: r.maxBatch }).tokensPerSecond;
    const err = (p - r.value) / r.value;
    errors.push(Math.abs(err));
    console.log(`${r.id}: predicted ${p.toFixed(0)} vs published ${r.value} tokens/s (${(err * 100).toFixed(1)} %)`);
  } else if (r.kind === "slo") {
    const s = k.MLPERF_LLAMA2_70B_SLO;
    const ok = s.ttftP99 === r.value[0] && s.tpotP99 === r.value[1];
    if (!ok) bad++;
    console.log(`${r.id}: kit { ttftP99: ${s.ttftP99}, tpotP99: ${s.tpotP99} } vs source [${r.value}] ${ok ? "ok" : "DIFFERS"}`);
  } else if (r.kind === "workload") {
    const ok = k.MLPERF_LLAMA2_70B_MEAN_OUTPUT === r.value;
    const w = k.workload({ ...k.mlperfLlama2Workload({ requests: 24576 }) });
    const mean = w.reduce((a, x) => a + x.output, 0) / w.length;
    if (!ok) bad++;
    console.log(`${r.id}: kit constant ${k.MLPERF_LLAMA2_70B_MEAN_OUTPUT} ${ok ? "ok" : "DIFFERS"}; the kit's lognormal workload draws a mean of ${mean.toFixed(1)} (${(((mean - r.value) / r.value) * 100).toFixed(1)} %)`);
  } else {
    bad++;
    console.log(`${r.id}: unknown kind ${JSON.stringify(r.kind)}`);
  }
}
if (errors.length) console.log(`predictions: ${errors.length}, worst |error| ${(Math.max(...errors) * 100).toFixed(1)} %`);
process.exit(bad ? 1 : 0);
