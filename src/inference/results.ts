/**
 * The values `m.on(device)` returns: plain numbers for sweeps (tokens/s, seconds) beside
 * Quantities that print with their unit and explain their arithmetic, and the operator
 * breakdown as an arquero table (plain numbers in the unit each column names).
 */
import type { ColumnTable } from "arquero";
import { arquero } from "../util/lazy.js";
import { show } from "../errors.js";
import { Quantity } from "../quantity.js";
import { add, mul, num, qty, type Term } from "../derive/term.js";
import { format } from "../units.js";
import type { InferenceEngine } from "./engine.js";
import type { MemoryParts } from "./memory.js";
import type { Step } from "./ops.js";
import { overheadTime } from "./overhead.js";
import { kernelLayers } from "./layerKernels.js";
import { boundOf, stepRows, type Bound, type OpRow, type StepTime } from "./roofline.js";
import { intervalOf, type Interval } from "../uncertainty/interval.js";
import { engineSetup } from "../uncertainty/setup.js";
import { engineSensitivity, type Ranges } from "../uncertainty/sensitivity.js";

export interface DecodeResult {
  readonly batch: number;
  readonly context: number;
  /** Time of one decode step = time per output token of each sequence. */
  readonly time: Quantity<"time">;
  /** Output tokens/s of the whole cluster (all data-parallel replicas). */
  readonly tokensPerSecond: number;
  readonly tokensPerSecondPerGpu: number;
  /** Tokens/s one sequence sees (1 / step time). */
  readonly tokensPerSecondPerSequence: number;
  /** What takes the largest share of the step: "memory", "compute" or "link". */
  readonly bound: Bound;
  /** Seconds of the step spent in memory-bound ops, compute-bound ops and collectives. */
  readonly split: Readonly<StepTime>;
  breakdown(): ColumnTable;
  /** The {@link time}'s error band at `level` (default 0.8) from its regime's held-out residuals (uncertainty/interval.ts). */
  interval(level?: number): Interval<"time">;
  /** How the {@link time} (ms) moves as each assumption crosses its plausible range (uncertainty/sensitivity.ts). */
  sensitivity(ranges?: Ranges): ColumnTable;
  toString(): string;
}

export interface PrefillResult {
  readonly batch: number;
  readonly prompt: number;
  /** Time to first token. */
  readonly time: Quantity<"time">;
  /** Prompt tokens/s of the whole cluster. */
  readonly tokensPerSecond: number;
  readonly bound: Bound;
  readonly split: Readonly<StepTime>;
  /** Achieved FLOP/s per GPU over dense peak at the compute precision. */
  readonly utilization: number;
  breakdown(): ColumnTable;
  /** The {@link time}'s error band at `level` (default 0.8) from its regime's held-out residuals (uncertainty/interval.ts). */
  interval(level?: number): Interval<"time">;
  /** How the {@link time} (ms) moves as each assumption crosses its plausible range (uncertainty/sensitivity.ts). */
  sensitivity(ranges?: Ranges): ColumnTable;
  toString(): string;
}

export interface RequestResult {
  readonly batch: number;
  readonly prompt: number;
  readonly output: number;
  readonly ttft: Quantity<"time">;
  /** Prefill + all decode steps. */
  readonly latency: Quantity<"time">;
  /** Mean time per output token after the first. */
  readonly tpot: Quantity<"time">;
  /** Output tokens/s of the whole cluster: dp × batch × output ÷ latency. */
  readonly tokensPerSecond: number;
  readonly tokensPerSecondPerGpu: number;
  /** The {@link latency}'s error band at `level` (default 0.8) from its regime's held-out residuals (uncertainty/interval.ts). */
  interval(level?: number): Interval<"time">;
  /** How the {@link latency} (ms) moves as each assumption crosses its plausible range (uncertainty/sensitivity.ts). */
  sensitivity(ranges?: Ranges): ColumnTable;
  toString(): string;
}

export interface MemoryResult {
  readonly batch: number;
  readonly context: number;
  readonly weights: Quantity<"bytes">;
  readonly kv: Quantity<"bytes">;
  readonly activations: Quantity<"bytes">;
  readonly reserve: Quantity<"bytes">;
  readonly total: Quantity<"bytes">;
  readonly capacity: Quantity<"bytes">;
  /** capacity − total (negative: over by that much). */
  readonly free: number;
  readonly fits: boolean;
  toString(): string;
}

