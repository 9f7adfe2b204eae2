#!/usr/bin/env node
/**
 * The suanli command line. Each verb prints text, or JSON with --json; errors are one line on
 * stderr and a non-zero exit (2 for bad input), never a stack trace.
 */
import { parseArgs } from "node:util";
import { SuanliError } from "./errors.js";
import { runReproduce } from "./cli/reproduce.js";
import { runGpus, runKv, runModels } from "./cli/catalog.js";
import { runDecode, DECODE_HELP } from "./cli/decode.js";
import { runSweep, SWEEP_HELP } from "./cli/sweep.js";
import { runReport, REPORT_HELP } from "./cli/report.js";
import { runTrainArgv, TRAIN_HELP } from "./cli/train.js";
import { runSimulate, SIMULATE_HELP } from "./cli/simulate.js";
import { runCapacity, CAPACITY_HELP } from "./cli/capacity.js";
import { runPlan, PLAN_HELP } from "./cli/plan.js";

/** Verbs that parse their own options (argv after the verb) and print their own output. */
const DELEGATED: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  decode: { run: runDecode, help: DECODE_HELP },
  sweep: { run: runSweep, help: SWEEP_HELP },
  report: { run: runReport, help: REPORT_HELP },
  train: { run: runTrainArgv, help: TRAIN_HELP },
  simulate: { run: runSimulate, help: SIMULATE_HELP },
  capacity: { run: runCapacity, help: CAPACITY_HELP },
  plan: { run: runPlan, help: PLAN_HELP },
};

const HELP: Record<string, string> = {
  main: `suanli — the arithmetic of LLMs on GPUs

usage: suanli <command> [options]

commands:
  reproduce            recompute every numeric claim of the seed article (H20 vs A800)
  gpus                 the GPU catalog (dense TFLOPS, memory, bandwidth, links)
  models               the model catalog with parameter counts from each config.json
  kv MODEL             KV cache size: --batch N --seq N [--dtype fp16|bf16|fp8|int8] [--mha]
  decode MODEL         decode speed on a GPU or cluster: --gpu H20 --tp 8 --precision fp8 --batch 8 --context 4096
  sweep MODEL          batch × sequence sweep (KV, decode time, fit): --gpu H20 --batch 1,8,64 --seq 4096,32768 [--csv]
  train MODEL          training memory and time: --gpu H20 --gpus 1024 --tp 8 --pp 4 --seq 4096 --precision fp8 --tokens 2e12
  simulate MODEL GPU   serving simulation, static vs in-flight batching: --n 8 --requests 100 --rate 1
  capacity MODEL       highest request rate under p99 TTFT/TPOT targets: --gpu H100 --tp 8 --mlperf
  plan MODEL           Pareto frontier of layouts: --gpu H100 --gpus 8 --prompt 2048 --output 256 --ttft 2
  report               write the article reproduction as Markdown + HTML: --out DIR

every command takes --json and --help`,
  reproduce: `usage: suanli reproduce [--json]

One block per numeric claim of the article: the claim (Chinese and English), what the article
states, the kit's value, a verdict (matches / rounding / unit slip / different assumption /
arithmetic error) with its reason, and the derivation. --json prints {article, summary, claims[]}.`,
  gpus: `usage: suanli gpus [--json]

The GPU catalog (datasets/gpus.json). TFLOPS are dense; every figure has a source in the file.`,
  models: `usage: suanli models [--json]

The model catalog (datasets/models/) with parameter counts computed from each config.json.`,
  kv: `usage: suanli kv MODEL --batch N --seq N [--dtype fp16|bf16|fp8|int8] [--mha] [--json]

KV cache of MODEL for N sequences of N tokens, counted layer by layer, with its derivation.
--mha takes the article's assumption that every attention head keeps its own K and V.`,
};

function positive(v: string | undefined, name: string): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < 1) {
    throw new SuanliError("bad-argument", `--${name} must be a positive integer, got ${v === undefined ? "nothing" : JSON.stringify(v)}`, { value: v });
  }
  return n;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === "--help" || cmd === "-h" || cmd === "help") {
    process.stdout.write(HELP.main + "\n");
    return 0;
  }
  const delegated = DELEGATED[cmd];
  if (delegated) {
    if (rest.includes("--help") || rest.includes("-h")) {
      process.stdout.write(delegated.help + "\n");
      return 0;
    }
    return delegated.run(rest);
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
      batch: { type: "string" },
      seq: { type: "string" },
      dtype: { type: "string", default: "fp16" },
      mha: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write((HELP[cmd] ?? HELP.main) + "\n");
    return 0;
  }
  const json = values.json === true;
  let out: string;
  switch (cmd) {
    case "reproduce":
      out = runReproduce({ json });
      break;
    case "gpus":
      out = runGpus({ json });
      break;
    case "models":
      out = runModels({ json });
      break;
    case "kv": {
      const name = positionals[0];
      if (!name) throw new SuanliError("bad-argument", "kv needs a MODEL, e.g. suanli kv llama2-70b --batch 8 --seq 4096", { value: name });
      out = runKv(name, { batch: positive(values.batch, "batch"), seq: positive(values.seq, "seq"), dtype: values.dtype ?? "fp16", mha: values.mha === true, json });
      break;
    }
    default:
      throw new SuanliError("bad-argument", `unknown command ${JSON.stringify(cmd)}; commands: ${[...Object.keys(HELP).filter((k) => k !== "main"), ...Object.keys(DELEGATED)].join(", ")} (suanli --help)`, { value: cmd });
  }
  process.stdout.write(out + "\n");
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof SuanliError) {
    process.stderr.write(`suanli: ${e.message}\n`);
    process.exitCode = 2;
  } else if (e instanceof Error && "code" in e && String((e as { code: unknown }).code).startsWith("ERR_PARSE_ARGS")) {
    process.stderr.write(`suanli: ${e.message} (see suanli --help)\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`suanli: internal error: ${e instanceof Error ? e.message : String(e)}${process.env.SUANLI_DEBUG ? "\n" + (e as Error).stack : " (set SUANLI_DEBUG=1 for the stack)"}\n`);
    process.exitCode = 1;
  }
}
