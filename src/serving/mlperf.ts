/**
 * The MLPerf Inference Llama-2-70B scenarios as capacity() / offline() inputs.
 *
 * - Dataset: 24,576 OpenOrca (GPT-4 subset) samples, prompts and references limited to 1,024
 *   tokens; the reference run generates 294.45 tokens per sample on average (mlcommons/inference,
 *   language/llama2-70b/README.md: `--num_total_samples=24576`, `--seqlen_limit=1024`, "Tokens
 *   per sample: 294.45").
 * - Server latency constraints: TTFT p99 ≤ 2 s, TPOT p99 ≤ 200 ms (MLPerf Inference rules,
 *   https://github.com/mlcommons/inference_policies/blob/master/inference_rules.adoc, the
 *   llama2-70b row of the benchmark table; slo.ts).
 * The length distributions are lognormal fits with the published mean output and the 1,024-token
 * cap; the input mean is not stated there and is taken equal to the output mean — an
 * assumption. Give the real dataset as a trace (parseTrace / loadTrace) when you have it.
 */
import { MLPERF_LLAMA2_70B_SLO, type Slo } from "./slo.js";
import type { CapacityWorkload } from "./capacity.js";

/** Published mean output tokens per sample of the reference implementation. */
export const MLPERF_LLAMA2_70B_MEAN_OUTPUT = 294.45;

/**
 * The Llama-2-70B workload (lognormal lengths with mean ≈ 294 tokens: median 220, σ 0.75 gives
 * mean 220·e^(σ²/2) ≈ 292; capped at 1,024) with `requests` samples (default 24,576) and `seed`.
 */
export function mlperfLlama2Workload(o: { requests?: number; seed?: number } = {}): CapacityWorkload {
  const len = { lognormal: { median: 220, sigma: 0.75 }, max: 1024 } as const;
  return { requests: o.requests ?? 24576, seed: o.seed ?? 1, prompt: len, output: len };
}

/** Server scenario: the workload and its latency constraints, ready for capacity(engine, …). */
export function mlperfLlama2Server(o: { requests?: number; seed?: number } = {}): { workload: CapacityWorkload; slo: Slo } {
  return { workload: mlperfLlama2Workload(o), slo: MLPERF_LLAMA2_70B_SLO };
}
