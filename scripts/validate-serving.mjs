#!/usr/bin/env node
/**
 * node scripts/validate-serving.mjs (after npm run build) — the serving layer's predictions
 * next to the published values in datasets/serving-measurements.json: speculative-decoding
 * speedups through speculative(), MLPerf Llama-2-70B Server and Offline tokens/s through
 * capacity() and offline(), the MLPerf Llama-2-70B constants the kit ships (SLO, mean
 * output of its workload), expert-parallel decode and whole requests (prefill and decode of a
 * fixed batch per replica) through the engine on `.ep(k)`, with a row's optional `dtypes`
 * passed to `.dtypes()` and optional FP8 GEMM library `gemm` to `.gemmLibrary()`, serving at a fixed client concurrency through concurrency(), and
 * disaggregated prefill and decode pools and the KV hand-off through disaggregated()
 * (predictDisaggregated). Prints one
 * line per row with the relative error under the engine defaults and under calibrate() fitted
 * on datasets/measurements.json without the row's own source (leave-one-source-out: the serving
 * rows' sources are not among the kernel measurements, so the fit never saw them), then the
 * median and worst error by regime. Exits 1 when a constant differs from its source (a
 * prediction's error is reported, not judged).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const k = await import(join(root, "dist/index.js"));
const { rows } = JSON.parse(readFileSync(join(root, "datasets/serving-measurements.json"), "utf8"));

// calibrate() on the kernel measurements, leaving out any source the serving row shares.
const kernelRows = k.measurements();
const fits = new Map();
function fitWithout(url) {
  const key = kernelRows.some((m) => m.source === url) ? url : "";
  if (!fits.has(key)) fits.set(key, k.calibrate(kernelRows.filter((m) => m.source !== url)));
  return fits.get(key);
}
const tuned = (e, fit) => (fit ? e.efficiency(fit.efficiency).kernels({ ...fit.kernels, overlap: fit.overlap }).overhead(fit.overhead) : e);
// the row's (or pool's) FP8 GEMM library, `gemm` (gemmLibraries.ts); absent: the generation's factor
const withGemm = (e, r) => (r.gemm ? e.gemmLibrary(r.gemm) : e);

function clusterOf(r) {
  let g = k.gpu(r.gpu);
  if (r.precision) g = g.precision(r.precision);
  let c = k.cluster(g, r.gpus);
  if (r.tp) c = c.tp(r.tp);
  if (r.network) c = c.network(r.network);
  if (r.ep) c = c.ep(r.ep);
  return c;
}

/**
 * Disaggregated rows (disagg-prefill, disagg-decode, disagg-transfer) through disaggregated()
 * and its pools: each pool is the row's model on its own cluster (`prefill`, `decode`: gpu,
 * precision, gpus, tp, ep, network, optional dtypes and maxTokens, the prefill pass's token
 * budget), tuned by `fit`, then given the pool's stated `kernels` (the source's all-to-all
 * kernels and two-micro-batch overlap) over the fit. disagg-prefill: the prefill pool's prompt tokens/s (cached prefix
 * included, `cached` its share) per prefill node or GPU; disagg-decode: the decode pool's
 * output tokens/s at `batch` per replica (default: the largest that fits) per decode node or
 * GPU; disagg-transfer: the KV hand-off of `prompt` tokens, bytes ÷ hand-off time, GB/s.
 */
function predictDisaggregated(r, fit) {
  const pool = (p) => {
    const e = k.model(r.model).on(clusterOf(p));
    const t = tuned(withGemm((p.maxTokens ? e.maxTokens(p.maxTokens) : e).dtypes(p.dtypes ?? {}), p), fit);
    return p.kernels ? t.kernels(p.kernels) : t;
  };
  const d = k.disaggregated({ prefill: pool(r.prefill), decode: pool(r.decode), link: r.link });
  if (r.kind === "disagg-transfer") return d.kvBytes(r.prompt) / d.transferTime(r.prompt) / 1e9;
  const t = d.throughput({ prompt: r.prompt, output: r.output, batch: r.batch, cached: r.cached });
  const side = r.kind === "disagg-prefill" ? r.prefill : r.decode;
  const c = clusterOf(side);
  return (r.kind === "disagg-prefill" ? t.prefillTokensPerSecond : t.decodeTokensPerSecond) / (r.metric.endsWith("per GPU") ? c.size : c.nodes);
}
const DISAGGREGATED_REGIME = { "disagg-prefill": "disagg prefill", "disagg-decode": "disagg decode", "disagg-transfer": "disagg KV hand-off" };

