/**
 * `suanli decode MODEL --gpu H20 [--count 8] [--tp 8] [--pp 1] [--precision fp8] [--weights fp8]
 *  [--kv fp8] [--batch 8] [--context 4096] [--network "400 Gb/s"] [--price 2.5] [--json]`
 * — one decode step of MODEL on the device: time per token, tokens/s, what binds, memory per
 * GPU and the operator breakdown. The lead wires it into src/cli.ts as the `decode` command.
 */
import { parseArgs } from "node:util";
import { SuanliError } from "../errors.js";
import { gpu } from "../hardware/gpu.js";
import { cluster } from "../hardware/cluster.js";
import { model } from "../model/model.js";
import type { Precision } from "../hardware/precision.js";
import { format } from "../units.js";
import { textTable } from "./text.js";

export const DECODE_HELP = `suanli decode MODEL --gpu GPU [options]
  --gpu GPU          catalog GPU (H20, A800, H100, …)
  --count N          GPUs (default: tp × pp)
  --tp N --pp N      tensor / pipeline parallel degrees (default 1)
  --precision P      compute precision: fp16, bf16, fp8, int8 … (default: the GPU's fp16)
  --weights D --kv D storage formats (default: follow the precision)
  --batch N          sequences per replica (default 1)
  --context N        tokens in each sequence's cache (default 4096)
  --network BW       inter-node bandwidth per GPU, e.g. "400 Gb/s"
  --price X          your price per GPU-hour: adds tokens per unit of money
  --json             machine-readable output`;

function int(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new SuanliError("bad-argument", `--${name} must be a positive integer, got ${JSON.stringify(v)}`, { value: v });
  return n;
}

/** Run `decode` with argv after the command name; writes to stdout, returns the exit code. */
export async function runDecode(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      gpu: { type: "string" }, count: { type: "string" }, tp: { type: "string" }, pp: { type: "string" },
      precision: { type: "string" }, weights: { type: "string" }, kv: { type: "string" },
      batch: { type: "string" }, context: { type: "string" }, network: { type: "string" }, price: { type: "string" },
      json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(DECODE_HELP + "\n");
    return 0;
  }
  const name = positionals[0];
  if (!name) throw new SuanliError("bad-argument", "decode needs a MODEL, e.g. suanli decode llama2-70b --gpu H20 --tp 8 --precision fp8", { value: name });
  if (!values.gpu) throw new SuanliError("bad-argument", "decode needs --gpu, e.g. --gpu H20", { value: values.gpu });
  let g = gpu(values.gpu);
  if (values.precision) g = g.precision(values.precision as Precision);
  const tp = int(values.tp, "tp", 1);
  const pp = int(values.pp, "pp", 1);
  let c = cluster(g, int(values.count, "count", tp * pp)).tp(tp).pp(pp);
  if (values.network) c = c.network(values.network);
  let e = model(name).on(c);
  if (values.weights || values.kv) e = e.dtypes({ ...(values.weights ? { weights: values.weights } : {}), ...(values.kv ? { kv: values.kv } : {}) });
  const batch = int(values.batch, "batch", 1);
  const context = int(values.context, "context", 4096);
  const d = e.decode({ batch, context });
  const mem = e.memory({ batch, context });
  const price = values.price === undefined ? undefined : Number(values.price);
  const cost = price === undefined ? undefined : e.cost({ pricePerGpuHour: price, batch, context });
  const rows = d.breakdown().objects() as Record<string, unknown>[];
  if (values.json) {
    process.stdout.write(JSON.stringify({
      device: e.describe(), batch, context, timePerToken_s: d.time.value, tokensPerSecond: d.tokensPerSecond, tokensPerSecondPerGpu: d.tokensPerSecondPerGpu,
      bound: d.bound, split_s: d.split, efficiency: e.efficiency(), memoryPerGpu_B: { weights: mem.weights.value, kv: mem.kv.value, activations: mem.activations.value, reserve: mem.reserve.value, total: mem.total.value, capacity: mem.capacity.value },
      maxBatch: e.maxBatch({ context }), ...(cost ? { cost } : {}), ops: rows,
    }, null, 2) + "\n");
    return 0;
  }
  const r = (x: unknown) => (typeof x === "number" ? Number(x.toPrecision(4)) : x);
  const lines = [
    e.describe(),
    `${String(d)}`,
    `memory per GPU: ${String(mem)}; max batch at context ${context}: ${e.maxBatch({ context })}`,
    ...(cost ? [`cost at ${price} per GPU-hour: ${format(cost.tokensPerDollar, "count")} tokens per unit, ${cost.dollarsPerMillionTokens.toPrecision(4)} per million tokens`] : []),
    `efficiency ${JSON.stringify(e.efficiency())} (override in code with .efficiency({...}))`,
    "",
    textTable(rows.map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, r(v)]))), ["op", "count", "gflop", "mb", "intensity", "time_us", "share", "bound"]),
  ];
  process.stdout.write(lines.join("\n") + "\n");
  return 0;
}
