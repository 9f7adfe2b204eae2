/**
 * Results of the time model as values: `TrainingStep` (one optimizer step) and `TrainingRun`
 * (a whole run of N tokens), each number a Quantity with its derivation, plus a table.
 */
import type { ColumnTable } from "arquero";
import { arquero } from "../util/lazy.js";
import { Quantity } from "../quantity.js";
import { add, div, mul, num, qty } from "../derive/term.js";
import { format } from "../units.js";
import type { StepTimes } from "./time.js";
import type { Training } from "./training.js";
import { SuanliError } from "../errors.js";
import { intervalOf, type Interval } from "../uncertainty/interval.js";
import { trainingRunSetup } from "../uncertainty/setup.js";
import { trainingSensitivity, type Ranges } from "../uncertainty/sensitivity.js";

function madeBy(t: Training | undefined, what: string): Training {
  if (!t?.cluster) throw new SuanliError("bad-argument", `${what} needs a result of train(…).on(cluster).step() or .time(); this one was built by hand`);
  return t;
}

const NARAYANAN = "Narayanan et al. 2021 (arXiv:2104.04473) §2.2, §3, §5.1";
const sec = (s: number) => qty(s, "s");

export class TrainingStep {
  readonly times: StepTimes;
  private readonly label: string;
  /** The training on its cluster that made this step (for interval() and sensitivity()). */
  readonly training: Training | undefined;

  constructor(times: StepTimes, label: string, training?: Training) {
    this.times = times;
    this.label = label;
    this.training = training;
    Object.freeze(this);
  }

  /** The step time's error band at `level` (default 0.8) from its regime's held-out residuals (uncertainty/interval.ts). */
  interval(level?: number): Interval<"time"> {
    return intervalOf(trainingRunSetup(madeBy(this.training, "interval()")), this.times.step, "time", "time", level);
  }
  /** How the step time (s) moves as each assumption crosses its plausible range (uncertainty/sensitivity.ts). */
  sensitivity(ranges?: Ranges): ColumnTable {
    return trainingSensitivity(madeBy(this.training, "sensitivity()"), (t) => t.step({ checkMemory: false }).times.step, "s", ranges);
  }

  /** Wall-clock seconds per optimizer step. */
  get time(): Quantity<"time"> {
    const t = this.times;
    return new Quantity(t.step, "time", () => ({
      title: `step time, ${this.label}`,
      formula: `compute + pipeline bubble + TP all-reduces + PP sends${t.epTotal > 0 ? " + exposed EP all-to-alls" : ""} + exposed DP communication + optimizer step`,
      term: t.epTotal > 0 ? add(sec(t.compute), sec(t.bubble), sec(t.tp), sec(t.pp), sec(t.ep), sec(t.dp), sec(t.optimizer)) : add(sec(t.compute), sec(t.bubble), sec(t.tp), sec(t.pp), sec(t.dp), sec(t.optimizer)),
      source: NARAYANAN,
    }));
  }

  /** Compute time of the m micro-batches (no bubble): matmuls + attention core + memory-bound kernels. */
  get compute(): Quantity<"time"> {
    const t = this.times;
    const m = t.compute / t.microBatchTime;
    return new Quantity(t.compute, "time", () => ({
      title: `compute of ${m} micro-batches, ${this.label}`,
      formula: "micro-batches × (matmuls + attention core + memory-bound kernels)",
      term: mul(num(m, "micro-batches"), add(sec(t.gemm), sec(t.attention), sec(t.memoryBound))),
      source: "time.ts: matmuls at η × peak (η from datasets/training-efficiency.json), memory-bound kernels at η_mem × HBM bandwidth (traffic.ts)",
    }));
  }
  /** Pipeline bubble: (p−1)/v micro-batch times. */
  get bubble(): Quantity<"time"> {
    return new Quantity(this.times.bubble, "time");
  }
  /** Communication left on the critical path (TP + PP + exposed EP + exposed DP). */
  get exposedCommunication(): Quantity<"time"> {
    const t = this.times;
    return new Quantity(t.tp + t.pp + t.ep + t.dp, "time");
  }
  /** Bytes one GPU sends per step, all groups. */
  get volume(): Quantity<"bytes"> {
    const v = this.times.volume;
    return new Quantity(v.tp + v.pp + v.ep + v.dp, "bytes", () => ({
      title: `bytes on the wire per GPU per step, ${this.label}`,
      formula: "TP + PP + EP + DP",
      term: add(qty(v.tp / 1e9, "GB"), qty(v.pp / 1e9, "GB"), qty(v.ep / 1e9, "GB"), qty(v.dp / 1e9, "GB")),
    }), "decimal");
  }
  get tokens(): Quantity<"tokens"> {
    return new Quantity(this.times.tokensPerStep, "tokens");
  }
  /** FLOPs the GPUs execute per token, recomputation included. */
  get flopsPerToken(): Quantity<"flop"> {
    const f = this.times.flops;
    return new Quantity(f.hardware, "flop", () => ({
      title: "training FLOPs per token (executed)",
      formula: "matmuls (3 or 4 × 2·P) + attention core (3 or 4 × forward)",
      term: add(num(f.linear, "matmul FLOP"), num(f.attention, "attention FLOP")),
      source: "Kaplan et al. 2020 §2.1; Narayanan et al. 2021 eq. 3",
    }));
  }
  /** Model FLOPs utilisation: 3 × forward FLOPs per token × tokens ÷ (step × GPUs × peak). */
  get mfu(): Quantity<"count"> {
    const t = this.times;
    return new Quantity(t.mfu, "count", () => ({
      title: `model FLOPs utilisation, ${this.label}`,
      formula: "model FLOPs per token × tokens per step ÷ (step time × GPUs × peak)",
      term: div(mul(num(t.flops.model, "FLOP/token"), num(t.tokensPerStep, "tokens")), mul(sec(t.step), num(t.gpus, "GPUs"), qty(t.peak / 1e12, "TFLOPS"))),
      source: "Chowdhery et al. 2022 (PaLM, arXiv:2204.02311) App. B",
    }));
  }
  /** Tokens per second over the cluster. */
  get throughput(): number {
    return this.times.tokensPerStep / this.times.step;
  }

