/**
 * The verbs of the command line and their flags: one vocabulary, so a flag means the same in
 * every verb (`--gpu`, `--gpus`, `--tp`, `--pp`, `--precision`, `--weights`, `--kv`,
 * `--context` with `--seq` as alias, `--config`). Only specs live here — no kit modules are
 * imported, so `suanli --help` and flag errors cost no start-up time.
 */
import type { FlagSpec, VerbSpec } from "./args.js";

const config: FlagSpec = { kind: "string", arg: "FILE", help: "a HuggingFace config.json to use instead of a catalog MODEL" };
const gpuFlag: FlagSpec = { kind: "string", arg: "GPU", help: "catalog GPU: H20, A800, H100, … (suanli gpus)" };
const tp: FlagSpec = { kind: "int", arg: "N", help: "tensor-parallel degree", default: 1 };
const pp: FlagSpec = { kind: "int", arg: "N", help: "pipeline-parallel degree", default: 1 };
const precision: FlagSpec = { kind: "string", arg: "P", help: "compute precision fp16, bf16, fp8, int8, … (weights and KV follow it)", default: "the GPU's fp16" };
const weights: FlagSpec = { kind: "string", arg: "DTYPE", help: "weight storage format", default: "follow --precision" };
const kv: FlagSpec = { kind: "string", arg: "DTYPE", help: "KV cache storage format", default: "follow --precision" };
const network: FlagSpec = { kind: "string", arg: "BW", help: 'inter-node bandwidth per GPU, e.g. "400 Gb/s"' };

const DEVICE = { gpu: gpuFlag, tp, pp, precision, weights, kv, network };

/** Training keywords, as training/options.ts accepts them (a test keeps the two lists equal). */
export const TRAIN_RECOMPUTE = ["none", "selective", "full", "deepseek-v3"] as const;
export const TRAIN_SCHEDULES = ["1f1b", "dualpipe"] as const;
export const TRAIN_FP8_RECIPES = ["transformer-engine", "deepseek-v3"] as const;
export const TRAIN_GRAD_DTYPES = ["fp32", "bf16", "fp16"] as const;
export const TRAIN_GRAD_BUFFERS = ["persistent", "step"] as const;
const interval: FlagSpec = { kind: "num", arg: "LEVEL", bare: 0.8, help: "add the error band at LEVEL (default 0.8) from held-out calibration residuals (README: Uncertainty)" };