const perSec = (x: number) => `${format(x, "count")} tok/s`;

/** Time of a step as a Quantity whose derivation lists the operators (in ms, with what binds each). */
export function stepQuantity(e: InferenceEngine, step: Step, total: number, title: string): Quantity<"time"> {
  return new Quantity(total, "time", () => {
    const pp = e.shard.pp;
    const sub = pp > 1 ? { ...step, batch: Math.ceil(step.batch / pp) } : step;
    const k = e.state.kernels;
    const rows = stepRows(e.shard, e.state.dtypes, sub, e.rates(), k).filter((r) => r.time > 0);
    const terms: Term[] = rows.map((r) => ({ ...qty(r.time * 1e3, "ms"), note: `${r.op} (${r.bound})` }) as Term);
    const sum = rows.reduce((a, r) => a + r.time, 0);
    const fixed = overheadTime(e.state.overhead, kernelLayers(e.shard), sub.batch);
    if (fixed > 0) terms.push({ ...qty(fixed * 1e3, "ms"), note: "fixed overhead (per step + per layer + per sequence)" } as Term);
    if (pp > 1) terms.push({ ...qty((total / pp - sum - fixed) * 1e3, "ms"), note: "stage hand-off" } as Term);
    const op = k.overlap === 1 ? "max(t_c, t_m)" : `(max(t_c, t_m) + ${+(1 - k.overlap).toFixed(4)}·min(t_c, t_m))`;
    return {
      title,
      formula: `${pp > 1 ? "pp × (" : ""}Σ_ops count × ${op} + all-reduces${fixed > 0 ? " + overhead" : ""}${pp > 1 ? " + hand-off)" : ""}; t_c = FLOPs ÷ (η_c·peak), t_m = bytes ÷ (η_m·HBM)`,
      term: pp > 1 ? mul(num(pp, "micro-batches"), add(...terms)) : add(...terms),
      source: "Williams et al., Roofline, CACM 2009; Pope et al. 2022 (arXiv:2211.05102)",
      notes: [`efficiency ${show(e.state.efficiency)}`, `kernels ${show(k)}`, `overhead ${show(e.state.overhead)} (s)`, `dtypes ${show(e.state.dtypes)}`],
    };
  });
}

export function decodeResult(e: InferenceEngine, step: Step, t: StepTime): DecodeResult {
  const { dp } = e.cluster.layout;
  const context = step.past + 1;
  const tps = (dp * step.batch) / t.total;
  const bound = boundOf(t);
  return Object.freeze({
    batch: step.batch,
    context,
    time: stepQuantity(e, step, t.total, `decode step of ${e.describe()}, batch ${step.batch}, context ${context}`),
    tokensPerSecond: tps,
    tokensPerSecondPerGpu: tps / e.cluster.size,
    tokensPerSecondPerSequence: 1 / t.total,
    bound,
    split: Object.freeze({ ...t }),
    breakdown: () => e.breakdown({ batch: step.batch, context }),
    interval: (level?: number) => intervalOf(engineSetup(e, "decode", step.batch), t.total, "time", "time", level),
    sensitivity: (ranges?: Ranges) => engineSensitivity(e, (x) => x.decode({ batch: step.batch, context }).time.value * 1e3, "ms", ranges),
    toString: () => `decode batch ${step.batch} @ ${context}: ${format(t.total, "time")}/token, ${perSec(tps)} (${perSec(tps / e.cluster.size)} per GPU), ${bound}-bound`,
  });
}

export function prefillResult(e: InferenceEngine, step: Step, t: StepTime): PrefillResult {
  const { dp } = e.cluster.layout;
  const tokens = step.batch * step.tokens;
  const flops = stepRows(e.shard, e.state.dtypes, e.shard.pp > 1 ? { ...step, batch: Math.ceil(step.batch / e.shard.pp) } : step, e.rates()).reduce((a, r) => a + r.flops, 0);
  const utilization = (flops * e.shard.pp) / t.total / e.gpu.peak().value;
  const bound = boundOf(t);
  return Object.freeze({
    batch: step.batch,
    prompt: step.tokens,
    time: stepQuantity(e, step, t.total, `prefill of ${e.describe()}, batch ${step.batch}, prompt ${step.tokens}`),
    tokensPerSecond: (dp * tokens) / t.total,
    bound,
    split: Object.freeze({ ...t }),
    utilization,
    breakdown: () => e.breakdown({ batch: step.batch, prompt: step.tokens }),
    interval: (level?: number) => intervalOf(engineSetup(e, "prefill", step.batch), t.total, "time", "time", level),
    sensitivity: (ranges?: Ranges) => engineSensitivity(e, (x) => x.prefill({ batch: step.batch, prompt: step.tokens }).time.value * 1e3, "ms", ranges),
    toString: () => `prefill batch ${step.batch} × ${step.tokens}: ${format(t.total, "time")} to first token, ${perSec((dp * tokens) / t.total)}, ${bound}-bound, ${(utilization * 100).toFixed(0)} % of peak`,
  });
}