  /** One row per component of the step: component, time_s, share, and bytes sent. */
  breakdown(): ColumnTable {
    const t = this.times;
    const m = t.compute / t.microBatchTime;
    const rows = [
      { component: "matmuls", time_s: m * t.gemm, volume_GB: 0 },
      { component: "attention core", time_s: m * t.attention, volume_GB: 0 },
      { component: "memory-bound kernels", time_s: m * t.memoryBound, volume_GB: 0 },
      { component: "pipeline bubble", time_s: t.bubble, volume_GB: 0 },
      { component: "TP all-reduces", time_s: t.tp, volume_GB: t.volume.tp / 1e9 },
      { component: "PP sends", time_s: t.pp, volume_GB: t.volume.pp / 1e9 },
      { component: "EP all-to-alls (exposed)", time_s: t.ep, volume_GB: t.volume.ep / 1e9 },
      { component: "DP gradients (exposed)", time_s: t.dp, volume_GB: t.volume.dp / 1e9 },
      { component: "optimizer step", time_s: t.optimizer, volume_GB: 0 },
    ];
    return arquero().from(rows.map((r) => ({ ...r, share: r.time_s / t.step })));
  }

  toString(): string {
    const t = this.times;
    return `TrainingStep ${format(t.step, "time")} · compute ${format(t.compute, "time")} · bubble ${format(t.bubble, "time")} · comm ${format(t.tp + t.pp + t.ep + t.dp, "time")} · MFU ${(t.mfu * 100).toFixed(1)}%`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** A whole training run of `tokens` tokens. */
export class TrainingRun {
  readonly step: TrainingStep;
  readonly tokens: number;
  /** Fraction of wall-clock time spent training (options.goodput). */
  readonly goodput: number;

  constructor(step: TrainingStep, tokens: number, goodput = 1) {
    this.step = step;
    this.tokens = tokens;
    this.goodput = goodput;
    Object.freeze(this);
  }
  /** Optimizer steps: tokens ÷ tokens per step. */
  get steps(): number {
    return this.tokens / this.step.times.tokensPerStep;
  }
  /** Wall-clock time: steps × step time ÷ goodput. */
  get wall(): Quantity<"time"> {
    const t = this.step.times;
    return new Quantity((this.steps * t.step) / this.goodput, "time", () => ({
      title: `wall-clock time for ${format(this.tokens, "tokens")}`,
      formula: "tokens ÷ tokens per step × step time ÷ goodput",
      term: div(mul(div(num(this.tokens, "tokens"), num(t.tokensPerStep, "tokens/step")), sec(t.step)), num(this.goodput, "goodput")),
    }));
  }
  /** The wall-clock time's error band at `level` (default 0.8); `.scale(run.gpuHours.value)` gives GPU-hours' band. */
  interval(level?: number): Interval<"time"> {
    return intervalOf(trainingRunSetup(madeBy(this.step.training, "interval()")), this.wall.value, "time", "time", level);
  }
  /** How the wall-clock time (hours) moves as each assumption crosses its plausible range. */
  sensitivity(ranges?: Ranges): ColumnTable {
    return trainingSensitivity(madeBy(this.step.training, "sensitivity()"), (t) => t.time({ tokens: this.tokens, checkMemory: false }).wall.value / 3600, "h", ranges);
  }
  /** GPU-hours: wall-clock hours × GPUs. */
  get gpuHours(): Quantity<"count"> {
    const t = this.step.times;
    const wall = (this.steps * t.step) / this.goodput;
    return new Quantity((wall * t.gpus) / 3600, "count", () => ({
      title: "GPU-hours",
      formula: "wall-clock seconds × GPUs ÷ 3600",
      term: div(mul(sec(wall), num(t.gpus, "GPUs")), num(3600, "s/h")),
    }));
  }
  toString(): string {
    return `TrainingRun ${format(this.tokens, "tokens")} · ${this.wall.format()} · ${Math.round(this.gpuHours.value).toLocaleString("en")} GPU-hours · ${this.step.toString()}`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
