/**
 * `suanli capacity MODEL --gpu GPU [--count N] [--tp N] [--ep N] [--precision P] [--network BW]
 *  [--requests N --prompt N --output N | --trace FILE | --mlperf] [--ttft S] [--tpot S]
 *  [--max-batch N] [--chunk N] [--json]` — the highest request rate meeting p99 TTFT/TPOT
 * targets (src/serving/capacity.ts), and the offline throughput of the same workload.
 */
import { parseArgs } from "node:util";
import { SuanliError } from "../errors.js";
import { cluster } from "../hardware/cluster.js";
import { gpu } from "../hardware/gpu.js";
import type { Precision } from "../hardware/precision.js";
import { model } from "../model/model.js";
import { capacity, offline, type CapacityWorkload } from "../serving/capacity.js";
import { mlperfLlama2Server } from "../serving/mlperf.js";
import { loadTrace } from "../serving/trace.js";
import { textTable } from "./text.js";

export const CAPACITY_HELP = `usage: suanli capacity MODEL --gpu GPU [options]
  --gpu GPU            catalog GPU (H100, H20, …)
  --count N            GPUs (default: tp); --tp N --ep N parallel degrees (default 1)
  --precision P        compute precision (default fp16); --network BW between nodes
  --requests N         requests drawn (default 1000) with --prompt N and --output N tokens (default 1024, 256)
  --trace FILE         a CSV (arrival,prompt,output) or JSONL trace instead
  --mlperf             the MLPerf Llama-2-70B Server workload and SLO (TTFT p99 2 s, TPOT p99 200 ms)
  --ttft S --tpot S    p99 targets in seconds (e.g. --ttft 2 --tpot 0.2)
  --max-batch N        sequences in flight per replica (default 256); --chunk N chunked prefill
  --json               machine-readable output

The highest Poisson arrival rate whose simulated p99 TTFT and TPOT meet the targets (bisection
over the in-flight batching simulator), with tokens/s per GPU and per user, and the offline
throughput (every request at once). An SLO no rate meets prints rate 0 and the reason.`;

function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new SuanliError("bad-argument", `--${name} must be a number > 0, got ${JSON.stringify(v)}`, { value: v });
  return n;
}

/** Run `capacity` with argv after the command name; writes to stdout, returns the exit code. */
export async function runCapacity(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      gpu: { type: "string" }, count: { type: "string" }, tp: { type: "string" }, ep: { type: "string" }, precision: { type: "string" }, network: { type: "string" },
      requests: { type: "string" }, prompt: { type: "string" }, output: { type: "string" }, trace: { type: "string" }, mlperf: { type: "boolean", default: false },
      ttft: { type: "string" }, tpot: { type: "string" }, "max-batch": { type: "string" }, chunk: { type: "string" }, seed: { type: "string" },
      json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(CAPACITY_HELP + "\n");
    return 0;
  }
  const name = positionals[0];
  if (!name) throw new SuanliError("bad-argument", "capacity needs a MODEL, e.g. suanli capacity llama2-70b --gpu H100 --tp 8 --mlperf", { value: name });
  if (!values.gpu) throw new SuanliError("bad-argument", "capacity needs --gpu, e.g. --gpu H100", { value: values.gpu });
  let g = gpu(values.gpu);
  if (values.precision) g = g.precision(values.precision as Precision);
  const tp = num(values.tp, "tp") ?? 1;
  let c = cluster(g, num(values.count, "count") ?? tp).tp(tp);
  if (values.network) c = c.network(values.network);
  if (values.ep) c = c.ep(num(values.ep, "ep")!);
  const e = model(name).on(c);
  const mlperf = values.mlperf ? mlperfLlama2Server({ requests: num(values.requests, "requests") ?? 1000 }) : undefined;
  const workload: CapacityWorkload = values.trace !== undefined ? { trace: loadTrace(values.trace) }
    : mlperf?.workload ?? { requests: num(values.requests, "requests") ?? 1000, prompt: num(values.prompt, "prompt") ?? 1024, output: num(values.output, "output") ?? 256, seed: num(values.seed, "seed") ?? 1 };
  const slo = { ...(mlperf?.slo ?? {}), ...(values.ttft ? { ttftP99: num(values.ttft, "ttft") } : {}), ...(values.tpot ? { tpotP99: num(values.tpot, "tpot") } : {}) };
  const opts = { maxBatch: num(values["max-batch"], "max-batch") ?? 256, ...(values.chunk ? { chunk: num(values.chunk, "chunk")! } : {}) };
  const r = capacity(e, { workload, slo, ...opts });
  const off = offline(e, { workload, ...opts });
  const row = {
    rate_req_s: r.rate, tokens_s: r.tokensPerSecond, tokens_s_per_gpu: r.tokensPerSecondPerGpu, tokens_s_per_user: r.tokensPerSecondPerUser,
    ttft_p99_s: r.ttftP99, tpot_p99_ms: r.tpotP99 * 1e3, binding: r.binding, offline_tokens_s: off.tokensPerSecond, offline_tokens_s_per_gpu: off.tokensPerSecondPerGpu,
  };
  if (values.json) process.stdout.write(JSON.stringify({ engine: e.describe(), ...row, reason: r.reason, probes: r.probes }, null, 2) + "\n");
  else process.stdout.write(`${e.describe()}\n${textTable([row])}\n${r.reason ? `rate 0: ${r.reason}\n` : ""}`);
  return 0;
}
