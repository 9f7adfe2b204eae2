/**
 * `suanli decode MODEL --gpu GPU …` — one decode step of MODEL on the device: time per token,
 * tokens/s, what binds, memory per GPU and the operator breakdown (flags: cli/verbs.ts).
 */
import { format } from "../units.js";
import { withBand } from "../uncertainty/interval.js";
import { flag, num, type Parsed } from "./args.js";
import { clusterFrom, engineFrom, gpuFrom, loadModel, withEp } from "./device.js";
import { print } from "./output.js";
import { textTable } from "./text.js";
import { intervalLevel } from "./interval.js";

export async function runDecode(p: Parsed): Promise<number> {
  const m = loadModel(p, "decode");
  const e = engineFrom(m, withEp(clusterFrom(gpuFrom(p, "decode"), p), p), p);
  const batch = num(p, "batch") ?? 1;
  const context = num(p, "context") ?? 4096;
  const d = e.decode({ batch, context });
  const mem = e.memory({ batch, context });
  const price = num(p, "price");
  const cost = price === undefined ? undefined : e.cost({ pricePerGpuHour: price, batch, context });
  const rows = d.breakdown().objects() as Record<string, unknown>[];
  const level = intervalLevel(p);
  const band = level === undefined ? undefined : d.interval(level);
  const tps = band?.rate(d.tokensPerSecond);
  if (flag(p, "json")) {
    print(JSON.stringify({
      device: e.describe(), batch, context, timePerToken_s: d.time.value, tokensPerSecond: d.tokensPerSecond, tokensPerSecondPerGpu: d.tokensPerSecondPerGpu,
      bound: d.bound, split_s: d.split, efficiency: e.efficiency(), memoryPerGpu_B: { weights: mem.weights.value, kv: mem.kv.value, activations: mem.activations.value, reserve: mem.reserve.value, total: mem.total.value, capacity: mem.capacity.value },
      maxBatch: e.maxBatch({ context }), ...(cost ? { cost } : {}),
      ...(band && tps ? { interval: { level, timePerToken_s: { low: band.low.value, high: band.high.value }, tokensPerSecond: tps, regime: band.band.regime, note: band.band.note } } : {}),
      ops: rows,
    }, null, 2));
    return 0;
  }
  const r = (x: unknown) => (typeof x === "number" ? Number(x.toPrecision(4)) : x);
  print([
    e.describe(),
    `${String(d)}`,
    ...(band && tps ? [`error band: ${String(band)} per token, ${withBand(d.tokensPerSecond, tps.low, tps.high, band.level, (x) => `${format(x, "count", { digits: 3 })} tok/s`)}; ${band.band.regime}${band.band.note ? ` (${band.band.note})` : ""}`] : []),
    `memory per GPU: ${String(mem)}; max batch at context ${context}: ${e.maxBatch({ context })}`,
    ...(cost ? [`cost at ${price} per GPU-hour: ${format(cost.tokensPerDollar, "count")} tokens per unit, ${cost.dollarsPerMillionTokens.toPrecision(4)} per million tokens`] : []),
    `efficiency ${JSON.stringify(e.efficiency())} (override in code with .efficiency({...}))`,
    "",
    textTable(rows.map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, r(v)]))), ["op", "count", "gflop", "mb", "intensity", "time_us", "share", "bound"]),
  ].join("\n"));
  return 0;
}
