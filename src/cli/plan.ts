/**
 * `suanli plan MODEL --gpu GPU --gpus N [--precision P] [--prompt N] [--output N] [--ttft S]
 *  [--tpot S] [--all] [--csv | --json]` — the Pareto frontier of tokens/s per GPU against
 * tokens/s per user over TP/PP/EP/DP layouts, aggregated and disaggregated (src/serving/plan.ts).
 */
import { parseArgs } from "node:util";
import { SuanliError } from "../errors.js";
import { gpu } from "../hardware/gpu.js";
import type { Precision } from "../hardware/precision.js";
import { model } from "../model/model.js";
import { plan } from "../serving/plan.js";
import { textTable } from "./text.js";

export const PLAN_HELP = `usage: suanli plan MODEL --gpu GPU --gpus N [options]
  --precision P        compute precision (default fp16)
  --prompt N --output N  mean request lengths (default 2048, 256)
  --ttft S --tpot S    p99 targets in seconds (default --ttft 2)
  --network BW         between nodes and for the KV hand-off (default "400 Gb/s")
  --all                every candidate, not only the frontier
  --csv | --json       machine-readable output

Every TP × PP (× EP for MoE) × DP layout and prefill/decode split of --gpus GPUs at each decode
batch, priced in steady state; prints the Pareto frontier of tokens/s per GPU vs tokens/s per
user among those meeting the targets, each row with the arithmetic of its TPOT.`;

const COLUMNS = ["mode", "layout", "batch", "ttft_s", "tpot_ms", "tokens_s_per_gpu", "tokens_s_per_user", "meets_slo", "why"];

/** Run `plan` with argv after the command name; writes to stdout, returns the exit code. */
export async function runPlan(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      gpu: { type: "string" }, gpus: { type: "string" }, precision: { type: "string" }, prompt: { type: "string" }, output: { type: "string" },
      ttft: { type: "string" }, tpot: { type: "string" }, network: { type: "string" }, all: { type: "boolean", default: false },
      csv: { type: "boolean", default: false }, json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(PLAN_HELP + "\n");
    return 0;
  }
  const name = positionals[0];
  if (!name) throw new SuanliError("bad-argument", "plan needs a MODEL, e.g. suanli plan llama3.1-70b --gpu H100 --gpus 8", { value: name });
  if (!values.gpu) throw new SuanliError("bad-argument", "plan needs --gpu, e.g. --gpu H100", { value: values.gpu });
  let g = gpu(values.gpu);
  if (values.precision) g = g.precision(values.precision as Precision);
  const n = (v: string | undefined, d: number | undefined) => (v === undefined ? d : Number(v));
  const p = plan(model(name), g, {
    gpus: n(values.gpus, 8)!,
    workload: { prompt: n(values.prompt, 2048)!, output: n(values.output, 256)! },
    slo: { ttftP99: n(values.ttft, 2), ...(values.tpot !== undefined ? { tpotP99: n(values.tpot, undefined) } : {}) },
    ...(values.network ? { network: values.network } : {}),
  });
  const rows = (values.all ? p.table : p.frontier).objects() as Record<string, unknown>[];
  if (values.json) process.stdout.write(JSON.stringify({ layouts: p.layouts, rows }, null, 2) + "\n");
  else if (values.csv) process.stdout.write((values.all ? p.table : p.frontier).toCSV() + "\n");
  else process.stdout.write(`${name} on ${values.gpus ?? 8}× ${g.id}: ${p.layouts} layouts, ${p.rows.length} candidates; ${values.all ? "all" : "Pareto frontier"}\n${textTable(rows, COLUMNS)}\n`);
  return 0;
}
