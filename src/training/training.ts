/**
 * `train(model, opts)` / `model.train(opts)` — a training configuration, immutable: `.on(cluster)`
 * and `.with({...})` return new frozen values. Without a cluster, `memory()` uses the tp/pp/dp
 * numbers in the options; `.on(cluster)` takes them from `cluster.layout`, and its GPU gives the
 * capacity, peaks and links for `maxMicroBatch()`, `step()` and `time()`.
 *
 * @example
 * const c = cluster(gpu("H20").fp8(), 8).tp(8);
 * const t = model("llama2-70b").train({ seq: 4096, microBatch: 1, globalBatch: 64, zero: 1 }).on(c);
 * t.memory().breakdown()       // one row per term
 * t.maxMicroBatch().microBatch
 * t.time({ tokens: 2e12 }).wall.format()
 */
import { SuanliError, show } from "../errors.js";
import { Cluster } from "../hardware/cluster.js";
import type { Model } from "../model/model.js";
import { matmulParams } from "../model/params.js";
import { Quantity } from "../quantity.js";
import { sub, qty } from "../derive/term.js";
import { format, parseQuantity } from "../units.js";
import { TrainingMemory, MEMORY_TERMS, type MemoryTerm } from "./memory.js";
import { readTrainOptions, TRAIN_PRECISIONS, type TrainConfig, type TrainOptions } from "./options.js";
import { layersPerStage } from "./states.js";
import { withText } from "../display/result.js";
import { TrainingRun, TrainingStep } from "./step.js";
import { stepTimes } from "./time.js";

export interface MaxMicroBatch {
  /** The largest micro-batch that fits. */
  readonly microBatch: number;
  /** Memory at that micro-batch. */
  readonly memory: TrainingMemory;
  /** Capacity left at that micro-batch. */
  readonly headroom: Quantity<"bytes">;
  /** The largest term at the first micro-batch that does not fit — what runs out first. */
  readonly runsOutFirst: MemoryTerm;
  /**
   * What stops a larger micro-batch: "memory", or "global batch" when every micro-batch that
   * divides the sequences per replica fits (then `runsOutFirst` is the largest term at the largest).
   */
  readonly limit: "memory" | "global batch";
  /** Bytes each extra sequence of micro-batch adds (activations). */
  readonly perSequence: Quantity<"bytes">;
  /** A short summary with units. */
  toString(): string;
}

export class Training {
  readonly model: Model;
  readonly options: Readonly<TrainOptions>;
  readonly cluster: Cluster | undefined;
  readonly config: TrainConfig;

  constructor(m: Model, options: TrainOptions, cl?: Cluster) {
    this.model = m;
    this.options = Object.freeze({ ...options });
    this.cluster = cl;
    let opts = options;
    if (cl && options.precision === undefined) {
      // The GPU's precision is the training recipe (README "What a precision means"): tf32 trains
      // in fp32; int8/fp4/fp64 have no training recipe and are refused, not silently replaced.
      const p = cl.gpu.precisionName === "tf32" ? "fp32" : (cl.gpu.precisionName as string);
      if (!(TRAIN_PRECISIONS as readonly string[]).includes(p)) {
        throw new SuanliError("unknown-precision", `training has no ${cl.gpu.precisionName} recipe (the cluster's GPU is set to ${cl.gpu.precisionName}); pass precision: "bf16", "fp16", "fp8" or "fp32", or use a GPU view at one of those`, {
          value: cl.gpu.precisionName,
          expected: TRAIN_PRECISIONS.join(", "),
        });
      }
      opts = { ...options, precision: p };
    }
    const cfg = readTrainOptions(opts, cl ? { ...cl.layout, ep: cl.expertParallel, epImbalance: cl.state.epImbalance ?? 1 } : undefined);
    if (cfg.ep > 1 && (!m.arch.moe || m.arch.moe.experts % cfg.ep !== 0)) {
      const why = m.arch.moe ? `does not divide the ${m.arch.moe.experts} routed experts of ${m.id}` : `needs routed experts; ${m.id} is dense`;
      throw new SuanliError("bad-parallelism", `ep ${cfg.ep} ${why}`, { value: cfg.ep, expected: m.arch.moe ? `a divisor of ${m.arch.moe.experts}` : "ep 1" });
    }
    if (cfg.pp > m.arch.layers) {
      throw new SuanliError("bad-parallelism", `pp = ${cfg.pp} pipeline stages exceeds the ${m.arch.layers} layers of ${m.id}`, { value: cfg.pp, expected: `pp ≤ ${m.arch.layers}` });
    }
    if (m.arch.heads % cfg.tp !== 0) {
      throw new SuanliError("bad-parallelism", `tp = ${cfg.tp} does not divide the ${m.arch.heads} attention heads of ${m.id}`, { value: cfg.tp, expected: `a divisor of ${m.arch.heads}` });
    }
    this.config = cfg;
    Object.freeze(this);
  }

