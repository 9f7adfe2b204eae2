/**
 * `suanli simulate MODEL GPU [--n 8] [--tp 8] [--requests 100] [--rate 1] [--prompt 4096] [--output 256]
 *   [--policy static|inflight|both] [--chunk N] [--seed 1] [--max-batch 256] [--json]` —
 * the serving simulation of src/longcontext/simulate.ts from the command line, with a progress
 * bar on stderr. Returns the exit status; the lead wires it into src/cli.ts.
 */
import { parseArgs } from "node:util";
import { SuanliError } from "../errors.js";
import { cluster } from "../hardware/cluster.js";
import { gpu } from "../hardware/gpu.js";
import { model } from "../model/model.js";
import { simulate, type SimulationResult } from "../longcontext/simulate.js";
import { progressBar } from "../longcontext/stats.js";
import { textTable } from "./text.js";

export const SIMULATE_HELP = `usage: suanli simulate MODEL GPU [--n 8] [--tp 8] [--requests 100] [--rate 1] [--prompt 4096]
                       [--output 256] [--policy static|inflight|both] [--chunk N] [--seed 1] [--max-batch 256] [--json]

A seeded request-level serving simulation (Poisson arrivals at --rate per second) of MODEL on
--n GPUs with tensor parallel --tp: static batching (padded, waits for its slowest member) vs
in-flight batching. Prints throughput, TTFT and TPOT percentiles and peak KV memory; a progress
bar goes to stderr.`;

const int = (v: string | undefined, d: number, name = "value") => {
  if (v === undefined) return d;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new SuanliError("bad-argument", `--${name} must be a number, got ${JSON.stringify(v)}`, { value: v });
  return n;
};

function row(r: SimulationResult): Record<string, unknown> {
  return {
    policy: r.policy, finished: r.finished, running: r.running, queued: r.queued, rejected: r.rejected,
    throughput_tok_s: +r.throughput.toFixed(1), ttft_p50_s: +r.ttft.p50.toFixed(3), ttft_p99_s: +r.ttft.p99.toFixed(3),
    tpot_p50_ms: +(r.tpot.p50 * 1e3).toFixed(2), tpot_p99_ms: +(r.tpot.p99 * 1e3).toFixed(2), peak_kv_GiB: +(r.peakKv / 2 ** 30).toFixed(2),
  };
}

/** Run `suanli simulate …`; prints to stdout and returns the exit status. */
export async function runSimulate(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      n: { type: "string" }, tp: { type: "string" }, requests: { type: "string" }, rate: { type: "string" },
      prompt: { type: "string" }, output: { type: "string" }, policy: { type: "string" }, chunk: { type: "string" },
      seed: { type: "string" }, "max-batch": { type: "string" }, json: { type: "boolean" },
    },
  });
  const [name, part] = positionals;
  if (!name || !part) {
    throw new SuanliError("bad-argument", "simulate needs MODEL and GPU, e.g. suanli simulate llama2-70b H20 --n 8 (see suanli simulate --help)", { value: positionals });
  }
  const n = int(values.n, 8, "n");
  const e = model(name).on(cluster(gpu(part), n).tp(int(values.tp, n, "tp")));
  const policies = values.policy === undefined || values.policy === "both" ? (["static", "inflight"] as const) : [values.policy as "static" | "inflight"];
  const results = policies.map((policy) =>
    simulate(e, {
      policy,
      requests: int(values.requests, 100, "requests"),
      ...(values.rate !== undefined ? { rate: Number(values.rate) } : {}),
      prompt: int(values.prompt, 4096, "prompt"),
      output: int(values.output, 256, "output"),
      seed: int(values.seed, 1, "seed"),
      maxBatch: int(values["max-batch"], 256, "max-batch"),
      ...(values.chunk !== undefined ? { chunk: Number(values.chunk) } : {}),
      ...(values.json ? {} : { onProgress: progressBar() }),
    }),
  );
  const rows = results.map(row);
  process.stdout.write((values.json ? JSON.stringify(rows, null, 2) : `${e.describe()}\n${textTable(rows, Object.keys(rows[0]!))}`) + "\n");
  return 0;
}