export const VERBS: readonly VerbSpec[] = [
  {
    name: "reproduce",
    positionals: [],
    summary: "Recompute every numeric claim of the seed article (H20 vs A800): the claim, what the article states, the kit's value, a verdict and its derivation. --json prints {article, summary, claims[]}.",
    flags: {},
  },
  {
    name: "gpus",
    positionals: ["FILTER?"],
    summary: "The GPU catalog (datasets/gpus.json): dense TFLOPS, memory, bandwidth, links. FILTER keeps the parts matching every word (id, name, aliases, vendor, architecture; case-insensitive).",
    flags: {},
  },
  {
    name: "models",
    positionals: ["FILTER?"],
    summary: "The model catalog (datasets/models/) with parameter counts computed from each config.json. FILTER keeps the models matching every word (id, name, aliases, family, attention kind, moe/dense).",
    flags: { family: { kind: "string", arg: "F", help: "only this family, matched at its start (qwen: qwen2, qwen2.5, qwen3; llama, deepseek, gpt-oss, …)" } },
  },
  {
    name: "kv",
    positionals: ["MODEL"],
    summary: "KV cache of MODEL for --batch sequences of --context tokens, counted layer by layer, with its derivation.",
    flags: {
      config,
      batch: { kind: "int", arg: "N", help: "sequences", default: 1 },
      context: { kind: "int", arg: "N", alias: ["seq"], help: "tokens in each sequence's cache (required)" },
      kv: { kind: "string", arg: "DTYPE", alias: ["dtype"], help: "KV storage format fp16, bf16, fp8, int8", default: "fp16" },
      mha: { kind: "bool", help: "the article's assumption: every attention head keeps its own K and V" },
    },
  },
  {
    name: "decode",
    positionals: ["MODEL"],
    summary: "One decode step of MODEL on --gpus GPUs: time per token, tokens/s, what binds, memory per GPU and the operator breakdown.",
    flags: {
      config,
      ...DEVICE,
      gpus: { kind: "int", arg: "N", alias: ["count"], help: "GPUs", default: "tp × pp, or --ep if larger" },
      tp: { ...tp, default: "--gpus / --pp, or 1" },
      ep: { kind: "int", arg: "N", help: "expert-parallel degree (MoE models); attention stays tensor-parallel over --tp — give --tp 1 for data-parallel attention (DeepSeek/SGLang/TensorRT-LLM wide-EP)" },
      batch: { kind: "int", arg: "N", help: "sequences per replica", default: 1 },
      context: { kind: "int", arg: "N", alias: ["seq"], help: "tokens in each sequence's cache", default: 4096 },
      price: { kind: "num", arg: "X", help: "your price per GPU-hour: adds tokens per unit of money", max: 1e6 },
      ideal: { kind: "bool", help: "the classic roofline: perfect overlap, no fixed overhead, no kernel penalties (an optimistic bound)" },
      interval,
    },
  },
  {
    name: "sweep",
    positionals: ["MODEL"],
    summary: "Every --batch × --context pair priced by the same engine as `suanli decode` (per-operator roofline, kernel overlap, fixed overhead, TP/PP communication, memory fit): kv_GiB (the model's KV cache), mem_per_gpu_GiB, fits, decode_ms and throughput_tok_s (empty where it does not fit), computed row by row and streamed: text (first 40 rows), --csv or --json on stdout, or --out FILE (.csv, .jsonl, .json, .arrows, .arrow, .parquet) written in chunks at constant memory and renamed into place when complete.",
    flags: {
      config,
      gpu: gpuFlag,
      tp: { ...tp, default: "--gpus / --pp, or 1" },
      pp,
      precision,
      weights,
      kv,
      network,
      gpus: { kind: "int", arg: "N", alias: ["count"], help: "GPUs", default: "tp × pp, or --ep if larger" },
      ep: { kind: "int", arg: "N", help: "expert-parallel degree (MoE models); attention stays tensor-parallel over --tp — give --tp 1 for data-parallel attention (DeepSeek/SGLang/TensorRT-LLM wide-EP)" },
      ideal: { kind: "bool", help: "the classic roofline: perfect overlap, no fixed overhead, no kernel penalties (an optimistic bound)" },
      batch: { kind: "list", arg: "LIST", help: "batch sizes: 1,8,64 or 1..64 or 1..1024*2", default: "1,8,32,64" },
      context: { kind: "list", arg: "LIST", alias: ["seq"], help: "context lengths, same forms", default: "2048,4096,8192,32768" },
      csv: { kind: "bool", help: "CSV on stdout" },
      out: { kind: "string", arg: "FILE", help: "write FILE; its extension picks the format" },
      "max-rows": { kind: "int", arg: "N", help: "refuse grids larger than this", default: "10,000,000" },
    },
    notes: "LIST forms: 1,8,64 (values), 1..64 (every integer), 1024..131072*2 (geometric). Output columns keep their unit in the name.",
  },
  {
    name: "train",
    positionals: ["MODEL"],
    summary: "Training memory per GPU (term by term), whether it fits, the largest micro-batch, and with --tokens the step time and run time.",
    flags: {
      config,
      gpu: gpuFlag,
      tp,
      pp,
      precision: { ...precision, help: "training precision bf16, fp16 or fp8 (weights, gradients and activations follow it)", default: "bf16 where the GPU has a bf16 peak" },
      gpus: { kind: "int", arg: "N", alias: ["count"], help: "GPUs (data parallel = gpus / (tp × pp))", default: "tp × pp, or --ep if larger" },
      context: { kind: "int", arg: "N", alias: ["seq"], help: "sequence length (required)" },
      micro: { kind: "int", arg: "N", help: "micro-batch (sequences per GPU per pass)", default: 1 },
      global: { kind: "int", arg: "N", help: "global batch (sequences per optimizer step)", default: "micro × data-parallel degree" },
      zero: { kind: "int", arg: "0-3", help: "ZeRO stage", default: 1, min: 0, max: 3 },
      recompute: { kind: "string", arg: "R", help: "activation recomputation (deepseek-v3: the report's selective recipe)", default: "selective", choices: TRAIN_RECOMPUTE },
      ep: { kind: "int", arg: "N", help: "expert-parallel degree (MoE models): experts sharded over N GPUs" },
      schedule: { kind: "string", arg: "S", help: "pipeline schedule", default: "1f1b", choices: TRAIN_SCHEDULES },
      interleave: { kind: "int", arg: "N", help: "virtual pipeline stages per GPU (interleaved 1F1B)", default: 1 },
      "microbatch-group": { kind: "int", arg: "N", help: "interleaved 1F1B: micro-batches each model chunk runs back to back", default: "pp" },
      "fp8-recipe": { kind: "string", arg: "R", help: "FP8 training recipe (with --precision fp8)", default: "transformer-engine", choices: TRAIN_FP8_RECIPES },
      "grad-dtype": { kind: "string", arg: "D", help: "gradient accumulation / all-reduce dtype", default: "fp32 for bf16 and fp8, fp16 for fp16", choices: TRAIN_GRAD_DTYPES },
      "grad-buffer": { kind: "string", arg: "B", help: "gradient buffer held all along (persistent) or only from each chunk's first backward to the step's reduce-scatter (step)", default: "persistent", choices: TRAIN_GRAD_BUFFERS },
      network: { ...network, default: '"400 Gb/s" when the GPUs span nodes (8 per node)' },
      tokens: { kind: "num", arg: "N", help: "training tokens for the run time, e.g. 2e12", max: 1e18 },
      interval,
    },
  },
  {
    name: "simulate",
    positionals: ["MODEL", "GPU?"],
    summary: "A seeded request-level serving simulation (Poisson arrivals at --rate per second) of MODEL: static batching vs in-flight batching. Prints throughput, TTFT and TPOT percentiles and peak KV memory; says so when it stopped at --max-steps. GPU may be given as the second argument or with --gpu.",
    flags: {
      config,
      ...DEVICE,
      gpus: { kind: "int", arg: "N", alias: ["n", "count"], help: "GPUs of the replica", default: 8 },
      tp: { ...tp, default: "--gpus / --pp" },
      requests: { kind: "int", arg: "N", help: "requests", default: 100, min: 0, max: 100_000_000 },
      rate: { kind: "num", arg: "R", help: "arrivals per second (omitted: all arrive at once)", max: 1e9 },
      prompt: { kind: "int", arg: "N", help: "prompt tokens per request", default: 4096 },
      output: { kind: "int", arg: "N", help: "output tokens per request", default: 256 },
      policy: { kind: "string", arg: "P", help: "static, inflight or both", default: "both", choices: ["static", "inflight", "both"] },
      chunk: { kind: "int", arg: "N", help: "prompt tokens per step (chunked prefill, in-flight only)" },
      seed: { kind: "int", arg: "N", help: "seed of the workload", default: 1, min: 0 },
      "max-batch": { kind: "int", arg: "N", help: "most sequences in flight", default: 256 },
      "max-steps": { kind: "int", arg: "N", help: "stop after this many engine steps (reported as truncated)", default: "10,000,000" },
    },
  },
  {
    name: "capacity",
    positionals: ["MODEL"],
    summary: "The highest Poisson arrival rate whose simulated p99 TTFT and TPOT meet the targets (bisection over the in-flight batching simulator), with tokens/s per GPU and per user, and the offline throughput (every request at once). An SLO no rate meets prints rate 0 and the reason.",
    flags: {
      config,
      ...DEVICE,
      gpus: { kind: "int", arg: "N", alias: ["count", "n"], help: "GPUs", default: "tp × pp, or --ep if larger" },
      tp: { ...tp, default: "--gpus / --pp, or 1" },
      ep: { kind: "int", arg: "N", help: "expert-parallel degree (MoE models); attention stays tensor-parallel over --tp — give --tp 1 for data-parallel attention (DeepSeek/SGLang/TensorRT-LLM wide-EP)" },
      requests: { kind: "int", arg: "N", help: "requests drawn", default: 1000 },
      prompt: { kind: "int", arg: "N", help: "prompt tokens per request", default: 1024 },
      output: { kind: "int", arg: "N", help: "output tokens per request", default: 256 },
      seed: { kind: "int", arg: "N", help: "seed of the workload", default: 1, min: 0 },
      trace: { kind: "string", arg: "FILE", help: "a CSV (arrival,prompt,output) or JSONL trace instead" },
      mlperf: { kind: "bool", help: "the MLPerf Llama-2-70B Server workload and SLO (TTFT p99 2 s, TPOT p99 200 ms)" },
      ttft: { kind: "num", arg: "S", help: "p99 time-to-first-token target, seconds" },
      tpot: { kind: "num", arg: "S", help: "p99 time-per-output-token target, seconds" },
      "max-batch": { kind: "int", arg: "N", help: "sequences in flight per replica", default: 256 },
      chunk: { kind: "int", arg: "N", help: "prompt tokens per step (chunked prefill)" },
      interval: { ...interval, help: `${interval.help}; two more searches` },
      clients: { kind: "list", arg: "LIST", help: "instead of the SLO search: a closed loop of C clients (benchmark_serving --max-concurrency C) at each C, e.g. 4,16,64; --requests defaults to 10 × C" },
    },
  },
  {
    name: "plan",
    positionals: ["MODEL"],
    summary: "Every TP × PP (× EP for MoE) × DP layout and prefill/decode split of --gpus GPUs at each decode batch, priced in steady state: the Pareto frontier of tokens/s per GPU vs tokens/s per user among those meeting the targets, each row with the arithmetic of its TPOT.",
    flags: {
      config,
      gpu: gpuFlag,
      precision,
      network: { ...network, help: 'between nodes and for the KV hand-off, e.g. "400 Gb/s"', default: "400 Gb/s" },
      gpus: { kind: "int", arg: "N", alias: ["count", "n"], help: "GPUs to lay out", default: 8 },
      prompt: { kind: "int", arg: "N", help: "mean prompt tokens", default: 2048 },
      output: { kind: "int", arg: "N", help: "mean output tokens", default: 256 },
      ttft: { kind: "num", arg: "S", help: "p99 time-to-first-token target, seconds", default: 2 },
      tpot: { kind: "num", arg: "S", help: "p99 time-per-output-token target, seconds" },
      all: { kind: "bool", help: "every candidate, not only the frontier" },
      csv: { kind: "bool", help: "CSV on stdout" },
    },
  },
  {
    name: "report",
    positionals: [],
    summary: "Write the seed article's reproduction as a report: DIR/NAME.md with its charts (PNG and SVG) beside it, and DIR/NAME.html, one self-contained file. The directory appears complete or not at all. --json prints { markdown, html, files[] }.",
    flags: {
      out: { kind: "string", arg: "DIR", help: "output directory", default: "suanli-report" },
      name: { kind: "string", arg: "NAME", help: "base name of the files", default: "report" },
    },
  },
];