export function requestResult(e: InferenceEngine, o: { batch: number; prompt: number; output: number }, ttft: number, decode: number): RequestResult {
  const { dp } = e.cluster.layout;
  const latency = ttft + decode;
  const tps = (dp * o.batch * o.output) / latency;
  const tpot = o.output > 1 ? decode / (o.output - 1) : 0;
  return Object.freeze({
    ...o,
    ttft: new Quantity(ttft, "time"),
    latency: new Quantity(latency, "time", () => ({ title: `request latency (${o.prompt} in, ${o.output} out, batch ${o.batch})`, formula: "TTFT + Σ decode steps", term: add(qty(ttft, "s"), qty(decode, "s")) })),
    tpot: new Quantity(tpot, "time"),
    tokensPerSecond: tps,
    tokensPerSecondPerGpu: tps / e.cluster.size,
    interval: (level?: number) => intervalOf(engineSetup(e, "decode", o.batch), latency, "time", "time", level),
    sensitivity: (ranges?: Ranges) => engineSensitivity(e, (x) => x.request(o).latency.value * 1e3, "ms", ranges),
    toString: () => `request ${o.prompt}→${o.output} × ${o.batch}: ${format(latency, "time")} (TTFT ${format(ttft, "time")}, ${format(tpot, "time")}/token), ${perSec(tps)}`,
  });
}

export function memoryResult(p: MemoryParts, who: string, batch: number, context: number): MemoryResult {
  const b = (v: number, what: string) => new Quantity(v, "bytes", () => ({ title: `${what} per GPU, ${who}`, term: qty(v / 2 ** 30, "GiB") }));
  const free = p.capacity - p.total;
  return Object.freeze({
    batch,
    context,
    weights: b(p.weights, "weights"),
    kv: b(p.kv, `KV cache (batch ${batch}, context ${context})`),
    activations: b(p.activations, "activation workspace"),
    reserve: b(p.reserve, "runtime reserve"),
    total: new Quantity(p.total, "bytes", () => ({
      title: `memory per GPU, ${who}, batch ${batch}, context ${context}`,
      formula: "weights + KV cache + activations + reserve",
      term: add(qty(p.weights / 2 ** 30, "GiB"), qty(p.kv / 2 ** 30, "GiB"), qty(p.activations / 2 ** 30, "GiB"), qty(p.reserve / 2 ** 30, "GiB")),
    })),
    capacity: b(p.capacity, "capacity"),
    free,
    fits: free >= 0,
    toString: () => `${format(p.total, "bytes")} of ${format(p.capacity, "bytes")} per GPU (${free >= 0 ? `${format(free, "bytes")} free` : `${format(-free, "bytes")} over`})`,
  });
}

/** Operator rows → arquero table; columns: op, class, count, gflop, mb, intensity (FLOP/B), compute_us, memory_us, link_us, time_us, share, bound. */
export function breakdownTable(rows: readonly OpRow[]): ColumnTable {
  const total = rows.reduce((a, r) => a + r.time, 0) || 1;
  return arquero().from(
    rows.map((r) => ({
      op: r.op,
      class: r.cls,
      count: r.count,
      gflop: r.flops / 1e9,
      mb: (r.bytes + r.wireBytes) / 1e6,
      intensity: r.bytes > 0 ? r.flops / r.bytes : 0,
      compute_us: r.computeTime * 1e6,
      memory_us: r.memoryTime * 1e6,
      link_us: r.linkTime * 1e6,
      time_us: r.time * 1e6,
      share: r.time / total,
      bound: r.bound,
    })),
  );
}
