/**
 * `suanli train MODEL --gpu H20 --gpus 1024 --tp 8 --pp 4 --precision fp8 --seq 4096
 *  --micro 1 --global 1024 --zero 1 --recompute selective --network "400 Gb/s" --tokens 2e12`
 * — per-GPU memory breakdown, the largest micro-batch, step time and run time.
 * Returns the text to print (the lead wires it into src/cli.ts).
 */
import { cluster } from "../hardware/cluster.js";
import { gpu } from "../hardware/gpu.js";
import { model } from "../model/model.js";
import { format } from "../units.js";
import { SuanliError } from "../errors.js";
import { textTable } from "./text.js";

export interface TrainFlags {
  gpu: string;
  gpus: number;
  tp?: number;
  pp?: number;
  precision?: string;
  seq: number;
  micro?: number;
  global?: number;
  zero?: number;
  recompute?: string;
  network?: string;
  tokens?: number;
  json?: boolean;
}

export function runTrain(name: string, f: TrainFlags): string {
  let c = cluster(gpu(f.gpu), f.gpus).tp(f.tp ?? 1).pp(f.pp ?? 1);
  if (f.network) c = c.network(f.network);
  const t = model(name).train({
    seq: f.seq, microBatch: f.micro ?? 1, ...(f.global !== undefined ? { globalBatch: f.global } : {}),
    ...(f.precision ? { precision: f.precision } : {}), zero: f.zero ?? 1, recompute: f.recompute ?? "selective",
  }).on(c);
  const mem = t.memory();
  const rows = (mem.breakdown().objects() as Record<string, unknown>[]).map((r) => ({ term: r.term, memory_GiB: Number((r.memory_GiB as number).toFixed(3)), formula: r.formula }));
  const fits = mem.fits !== false;
  const run = f.tokens !== undefined && fits ? t.time({ tokens: f.tokens }) : undefined;
  if (f.json) {
    return JSON.stringify({ training: t.toJSON(), memory: rows, totalBytes: mem.total.value, fits, step: run ? run.step.times : undefined, wallSeconds: run?.wall.value, gpuHours: run?.gpuHours.value }, null, 2);
  }
  const lines = [t.toString(), "", textTable(rows, ["term", "memory_GiB", "formula"]), "", `total ${mem.total.format()} of ${format(c.gpu.spec.memory, "bytes")} per GPU${fits ? "" : " — OUT OF MEMORY"}`];
  if (fits) {
    const mm = t.maxMicroBatch();
    lines.push(`largest micro-batch: ${mm.microBatch} (then ${mm.runsOutFirst} run out; ${mm.perSequence.format()} per extra sequence)`);
  }
  if (run) lines.push(run.step.toString(), run.toString());
  return lines.join("\n");
}

export const TRAIN_HELP = `usage: suanli train MODEL --gpu GPU --gpus N --seq N [options]
  --tp N --pp N          tensor / pipeline parallel degrees (default 1; data parallel = gpus / (tp × pp))
  --precision P          bf16, fp16 or fp8 (default bf16)
  --micro N --global N   micro-batch and global batch (sequences)
  --zero 0|1|2|3         ZeRO stage (default 1)
  --recompute R          none, selective or full (default selective)
  --network BW           inter-node bandwidth per GPU, e.g. "400 Gb/s"
  --tokens N             training tokens for the run time, e.g. 2e12
  --json                 machine-readable output

Per-GPU memory breakdown, whether it fits, and (with --tokens) step time and run time.`;

/** argv adapter for the CLI: parse flags, print, return the exit code. */
export async function runTrainArgv(argv: string[]): Promise<number> {
  const { parseArgs } = await import("node:util");
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      gpu: { type: "string" }, gpus: { type: "string" }, tp: { type: "string" }, pp: { type: "string" }, precision: { type: "string" },
      seq: { type: "string" }, micro: { type: "string" }, global: { type: "string" }, zero: { type: "string" }, recompute: { type: "string" },
      network: { type: "string" }, tokens: { type: "string" }, json: { type: "boolean", default: false },
    },
  });
  const num = (v: string | undefined, name: string, required = false): number | undefined => {
    if (v === undefined) {
      if (required) throw new SuanliError("bad-argument", `train needs --${name} (see suanli train --help)`, { value: name });
      return undefined;
    }
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new SuanliError("bad-argument", `--${name} must be a non-negative number, got ${JSON.stringify(v)}`, { value: v });
    return n;
  };
  const name = positionals[0];
  if (!name) throw new SuanliError("bad-argument", "train needs a MODEL, e.g. suanli train llama2-70b --gpu H20 --gpus 1024 --tp 8 --pp 4 --seq 4096", { value: name });
  if (!values.gpu) throw new SuanliError("bad-argument", "train needs --gpu (see suanli train --help)", { value: "gpu" });
  const flags: TrainFlags = { gpu: values.gpu, gpus: num(values.gpus, "gpus", true)!, seq: num(values.seq, "seq", true)!, json: values.json === true };
  const opt = { tp: num(values.tp, "tp"), pp: num(values.pp, "pp"), micro: num(values.micro, "micro"), global: num(values.global, "global"), zero: num(values.zero, "zero"), tokens: num(values.tokens, "tokens") };
  for (const [k, v] of Object.entries(opt)) if (v !== undefined) (flags as unknown as Record<string, unknown>)[k] = v;
  if (values.precision) flags.precision = values.precision;
  if (values.recompute) flags.recompute = values.recompute;
  if (values.network) flags.network = values.network;
  process.stdout.write(runTrain(name, flags) + "\n");
  return 0;
}
