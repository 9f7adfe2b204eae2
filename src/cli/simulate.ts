/**
 * `suanli simulate MODEL [GPU] --gpu GPU --gpus N …` — the serving simulation of
 * src/longcontext/simulate.ts from the command line, with a progress bar on stderr. A run that
 * stops at --max-steps says so, with its counts, in text and JSON.
 */
import { SuanliError, show } from "../errors.js";
import { simulate, type SimulationResult } from "../longcontext/simulate.js";
import { progressBar } from "../longcontext/stats.js";
import { flag, num, str, type Parsed } from "./args.js";
import { clusterFrom, engineFrom, gpuFrom, loadModel } from "./device.js";
import { print } from "./output.js";
import { textTable } from "./text.js";

function row(r: SimulationResult): Record<string, unknown> {
  return {
    policy: r.policy, total: r.total, finished: r.finished, running: r.running, queued: r.queued, rejected: r.rejected, not_arrived: r.total - r.arrived,
    steps: r.steps, truncated: r.truncated,
    throughput_tok_s: +r.throughput.toFixed(1), ttft_p50_s: +r.ttft.p50.toFixed(3), ttft_p99_s: +r.ttft.p99.toFixed(3),
    tpot_p50_ms: +(r.tpot.p50 * 1e3).toFixed(2), tpot_p99_ms: +(r.tpot.p99 * 1e3).toFixed(2), peak_kv_GiB: +(r.peakKv / 2 ** 30).toFixed(2),
  };
}

/** Run `suanli simulate …`; prints to stdout and returns the exit status. */
export async function runSimulate(p: Parsed): Promise<number> {
  const config = str(p, "config") !== undefined;
  const [first, second] = p.positionals;
  const modelId = config ? undefined : first;
  const gpuPos = config ? first : second;
  if (config && second !== undefined) throw new SuanliError("bad-argument", `simulate: with --config give at most GPU as an argument, got ${show(p.positionals)}`, { value: p.positionals });
  if (gpuPos !== undefined && str(p, "gpu") !== undefined) throw new SuanliError("bad-argument", `simulate: GPU given twice (${show(gpuPos)} and --gpu ${show(str(p, "gpu"))}); give one`, { value: gpuPos });
  const m = loadModel(p, "simulate", modelId);
  const g = gpuFrom(p, "simulate", gpuPos);
  const gpus = num(p, "gpus") ?? 8;
  const e = engineFrom(m, clusterFrom(g, p, { gpus, tp: num(p, "tp") ?? Math.max(1, Math.floor(gpus / (num(p, "pp") ?? 1))) }), p);
  const policy = str(p, "policy") ?? "both";
  const policies = policy === "both" ? (["static", "inflight"] as const) : [policy as "static" | "inflight"];
  const json = flag(p, "json");
  const rate = num(p, "rate");
  const chunk = num(p, "chunk");
  const results = policies.map((pol) =>
    simulate(e, {
      policy: pol,
      requests: num(p, "requests") ?? 100,
      ...(rate !== undefined ? { rate } : {}),
      prompt: num(p, "prompt") ?? 4096,
      output: num(p, "output") ?? 256,
      seed: num(p, "seed") ?? 1,
      maxBatch: num(p, "max-batch") ?? 256,
      maxSteps: num(p, "max-steps") ?? 10_000_000,
      ...(chunk !== undefined ? { chunk } : {}),
      ...(json || !process.stderr.isTTY ? {} : { onProgress: progressBar() }),
    }),
  );
  const rows = results.map(row);
  const notes = results.filter((r) => r.truncated).map((r) =>
    `${r.policy}: TRUNCATED — stopped at the step limit (${r.steps.toLocaleString("en-US")} steps, --max-steps) with ${r.finished} of ${r.total} requests finished, ${r.running} running, ${r.queued} queued, ${r.total - r.arrived} not yet arrived; raise --max-steps to finish`,
  );
  if (json) print(JSON.stringify(rows, null, 2));
  else print([e.describe(), textTable(rows, Object.keys(rows[0]!)), ...notes].join("\n"));
  if (json && notes.length) process.stderr.write(notes.map((n) => `suanli: ${n}\n`).join(""));
  return 0;
}