  /** The same training on `cluster`: tp/pp/dp from its layout; global batch rechecked against the new dp. */
  on(cl: Cluster): Training {
    if (!(cl instanceof Cluster)) throw new SuanliError("bad-argument", `on(cluster) needs a Cluster, e.g. cluster(gpu("H20"), 8).tp(8); got ${show(cl)}`, { value: cl });
    const { tp, pp, dp, ep, ...rest } = this.options;
    const have = { ...cl.layout, ep: cl.expertParallel };
    for (const [k, v] of Object.entries({ tp, pp, dp, ep })) {
      if (v !== undefined && v !== have[k as "tp"]) {
        throw new SuanliError("bad-parallelism", `options say ${k} = ${v} but the cluster's layout has ${k} = ${have[k as "tp"]} (${cl.size} GPUs, tp ${cl.layout.tp}, pp ${cl.layout.pp}, dp ${cl.layout.dp}, ep ${cl.expertParallel}); set it on the cluster`, { value: v });
      }
    }
    return new Training(this.model, rest, cl);
  }

  /** The same training with some options changed: `.with({ microBatch: 4 })`. */
  with(patch: Partial<TrainOptions>): Training {
    return new Training(this.model, { ...this.options, ...patch }, this.cluster);
  }

  /** Per-GPU memory, term by term (see memory.ts). */
  memory(): TrainingMemory {
    const m = this.model;
    return new TrainingMemory(m.id, m.arch, m.paramBreakdown(), this.config, this.cluster?.gpu.spec.memory);
  }

  /**
   * The largest micro-batch that fits the GPU (memory is linear in it: only activations grow).
   * With a globalBatch, only micro-batches dividing globalBatch / dp are tried. Refuses, naming
   * the totals, when even micro-batch 1 does not fit.
   */
  maxMicroBatch(opts: { memory?: string | number } = {}): MaxMicroBatch {
    const cap = opts.memory !== undefined ? parseQuantity(opts.memory, "bytes", "memory") : this.cluster?.gpu.spec.memory;
    if (cap === undefined) throw new SuanliError("bad-argument", `maxMicroBatch needs a GPU: call .on(cluster(gpu("H20"), 8)) first, or pass { memory: "96 GiB" }`);
    const c = this.config;
    const total = (t: Training) => { const mem = t.memory(); return { mem, v: mem.total.value }; };
    const one = total(this.with({ microBatch: 1, ...(c.globalBatchGiven ? {} : { accumulation: c.accumulation }) }));
    const perSeq = total(this.with({ microBatch: 2, globalBatch: undefined, accumulation: Math.max(1, c.accumulation) })).v - total(this.with({ microBatch: 1, globalBatch: undefined, accumulation: Math.max(1, c.accumulation) })).v;
    if (one.v > cap) {
      const top = [...MEMORY_TERMS].sort((x, y) => one.mem.bytes[y] - one.mem.bytes[x]).slice(0, 3).map((k) => `${k} ${format(one.mem.bytes[k], "bytes")}`);
      throw new SuanliError(
        "does-not-fit",
        `${this.model.id} does not fit even at microBatch 1: ${format(one.v, "bytes")} per GPU > ${format(cap, "bytes")} (largest: ${top.join(", ")}; tp ${c.tp}, pp ${c.pp}, dp ${c.dp}, zero ${c.zero}, recompute ${c.recompute}, seq ${c.seq}). Raise zero, tp or pp, or recompute more`,
        { value: { total: one.v, capacity: cap }, expected: `≤ ${format(cap, "bytes")}` },
      );
    }
    let best = 1;
    let bestMem = one.mem;
    let over: TrainingMemory | undefined;
    if (c.globalBatchGiven) {
      const perReplica = c.microBatch * c.accumulation; // sequences per replica per step
      for (let b = 2; b <= perReplica; b++) {
        if (perReplica % b !== 0) continue;
        const r = total(this.with({ microBatch: b }));
        if (r.v <= cap) { best = b; bestMem = r.mem; } else { over = r.mem; break; }
      }
    } else {
      let b = Math.max(1, Math.floor(1 + (cap - one.v) / perSeq));
      let r = total(this.with({ microBatch: b }));
      while (b > 1 && r.v > cap) r = total(this.with({ microBatch: --b })); // guard against rounding
      best = b;
      bestMem = r.mem;
      over = total(this.with({ microBatch: b + 1 })).mem;
    }
    const largest = over ?? bestMem;
    const runsOutFirst = [...MEMORY_TERMS].sort((x, y) => largest.bytes[y] - largest.bytes[x])[0]!;
    const limit = over ? "memory" : "global batch";
    const used = bestMem.total.value;
    return withText({
      microBatch: best,
      limit,
      memory: bestMem,
      headroom: new Quantity(cap - used, "bytes", () => ({ title: `headroom at microBatch ${best}`, formula: "capacity − total", term: sub(qty(cap / 2 ** 30, "GiB"), qty(used / 2 ** 30, "GiB")) })),
      runsOutFirst,
      perSequence: new Quantity(Math.max(0, perSeq), "bytes", () => ({ title: "memory per extra sequence in the micro-batch", formula: `activations over ${layersPerStage(this.model.arch, c.pp)} layers × in-flight micro-batches`, term: qty(perSeq / 2 ** 20, "MiB") })),
    }, (r) => `largest micro-batch ${r.microBatch}: ${r.memory.total.format()} per GPU, ${r.headroom.format()} left, ${r.perSequence.format()} per extra sequence at a fixed number of micro-batches; ${r.limit === "memory" ? `${r.runsOutFirst} runs out first` : "every micro-batch the global batch allows fits"}`);
  }