export const MAIN_HELP = `suanli — the arithmetic of LLMs on GPUs

usage: suanli <command> [options]

commands:
  reproduce            recompute every numeric claim of the seed article (H20 vs A800)
  gpus [FILTER]        the GPU catalog (dense TFLOPS, memory, bandwidth, links)
  models [FILTER]      the model catalog with parameter counts from each config.json
  kv MODEL             KV cache size: --batch N --context N [--kv fp16|bf16|fp8|int8] [--mha]
  decode MODEL         decode speed on a GPU or cluster: --gpu H20 --tp 8 --precision fp8 --batch 8 --context 4096
  sweep MODEL          batch × context sweep, streamed: --gpu H20 --batch 1,8,64 --context 4096,32768 [--csv | --out x.parquet]
  train MODEL          training memory and time: --gpu H20 --gpus 1024 --tp 8 --pp 4 --context 4096 --tokens 2e12
  simulate MODEL [GPU] serving simulation, static vs in-flight batching: --gpu H20 --gpus 8 --requests 100 --rate 1
  capacity MODEL       highest request rate under p99 TTFT/TPOT targets: --gpu H100 --tp 8 --mlperf
  plan MODEL           Pareto frontier of layouts: --gpu H100 --gpus 8 --prompt 2048 --output 256 --ttft 2
  report               write the article reproduction as Markdown + HTML: --out DIR

A MODEL is a catalog id (suanli models) or --config path/config.json. Every command takes
--json and -h/--help; suanli --version prints the version.
Exit status: 0 done; 2 bad input or an output path that cannot be written (one line on
stderr naming the value); 1 an internal error.`;
