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
 * - Input lengths of that dataset (open_orca_gpt4_tokenized_llama.sampled_24576.pkl, column
 *   tok_input_length): 24,576 prompts, 48 to 1,021 tokens, 5,463,976 in all — a mean of 222.33
 *   (read from the digest-checked MLCommons pickle and recorded by FlashLab-MBZUAI/HBFSim,
 *   validation/calibration/h100-llama2-70b-calibration-protocol.json, commit 96cf1b3,
 *   workload_evidence.lengths_csv.input_tokens).
 * The length distributions are lognormal fits to those means under the 1,024-token cap; their
 * spread (σ 0.75) is an assumption, the sources giving only means and extremes. Give the real
 * dataset as a trace (parseTrace / loadTrace) when you have it.
 */
import { MLPERF_LLAMA2_70B_SLO, type Slo } from "./slo.js";
import type { CapacityWorkload } from "./capacity.js";

/** Published mean output tokens per sample of the reference implementation. */
export const MLPERF_LLAMA2_70B_MEAN_OUTPUT = 294.45;

/** Mean input tokens per sample of the dataset: 5,463,976 ÷ 24,576 (see the module comment). */
export const MLPERF_LLAMA2_70B_MEAN_INPUT = 5463976 / 24576;

/**
 * The Llama-2-70B workload with `requests` samples (default 24,576) and `seed`: lognormal
 * lengths, σ 0.75, capped at 1,024, medians chosen so the default draw (24,576 samples, seed 1)
 * has the sourced means — outputs of median 229 (mean 294.3 against the published 294.45;
 * the uncapped mean would be 229·e^(σ²/2) ≈ 303), prompts of median 170 (mean 221.7 against
 * the dataset's 222.33).
 */
export function mlperfLlama2Workload(o: { requests?: number; seed?: number } = {}): CapacityWorkload {
  const output = { lognormal: { median: 229, sigma: 0.75 }, max: 1024 } as const;
  const prompt = { lognormal: { median: 170, sigma: 0.75 }, max: 1024 } as const;
  return { requests: o.requests ?? 24576, seed: o.seed ?? 1, prompt, output };
}

/** Server scenario: the workload and its latency constraints, ready for capacity(engine, …). */
export function mlperfLlama2Server(o: { requests?: number; seed?: number } = {}): { workload: CapacityWorkload; slo: Slo } {
  return { workload: mlperfLlama2Workload(o), slo: MLPERF_LLAMA2_70B_SLO };
}