/**
 * ep-offline: output tokens/s per GPU of the row's benchmark run through offline() — every request
 * queued at once, in-flight batching on the attention-data-parallel ranks in lockstep, with the
 * run's --concurrency, --max_batch_size (per rank) and --max_num_tokens (per forward pass).
 */
function predictEpOffline(r, e) {
  const workload = { requests: r.requests, prompt: r.input, output: r.output };
  return k.offline(e.maxTokens(r.maxNumTokens), { workload, maxBatch: r.maxBatch, concurrency: r.concurrency }).tokensPerSecondPerGpu;
}

/**
 * Speculative decoding: the speedup over plain decoding at the row's batch and context, through
 * speculative() with the row's drafter (an MTP head count or a draft model on the same cluster)
 * and its acceptance — a per-token rate (`accept`) or the mean accepted length per verify step
 * the source reports (`acceptLength`), and a draft tree's size where it verifies one (`verify`).
 */
function predictSpeculative(r, c, e, fit) {
  const draft = r.draft.mtp ? r.draft : tuned(k.model(r.draft.model).on(c), fit);
  const acceptance = r.acceptLength !== undefined ? { acceptLength: r.acceptLength } : { accept: r.accept };
  return k.speculative(e, { draft, ...acceptance, tokens: r.tokens, verify: r.verify }).speedup({ batch: r.batch, context: r.context }).speedup;
}

/** The row's prediction with engines tuned by `fit` (undefined: the defaults), and its unit text. */
function predictRow(r, fit) {
  if (r.kind in DISAGGREGATED_REGIME) return predictDisaggregated(r, fit);
  const c = clusterOf(r);
  const base = k.model(r.model).on(c);
  const t = tuned(withGemm(r.dtypes ? base.dtypes(r.dtypes) : base, r), fit);
  // the row's stated kernels (the source's all-to-all and micro-batch schedule) over the fit
  const e = r.kernels ? t.kernels(r.kernels) : t;
  if (r.kind === "speculative") return predictSpeculative(r, c, e, fit);
  if (r.kind === "mlperf-server" || r.kind === "mlperf-offline") {
    const s = k.mlperfLlama2Server({ requests: r.requests });
    return r.kind === "mlperf-server" ? k.capacity(e, { ...s, maxBatch: r.maxBatch }).tokensPerSecond : k.offline(e, { workload: s.workload, maxBatch: r.maxBatch }).tokensPerSecond;
  }
  if (r.kind === "concurrency") return predictConcurrency(r, e);
  if (r.kind === "ep-offline") return predictEpOffline(r, e);
  // ep-request: output tokens/s per GPU of `batch` requests per replica, prompt then output (prefill included)
  if (r.kind === "ep-request") return e.request({ prompt: r.input, output: r.output, batch: r.batch }).tokensPerSecondPerGpu;
  // ep-decode: output tokens/s per node (or per GPU, as the row's metric says) at the row's batch per replica and context
  return e.decode({ batch: r.batch, context: r.context }).tokensPerSecond / (r.metric.endsWith("per GPU") ? c.size : c.nodes);
}
/**
 * concurrency: a closed loop of `clients` clients (benchmark_serving --max-concurrency) through
 * concurrency(), `requests` requests with the row's length distributions; the metric is output
 * tokens/s per GPU or per user (1 ÷ median TPOT), or the latency of one batch (requests =
 * clients: vLLM's benchmark_latency) as the run's makespan.
 */