  private requireCluster(what: string): Cluster {
    if (!this.cluster) throw new SuanliError("bad-argument", `${what} needs a cluster: .on(cluster(gpu("H20").fp8(), 8).tp(8))`);
    return this.cluster;
  }

  /**
   * One optimizer step on the cluster (see time.ts); refuses a configuration that does not fit
   * unless `checkMemory: false` (a what-if: the time were the memory there, e.g. with offload).
   */
  step(opts: { checkMemory?: boolean } = {}): TrainingStep {
    const cl = this.requireCluster("step()");
    const mem = this.memory();
    if (mem.fits === false && opts.checkMemory !== false) {
      throw new SuanliError("does-not-fit", `out of memory: ${format(mem.total.value, "bytes")} per GPU > ${format(cl.gpu.spec.memory, "bytes")} on ${cl.gpu.id} at microBatch ${this.config.microBatch}; see maxMicroBatch()`, {
        value: mem.total.value, expected: `≤ ${format(cl.gpu.spec.memory, "bytes")}`,
      });
    }
    const m = this.model;
    const t = stepTimes(m.arch, m.paramBreakdown(), matmulParams(m.arch, m.paramBreakdown()), this.config, cl);
    return new TrainingStep(t, `${m.id} on ${cl.size}× ${cl.gpu.id} ${this.config.precision}`, this);
  }

  /** A run of `tokens` tokens (default: the `tokens` option): steps, wall-clock, GPU-hours. */
  time(opts: { tokens?: number | string; checkMemory?: boolean } = {}): TrainingRun {
    const raw = opts.tokens ?? this.config.tokens;
    if (raw === undefined) throw new SuanliError("bad-argument", `time() needs tokens, e.g. time({ tokens: 2e12 })`);
    const tokens = parseQuantity(raw, "tokens", "tokens");
    if (!(tokens > 0)) throw new SuanliError("bad-argument", `tokens must be > 0, got ${show(raw)}`, { value: raw });
    return new TrainingRun(this.step(opts.checkMemory === false ? { checkMemory: false } : {}), tokens, this.config.goodput);
  }

  toString(): string {
    const c = this.config;
    return `Training ${this.model.id} · seq ${c.seq} · micro ${c.microBatch} × accum ${c.accumulation} × dp ${c.dp} · ${c.precision} ${c.optimizer} · ZeRO-${c.zero} · ${c.recompute} recompute · tp ${c.tp} pp ${c.pp}${c.ep > 1 ? ` ep ${c.ep}` : ""}${c.schedule === "dualpipe" ? " · DualPipe" : ""}${this.cluster ? ` · on ${this.cluster.size}× ${this.cluster.gpu.id}` : ""}`;
  }
  toJSON(): object {
    return { model: this.model.toJSON(), options: this.options, cluster: this.cluster?.toJSON() };
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** A training configuration of model `m` (what `Model#train` delegates to). */
export function train(m: Model, opts: TrainOptions): Training {
  return new Training(m, opts);
}
