/**
 * `suanli plan MODEL --gpu GPU --gpus N [--precision P] [--prompt N] [--output N] [--ttft S]
 *  [--tpot S] [--all] [--csv | --json]` — the Pareto frontier of tokens/s per GPU against
 * tokens/s per user over TP/PP/EP/DP layouts, aggregated and disaggregated (src/serving/plan.ts).
 */
import { SuanliError } from "../errors.js";
import { plan } from "../serving/plan.js";
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
  else print(`${m.id} on ${gpus}× ${g.id}: ${r.layouts} layouts, ${r.rows.length} candidates; ${all ? "all" : "Pareto frontier"}\n${textTable(rows, COLUMNS)}`);
  return 0;
}
