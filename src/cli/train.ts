/**
 * `suanli train MODEL --gpu GPU --gpus N --context N …` — per-GPU memory breakdown, the largest
 * micro-batch, step time and (with --tokens) run time. Defaults a shell user can rely on: the
 * global batch is micro × data-parallel degree, and a cluster spanning nodes gets a 400 Gb/s
 * network per GPU (one NDR InfiniBand port per GPU, as on DGX H100 systems) unless --network says
 * otherwise; both are printed.
 */
import { SuanliError } from "../errors.js";
import { format } from "../units.js";
import { withBand } from "../uncertainty/interval.js";
import { flag, num, str, type Parsed } from "./args.js";
import { clusterFrom, gpuFrom, loadModel, withEp } from "./device.js";
import { print } from "./output.js";
import { textTable } from "./text.js";
import { intervalLevel } from "./interval.js";

/** Network assumed per GPU when the GPUs span nodes and --network is not given. */
export const DEFAULT_NETWORK = "400 Gb/s";

export async function runTrain(p: Parsed): Promise<number> {
  const m = loadModel(p, "train");
  const seq = num(p, "context");
  if (seq === undefined) throw new SuanliError("bad-argument", "train needs --context N (sequence length), e.g. --context 4096", { value: undefined });
  let g = gpuFrom(p, "train");
  // Without --precision a run trains in bf16 mixed precision where the part has a bf16 peak.
  if (str(p, "precision") === undefined && g.spec.peak.bf16 !== undefined) g = g.precision("bf16");
  // --tp defaults to 1 (data parallel over the rest), as the help and `dp` below say
  let c = withEp(clusterFrom(g, p, { tp: 1 }), p);
  let assumed: string | null = null;
  if (str(p, "network") === undefined && c.nodes > 1) {
    c = c.network(DEFAULT_NETWORK);
    assumed = `network ${DEFAULT_NETWORK} per GPU between nodes (assumed; set --network)`;
  }
  const micro = num(p, "micro") ?? 1;
  const dp = c.size / ((num(p, "tp") ?? 1) * (num(p, "pp") ?? 1));
  const global = num(p, "global");
  if (global !== undefined && global % (micro * dp) !== 0) {
    throw new SuanliError("bad-parallelism", `--global ${global} is not a multiple of --micro × data-parallel degree = ${micro} × ${dp} = ${micro * dp}; use a multiple of ${micro * dp}`, { value: global, expected: `a multiple of ${micro * dp}` });
  }
  const precision = str(p, "precision");
  const t = m.train({
    seq, microBatch: micro, ...(global !== undefined ? { globalBatch: global } : {}),
    ...(precision !== undefined ? { precision } : {}), zero: (num(p, "zero") ?? 1) as 0 | 1 | 2 | 3, recompute: (str(p, "recompute") ?? "selective") as "selective",
    ...(str(p, "schedule") !== undefined ? { schedule: str(p, "schedule") } : {}),
    ...(num(p, "interleave") !== undefined ? { interleave: num(p, "interleave") } : {}),
    ...(num(p, "microbatch-group") !== undefined ? { microbatchGroup: num(p, "microbatch-group") } : {}),
    ...(str(p, "fp8-recipe") !== undefined ? { fp8Recipe: str(p, "fp8-recipe") } : {}),
    ...(str(p, "grad-dtype") !== undefined ? { gradDtype: str(p, "grad-dtype") } : {}),
    ...(str(p, "grad-buffer") !== undefined ? { gradBuffer: str(p, "grad-buffer") } : {}),
  }).on(c);
  const mem = t.memory();
  const rows = (mem.breakdown().objects() as Record<string, unknown>[]).map((r) => ({ term: r.term, memory_GiB: Number((r.memory_GiB as number).toFixed(3)), formula: r.formula }));
  const fits = mem.fits !== false;
  const tokens = num(p, "tokens");
  const run = tokens !== undefined && fits ? t.time({ tokens }) : undefined;
  const level = intervalLevel(p);
  const stepBand = level !== undefined && fits ? t.step().interval(level) : undefined;
  const runBand = level !== undefined && run ? run.interval(level) : undefined;
  if (flag(p, "json")) {
    print(JSON.stringify({ training: t.toJSON(), ...(assumed ? { assumed: { network: DEFAULT_NETWORK } } : {}), memory: rows, totalBytes: mem.total.value, fits, step: run ? run.step.times : undefined, wallSeconds: run?.wall.value, gpuHours: run?.gpuHours.value,
      ...(stepBand ? { interval: { level, step_s: { low: stepBand.low.value, high: stepBand.high.value }, ...(runBand && run ? { wallSeconds: { low: runBand.low.value, high: runBand.high.value }, gpuHours: runBand.scale(run.gpuHours.value) } : {}), regime: stepBand.band.regime, note: stepBand.band.note } } : {}) }, null, 2));
    return 0;
  }
  const lines = [t.toString(), ...(assumed ? [assumed] : []), "", textTable(rows, ["term", "memory_GiB", "formula"]), "", `total ${mem.total.format()} of ${format(c.gpu.spec.memory, "bytes")} per GPU${fits ? "" : " — OUT OF MEMORY"}`];
  if (fits) {
    const mm = t.maxMicroBatch();
    lines.push(mm.limit === "memory"
      ? `largest micro-batch: ${mm.microBatch} (then ${mm.runsOutFirst} run out; ${mm.perSequence.format()} per extra sequence at a fixed number of micro-batches)`
      : `largest micro-batch: ${mm.microBatch} (every micro-batch that divides the global batch per replica fits: ${mm.memory.total.format()} at ${mm.microBatch}; larger micro-batches mean fewer in flight, not more memory)`);
  }
  if (run) lines.push(run.step.toString(), run.toString());
  else if (tokens !== undefined) lines.push(`no step or run time for --tokens: the configuration does not fit (try --recompute full, a larger --pp or --zero, or more GPUs)`);
  if (stepBand) {
    const g = runBand && run ? runBand.scale(run.gpuHours.value) : undefined;
    lines.push(`error band: step ${String(stepBand)}${runBand ? `, run ${String(runBand)}` : ""}${g && run ? `, ${withBand(run.gpuHours.value, g.low, g.high, stepBand.level, (x) => `${Math.round(Number(x.toPrecision(3))).toLocaleString("en-US")} GPU-hours`)}` : ""}; ${stepBand.band.regime}${stepBand.band.note ? ` (${stepBand.band.note})` : ""}`);
  }
  print(lines.join("\n"));
  return 0;
}
