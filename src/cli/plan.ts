/**
 * `suanli plan MODEL --gpu GPU --gpus N [--precision P] [--prompt N] [--output N] [--ttft S]
 *  [--tpot S] [--all] [--csv | --json]` — the Pareto frontier of tokens/s per GPU against
 * tokens/s per user over TP/PP/EP/DP layouts, aggregated and disaggregated (src/serving/plan.ts).
 */
import { SuanliError } from "../errors.js";
import { plan, type PlanRow } from "../serving/plan.js";
import { flag, num, str, type Parsed } from "./args.js";
import { gpuFrom, loadModel } from "./device.js";
import { print } from "./output.js";
import { textTable } from "./text.js";

const COLUMNS = ["mode", "layout", "batch", "ttft_s", "tpot_ms", "tokens_s_per_gpu", "tokens_s_per_user", "meets_slo", "why"];

/** Run `plan` (flags in verbs.ts); writes to stdout, returns the exit code. */
export async function runPlan(p: Parsed): Promise<number> {
  const m = loadModel(p, "plan");
  const g = gpuFrom(p, "plan");
  const gpus = num(p, "gpus") ?? 8;
  const tpot = num(p, "tpot");
  const net = str(p, "network");
  const all = flag(p, "all");
  if (all && flag(p, "csv") && flag(p, "json")) throw new SuanliError("bad-argument", "plan: --csv and --json both choose the output format; give one", { value: ["--csv", "--json"] });
  const r = plan(m, g, {
    gpus,
    workload: { prompt: num(p, "prompt") ?? 2048, output: num(p, "output") ?? 256 },
    slo: { ttftP99: num(p, "ttft") ?? 2, ...(tpot !== undefined ? { tpotP99: tpot } : {}) },
    ...(net !== undefined ? { network: net } : {}),
  });
  const t = all ? r.table : r.frontier;
  const rows = t.objects() as Record<string, unknown>[];
  if (flag(p, "csv") && flag(p, "json")) throw new SuanliError("bad-argument", "plan: --csv and --json both choose the output format; give one", { value: ["--csv", "--json"] });
  if (flag(p, "json")) print(JSON.stringify({ layouts: r.layouts, rows }, null, 2));
  else if (flag(p, "csv")) print(t.toCSV());
  else {
    print(`${m.id} on ${gpus}× ${g.id}: ${r.layouts} layouts, ${r.rows.length} candidates; ${all ? "all" : "Pareto frontier"}\n${textTable(rows, COLUMNS)}`);
    if (!all && rows.length === 0) print(noLayoutReason(r.rows));
  }
  return 0;
}

/** Why the frontier is empty: the best TTFT and TPOT any candidate reaches, against the targets. */
export function noLayoutReason(rows: readonly PlanRow[]): string {
  if (rows.length === 0) return "no layout of these GPUs holds the model (weights, KV and workspace do not fit at any batch)";
  const ttft = rows.reduce((a, b) => (b.ttft_s < a.ttft_s ? b : a));
  const tpot = rows.reduce((a, b) => (b.tpot_ms < a.tpot_ms ? b : a));
  return `no layout meets the targets: the fastest first token any candidate reaches is ${Number(ttft.ttft_s.toPrecision(3))} s (${ttft.layout}, batch ${ttft.batch}) and the fastest time per output token ${Number(tpot.tpot_ms.toPrecision(3))} ms (${tpot.layout}, batch ${tpot.batch}); loosen --ttft/--tpot or add GPUs`;
}