function predictConcurrency(r, e) {
  const c = k.concurrency(e, { clients: r.clients, requests: r.requests, prompt: r.prompt, output: r.output, ...(r.chunk ? { chunk: r.chunk } : {}) });
  if (r.metric === "latency of one batch") return c.simulation.makespan;
  return r.metric.endsWith("per user") ? c.tokensPerSecondPerUser : c.tokensPerSecondPerGpu;
}

const REGIME = { speculative: "speculative decoding", "mlperf-server": "MLPerf capacity", "mlperf-offline": "MLPerf capacity", "ep-decode": "EP serving", "ep-request": "EP throughput", concurrency: "fixed concurrency", "ep-offline": "EP throughput" };
Object.assign(REGIME, DISAGGREGATED_REGIME);

let bad = 0;
const errors = [];
const byRegime = new Map();
for (const r of rows) {
  if (r.kind in REGIME) {
    const p = predictRow(r);
    const q = predictRow(r, fitWithout(r.source.url));
    const err = (p - r.value) / r.value;
    const errCal = (q - r.value) / r.value;
    errors.push(Math.abs(err));
    const regime = r.regime ?? REGIME[r.kind];
    if (!byRegime.has(regime)) byRegime.set(regime, { before: [], after: [] });
    byRegime.get(regime).before.push(Math.abs(err));
    byRegime.get(regime).after.push(Math.abs(errCal));
    const f = (x) => (r.kind === "speculative" ? `${x.toFixed(2)}×` : `${x.toFixed(r.unit === "s" ? 2 : 0)} ${r.unit}`);
    console.log(`${r.id}: predicted ${f(p)} vs published ${f(r.value)} (${(err * 100).toFixed(1)} %); calibrated on the kernel measurements, this source left out: ${f(q)} (${(errCal * 100).toFixed(1)} %)`);
  } else if (r.kind === "slo") {
    const s = k.MLPERF_LLAMA2_70B_SLO;
    const ok = s.ttftP99 === r.value[0] && s.tpotP99 === r.value[1];
    if (!ok) bad++;
    console.log(`${r.id}: kit { ttftP99: ${s.ttftP99}, tpotP99: ${s.tpotP99} } vs source [${r.value}] ${ok ? "ok" : "DIFFERS"}`);
  } else if (r.kind === "workload") {
    // mean output (the reference run's) or mean input (the dataset's), as the row's metric says
    const input = r.metric === "mean input tokens";
    const kit = input ? k.MLPERF_LLAMA2_70B_MEAN_INPUT : k.MLPERF_LLAMA2_70B_MEAN_OUTPUT;
    const ok = Math.abs(kit - r.value) < 0.005;
    const w = k.workload({ ...k.mlperfLlama2Workload({ requests: 24576 }) });
    const mean = w.reduce((a, x) => a + (input ? x.prompt : x.output), 0) / w.length;
    if (!ok) bad++;
    console.log(`${r.id}: kit constant ${kit.toFixed(2)} ${ok ? "ok" : "DIFFERS"}; the kit's lognormal workload draws a mean of ${mean.toFixed(1)} (${(((mean - r.value) / r.value) * 100).toFixed(1)} %)`);
  } else {
    bad++;
    console.log(`${r.id}: unknown kind ${JSON.stringify(r.kind)}`);
  }
}
const pct = (x) => `${(x * 100).toFixed(1)} %`;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
if (errors.length) {
  console.log(`\nby regime:                    rows  median defaults  worst defaults  median LOSO-calibrated  worst LOSO-calibrated`);
  for (const [g, v] of [...byRegime].sort()) {
    console.log(`  ${g.padEnd(26)} ${String(v.before.length).padStart(4)}  ${pct(median(v.before)).padStart(15)}  ${pct(Math.max(...v.before)).padStart(14)}  ${pct(median(v.after)).padStart(22)}  ${pct(Math.max(...v.after)).padStart(21)}`);
  }
  console.log(`predictions: ${errors.length}, median |error| ${pct(median(errors))}, worst ${pct(Math.max(...errors))}`);
}
process.exit(bad ? 1 : 0);
