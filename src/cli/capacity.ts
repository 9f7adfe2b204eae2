/**
 * `suanli capacity MODEL --gpu GPU [--gpus N] [--tp N] [--ep N] [--precision P] [--network BW]
 *  [--requests N --prompt N --output N | --trace FILE | --mlperf] [--ttft S] [--tpot S]
 *  [--max-batch N] [--chunk N] [--json]` — the highest request rate meeting p99 TTFT/TPOT
 * targets (src/serving/capacity.ts), and the offline throughput of the same workload; with
 * `--clients LIST`, the closed-loop throughput at each client count instead (serving/concurrency.ts).
 */
import { SuanliError } from "../errors.js";
import type { InferenceEngine } from "../inference/engine.js";
import { capacity, offline, type CapacityWorkload } from "../serving/capacity.js";
import { mlperfLlama2Server } from "../serving/mlperf.js";
import { loadTrace } from "../serving/trace.js";
import { concurrencySweep } from "../serving/concurrency.js";
import { flag, list, num, str, type Parsed } from "./args.js";
import { clusterFrom, engineFrom, gpuFrom, loadModel, withEp } from "./device.js";
import { print } from "./output.js";
import { textTable } from "./text.js";
import { intervalLevel } from "./interval.js";

/** Run `capacity` (flags in verbs.ts); writes to stdout, returns the exit code. */
export async function runCapacity(p: Parsed): Promise<number> {
  const m = loadModel(p, "capacity");
  // the same cluster and engine `suanli decode` builds from these flags
  const e = engineFrom(m, withEp(clusterFrom(gpuFrom(p, "capacity"), p), p), p);
  const clients = list(p, "clients");
  if (clients !== undefined) return runClients(p, e, clients);
  const requests = num(p, "requests") ?? 1000;
  const trace = str(p, "trace");
  if (trace !== undefined && flag(p, "mlperf")) throw new SuanliError("bad-argument", "capacity: --trace and --mlperf each give the workload; give one", { value: trace });
  const mlperf = flag(p, "mlperf") ? mlperfLlama2Server({ requests }) : undefined;
  const workload: CapacityWorkload = trace !== undefined ? { trace: loadTrace(trace) }
    : mlperf?.workload ?? { requests, prompt: num(p, "prompt") ?? 1024, output: num(p, "output") ?? 256, seed: num(p, "seed") ?? 1 };
  const ttft = num(p, "ttft");
  const tpot = num(p, "tpot");
  const slo = { ...(mlperf?.slo ?? {}), ...(ttft !== undefined ? { ttftP99: ttft } : {}), ...(tpot !== undefined ? { tpotP99: tpot } : {}) };
  const chunk = num(p, "chunk");
  const opts = { maxBatch: num(p, "max-batch") ?? 256, ...(chunk !== undefined ? { chunk } : {}) };
  const level = intervalLevel(p);
  const r = capacity(e, { workload, slo, ...opts });
  const band = level === undefined || r.rate === 0 ? undefined : r.interval(level);
  const off = offline(e, { workload, ...opts });
  const row = {
    rate_req_s: r.rate, tokens_s: r.tokensPerSecond, tokens_s_per_gpu: r.tokensPerSecondPerGpu, tokens_s_per_user: r.tokensPerSecondPerUser,
    ttft_p99_s: r.ttftP99, tpot_p99_ms: r.tpotP99 * 1e3, binding: r.binding, offline_tokens_s: off.tokensPerSecond, offline_tokens_s_per_gpu: off.tokensPerSecondPerGpu,
  };
  const banded = band ? { rate_req_s_low: band.rate.low, rate_req_s_high: band.rate.high, tokens_s_low: band.tokensPerSecond.low, tokens_s_high: band.tokensPerSecond.high } : {};
  if (flag(p, "json")) print(JSON.stringify({ engine: e.describe(), ...row, ...(band ? { interval: { level, ...banded } } : {}), reason: r.reason, probes: r.probes }, null, 2));
  else print(`${e.describe()}\n${textTable([row])}${r.reason ? `\nrate 0: ${r.reason}` : ""}${band ? `\nerror band: ${String(band)}` : ""}`);
  return 0;
}

/** `--clients LIST`: one closed-loop run per client count, as a table (or JSON rows). */
function runClients(p: Parsed, e: InferenceEngine, clients: number[]): number {
  for (const f of ["trace", "mlperf", "ttft", "tpot", "max-batch", "interval"]) {
    if (p.values[f] !== undefined && p.values[f] !== false) throw new SuanliError("bad-argument", `capacity: --clients runs a closed loop of clients with no SLO or batch cap; drop --${f}`, { value: f });
  }
  const requests = num(p, "requests");
  const chunk = num(p, "chunk");
  const t = concurrencySweep(e, { clients, prompt: num(p, "prompt") ?? 1024, output: num(p, "output") ?? 256, seed: num(p, "seed") ?? 1, ...(requests !== undefined ? { requests } : {}), ...(chunk !== undefined ? { chunk } : {}) });
  const rows = t.objects() as Record<string, unknown>[];
  if (flag(p, "json")) print(JSON.stringify({ engine: e.describe(), rows }, null, 2));
  else print(`${e.describe()}\n${textTable(rows)}`);
  return 0;
}
