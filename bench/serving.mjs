#!/usr/bin/env node
/**
 * npm run bench:serving — how long the serving searches take:
 *
 * 1. capacity() for a 10⁴-request workload: Llama-2-70B on 8× H100 fp8 (tp 8), the MLPerf
 *    Llama-2-70B Server workload and SLO (TTFT p99 2 s, TPOT p99 200 ms), and the same workload
 *    under a tight SLO (TTFT p99 0.5 s, TPOT p99 50 ms: more probes); target ≤ 10 s each.
 * 2. plan() over ≥ 200 layouts: Llama-3.1-70B on 128 H100 (aggregated tp × pp × dp and
 *    disaggregated splits, every decode batch); target ≤ 30 s.
 * 3. offline() on attention-data-parallel ranks in lockstep: DeepSeek-R1 on 8× B200 fp4 (ep 8),
 *    TensorRT-LLM's max-throughput run (896 per rank, 2048 tokens per pass, 1K in / 2K out) for
 *    4 × 7168 requests; target ≤ 10 s.
 *
 * Options: --requests N (default 10000), --gpus N (default 128), --runs R (default 1, best of R).
 */
import { join } from "node:path";
import { arg, root } from "./lib.mjs";
const REQUESTS = arg("requests", 1e4);
const GPUS = arg("gpus", 128);
const RUNS = arg("runs", 1);
const { capacity, offline, plan, mlperfLlama2Server, model, gpu, cluster } = await import(join(root, "dist/index.js"));

const best = (fn) => {
  let t = Infinity;
  let out;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    out = fn();
    t = Math.min(t, performance.now() - t0);
  }
  return [t / 1e3, out];
};

const e = model("llama2-70b").on(cluster(gpu("H100").fp8(), 8).tp(8));
const [tc, c] = best(() => capacity(e, mlperfLlama2Server({ requests: REQUESTS })));
console.log(`capacity(): ${REQUESTS} requests, ${c.probes} simulations: ${tc.toFixed(2)} s  (rate ${c.rate.toFixed(2)} req/s, ${c.tokensPerSecond.toFixed(0)} tokens/s, bound by ${c.binding}; target ≤ 10 s)`);
const { workload } = mlperfLlama2Server({ requests: REQUESTS });
const [tt, ct] = best(() => capacity(e, { workload, slo: { ttftP99: 0.5, tpotP99: 0.05 } }));
console.log(`capacity(), tight SLO (TTFT 0.5 s, TPOT 50 ms): ${REQUESTS} requests, ${ct.probes} simulations: ${tt.toFixed(2)} s  (rate ${ct.rate.toFixed(2)} req/s, bound by ${ct.binding}; target ≤ 10 s)`);

const [tp, p] = best(() => plan(model("llama3.1-70b"), gpu("H100"), { gpus: GPUS, workload: { prompt: 2048, output: 256 }, slo: { ttftP99: 2 } }));
console.log(`plan(): ${p.layouts} layouts, ${p.rows.length} candidates on ${GPUS} GPUs: ${tp.toFixed(2)} s  (frontier ${p.frontier.numRows()} rows; target ≤ 30 s)`);

const adp = model("deepseek-r1").on(cluster(gpu("B200").fp4(), 8).ep(8)).maxTokens(2048);
const [ta, a] = best(() => offline(adp, { workload: { requests: 4 * 7168, prompt: 1024, output: 2048 }, maxBatch: 896, concurrency: 7168 }));
console.log(`offline(), 8 lockstep ranks: ${4 * 7168} requests, ${a.simulation.steps} iterations: ${ta.toFixed(2)} s  (${a.tokensPerSecondPerGpu.toFixed(0)} tokens/s per GPU; target ≤ 10 s)`);
