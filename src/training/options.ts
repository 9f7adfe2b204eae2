/**
 * Training options: what `model.train({...})` accepts, the defaults, and the one place they are
 * validated. Everything downstream works on the frozen `TrainConfig` of plain numbers.
 *
 * @example
 * readTrainOptions({ seq: 4096, microBatch: 1, globalBatch: 1024, precision: "bf16", zero: 1 })
 */
import type { Unit } from "mathjs";
import { SuanliError, show } from "../errors.js";
import { parseQuantity } from "../units.js";
import { checkKeys, oneOf, positiveInt, unitFraction } from "../validate.js";

export const TRAIN_PRECISIONS = ["bf16", "fp16", "fp8", "fp32"] as const;
/** bf16/fp16: mixed precision (Micikevicius et al. 2018); fp8: see states.ts for the recipes; fp32: no mixed precision. */
export type TrainPrecision = (typeof TRAIN_PRECISIONS)[number];
export const OPTIMIZERS = ["adam", "adamw", "sgd"] as const;
export type Optimizer = (typeof OPTIMIZERS)[number];
export const RECOMPUTE = ["none", "selective", "full", "deepseek-v3"] as const;
/**
 * none: keep every activation; selective: recompute the attention core (Korthikanti et al. 2022 §5);
 * full: keep each layer's input only; deepseek-v3: selective, and RMSNorm outputs, MLA
 * up-projections and SwiGLU outputs recomputed in the backward, GEMM inputs cached in FP8 under
 * the DeepSeek-V3 FP8 recipe (arXiv:2412.19437 §3.2.3, §3.3.3; activations.ts).
 */
export type Recompute = (typeof RECOMPUTE)[number];
export const FP8_RECIPES = ["transformer-engine", "deepseek-v3"] as const;
export type Fp8Recipe = (typeof FP8_RECIPES)[number];
export type ZeroStage = 0 | 1 | 2 | 3;
export const SCHEDULES = ["1f1b", "dualpipe"] as const;
/**
 * Pipeline schedule. 1f1b: Narayanan et al. 2021 §2.2 (interleaved with `interleave` > 1).
 * dualpipe: DeepSeek-V3's bidirectional schedule (arXiv:2412.19437 §3.2.1, Table 2): bubble
 * (p/2 − 1)(F&B + B − 3W), p + 1 micro-batches of activations, two copies of the stage's
 * parameters, and each forward chunk's all-to-all and pipeline sends overlapped with a
 * backward chunk's computation.
 */
export type Schedule = (typeof SCHEDULES)[number];
export const GRAD_BUFFERS = ["persistent", "step"] as const;
/**
 * How long the gradient buffer lives. persistent: allocated once and held (Megatron-Core's
 * contiguous main_grad buffer), so activations and gradients peak together; step: each model
 * chunk's gradients are created by its first backward of the step and freed after the step's
 * reduce-scatter (PyTorch FSDP with gradient accumulation, Llama 3 pre-training), so the peak is
 * the largest sum over the step (peak.ts).
 */
export type GradBuffer = (typeof GRAD_BUFFERS)[number];
export const GRAD_DTYPES = ["fp32", "bf16", "fp16"] as const;
/** The dtype gradients are accumulated in and reduced over the data-parallel group in. */
export type GradDtype = (typeof GRAD_DTYPES)[number];

export interface TrainOptions {
  /** Tokens per sequence. */
  seq: number;
  /** Sequences per micro-batch, per data-parallel replica (default 1). */
  microBatch?: number;
  /** Sequences per optimizer step over all replicas; must be a multiple of microBatch × dp. */
  globalBatch?: number;
  /** Gradient-accumulation steps (micro-batches per replica per step) when globalBatch is not given (default 1). */
  accumulation?: number;
  /** Compute/storage recipe (default bf16 mixed precision). */
  precision?: TrainPrecision | string;
  /** FP8 recipe whose extra copies are counted (default "transformer-engine"). */
  fp8Recipe?: Fp8Recipe | string;
  /** Optimizer (default adam). sgd is SGD with momentum: one state per parameter. */
  optimizer?: Optimizer | string;
  /** ZeRO stage 0–3 over the data-parallel degree (Rajbhandari et al. 2020). Default 0. */
  zero?: number;
  /** Activation recomputation (default "selective"). */
  recompute?: Recompute | string;
  /** Megatron sequence parallelism: shard the norm/dropout activations over TP too (default true). */
  sequenceParallel?: boolean;
  /** FlashAttention: no s² score tensors are kept (default true; Dao et al. 2022). */
  flashAttention?: boolean;
  /** Dropout layers present (default false, as in Llama/Mistral pre-training); true reproduces Korthikanti et al.'s GPT counts. */
  dropout?: boolean;
  /** Bytes per stored activation element (default 2: bf16/fp16). */
  activationBytes?: number;
  /** Tensor, pipeline and data-parallel degrees when no cluster is given (`.on(cluster)` sets them). */
  tp?: number;
  pp?: number;
  dp?: number;
  /**
   * Expert-parallel degree when no cluster is given (`cluster(…).ep(k)` sets it): each MoE
   * layer's routed experts held whole by ep GPUs of a pipeline stage (see states.ts).
   */
  ep?: number;
  /** Pipeline schedule (default "1f1b"; see Schedule). */
  schedule?: Schedule | string;
  /** Interleaved pipeline: model chunks per GPU (Narayanan et al. 2021 §2.2.2; default 1). */
  interleave?: number;
  /**
   * Interleaved pipeline: micro-batches each model chunk runs back to back before the next chunk
   * (N; default pp): Megatron-Core's microbatch_group_size_per_vp_stage, Llama 3's tunable N
   * (arXiv:2407.21783 §3.3.2, Fig. 6). Sets how many micro-batches a stage holds (activations.ts inFlight).
   */
  microbatchGroup?: number;
  /** CUDA context, NCCL/cuBLAS workspaces and allocator fragmentation per GPU (default "4 GiB"). */
  reserve?: string | number | Unit;
  /**
   * Achievable fraction of the dense peak for the matmuls (default: by GPU architecture and
   * precision, datasets/training-efficiency.json; see efficiency.ts).
   */
  efficiency?: number;
  /**
   * Achievable fraction of HBM bandwidth for the memory-bound kernels — norms, activations,
   * residual adds, softmax, FP8 casts, the optimizer step (default 0.8: streaming kernels reach
   * ~85–92 % of HBM peak in BabelStream-class measurements; elementwise kernels on training
   * shapes a little less).
   */
  memoryEfficiency?: number;
  /**
   * Gradient dtype: accumulation buffer and data-parallel reduction. Default: Megatron-LM's rule —
   * fp32 for bf16 and fp8 (bf16's 8-bit significand drops small contributions when micro-batches
   * and replicas are summed, so Megatron-LM sets accumulate_allreduce_grads_in_fp32 for bf16
   * unless --grad-reduce-in-bf16 is given: megatron/training/arguments.py), the compute dtype for
   * fp16 (loss-scaled fp16 gradients, as in ZeRO's 16 B/param) and fp32. "bf16" models PyTorch
   * FSDP with reduce_dtype bf16 or Megatron's --grad-reduce-in-bf16: 2 B/param and half the DP traffic.
   */
  gradDtype?: GradDtype | string;
  /** Lifetime of the gradient buffer (default "persistent"; see GradBuffer). */
  gradBuffer?: GradBuffer | string;
  /** Achievable fraction of link bandwidth for collectives (default 0.8). */
  linkEfficiency?: number;
  /**
   * Goodput: the fraction of a run's wall-clock time spent training, after failures, restarts,
   * checkpoints and evaluation (default 0.9: Llama 3 reports "higher than 90 % effective
   * training time" over a 54-day snapshot, Dubey et al. 2024, arXiv:2407.21783 §3.3.4).
   * Divides time().wall and gpuHours; step() is unaffected.
   */
  goodput?: number;
  /** Count attention FLOPs over the causal triangle (default) or the full s × s square (Narayanan et al.'s convention). */
  attentionFlops?: "causal" | "full";
  /** Tokens of the whole run, for time() when not passed there. */
  tokens?: number;
}

/** The option names `train({...})` accepts (a misspelt one is refused, not ignored). */
/** Every option `train()` takes, one entry per key of TrainOptions (the compiler checks it is complete). */
const TRAIN_OPTION_SET: Readonly<Record<keyof TrainOptions, true>> = {
  seq: true, microBatch: true, globalBatch: true, accumulation: true, precision: true, fp8Recipe: true, optimizer: true, zero: true, recompute: true,
  sequenceParallel: true, flashAttention: true, dropout: true, activationBytes: true, tp: true, pp: true, dp: true, ep: true, schedule: true, interleave: true, microbatchGroup: true, reserve: true,
  efficiency: true, memoryEfficiency: true, gradDtype: true, gradBuffer: true, linkEfficiency: true, goodput: true, attentionFlops: true, tokens: true,
};
export const TRAIN_OPTION_KEYS = Object.keys(TRAIN_OPTION_SET) as readonly (keyof TrainOptions)[];

export interface TrainConfig {
  readonly seq: number;
  readonly microBatch: number;
  /** Micro-batches per replica per optimizer step (gradient accumulation). */
  readonly accumulation: number;
  readonly globalBatchGiven: boolean;
  readonly precision: TrainPrecision;
  readonly fp8Recipe: Fp8Recipe;
  readonly optimizer: Optimizer;
  readonly zero: ZeroStage;
  readonly recompute: Recompute;
  readonly sequenceParallel: boolean;
  readonly flashAttention: boolean;
  readonly dropout: boolean;
  readonly activationBytes: number;
  readonly tp: number;
  readonly pp: number;
  readonly dp: number;
  /** Expert-parallel degree (1: experts split like the dense layers, over tp). */
  readonly ep: number;
  /** The busiest expert GPU's routed load over the mean (1: uniform routing). */
  readonly epImbalance: number;
  readonly schedule: Schedule;
  readonly interleave: number;
  /** Interleaved pipeline: micro-batches per model chunk run back to back (N; default pp). */
  readonly microbatchGroup: number;
  readonly reserve: number;
  /** The matmuls' fraction of the dense peak; undefined: the default for the cluster's GPU (efficiency.ts). */
  readonly efficiency: number | undefined;
  readonly memoryEfficiency: number;
  readonly gradDtype: GradDtype;
  readonly gradBuffer: GradBuffer;
  readonly linkEfficiency: number;
  readonly goodput: number;
  readonly attentionFlops: "causal" | "full";
  readonly tokens: number | undefined;
}

function bool(v: unknown, name: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== "boolean") throw new SuanliError("bad-argument", `${name} must be true or false, got ${show(v)}`, { value: v, expected: "boolean" });
  return v;
}

function unknownName(v: unknown, allowed: readonly string[], what: string): never {
  throw new SuanliError(what === "precision" ? "unknown-precision" : "bad-argument", `unknown training ${what} ${show(v)}; accepted: ${allowed.join(", ")}`, {
    value: v,
    expected: allowed.join(", "),
  });
}

function keyword<T extends string>(v: unknown, allowed: readonly T[], what: string, dflt: T): T {
  if (v === undefined) return dflt;
  const k = typeof v === "string" ? v.toLowerCase() : v;
  if (typeof k !== "string" || !allowed.includes(k as T)) unknownName(v, allowed, what);
  return k as T;
}

/** Validate and default the options; `layout` (from a cluster) overrides tp/pp/dp. */
export function readTrainOptions(o: TrainOptions, layout?: { tp: number; pp: number; dp: number; ep?: number; epImbalance?: number }): TrainConfig {
  if (!o || typeof o !== "object") throw new SuanliError("bad-argument", `train(options) needs an object like { seq: 4096, microBatch: 1 }, got ${show(o)}`, { value: o });
  checkKeys(o, TRAIN_OPTION_KEYS, "train");
  const seq = positiveInt(o.seq, "seq");
  const microBatch = positiveInt(o.microBatch ?? 1, "microBatch");
  const tp = layout ? layout.tp : positiveInt(o.tp ?? 1, "tp");
  const pp = layout ? layout.pp : positiveInt(o.pp ?? 1, "pp");
  const dp = layout ? layout.dp : positiveInt(o.dp ?? 1, "dp");
  const ep = layout ? (layout.ep ?? 1) : positiveInt(o.ep ?? 1, "ep");
  if (ep > 1 && (ep % tp !== 0 || (tp * dp) % ep !== 0)) {
    throw new SuanliError("bad-parallelism", `ep ${ep} must be a multiple of tp ${tp} and divide tp × dp = ${tp * dp} (the GPUs of a pipeline stage)`, { value: ep, expected: `a multiple of ${tp} dividing ${tp * dp}` });
  }
  const schedule = keyword(o.schedule, SCHEDULES, "schedule", "1f1b");
  if (schedule === "dualpipe" && pp > 1 && pp % 2 !== 0) {
    throw new SuanliError("bad-parallelism", `schedule "dualpipe" needs an even pp (stages pair up from both ends), got pp ${pp}`, { value: pp, expected: "an even pp" });
  }
  let accumulation: number;
  if (o.globalBatch !== undefined) {
    const gb = positiveInt(o.globalBatch, "globalBatch");
    if (gb % (microBatch * dp) !== 0) {
      throw new SuanliError(
        "bad-parallelism",
        `globalBatch ${gb} is not divisible by microBatch × dp = ${microBatch} × ${dp} = ${microBatch * dp}; use a multiple of ${microBatch * dp}`,
        { value: { globalBatch: gb, microBatch, dp }, expected: `a multiple of ${microBatch * dp}` },
      );
    }
    accumulation = gb / (microBatch * dp);
    if (o.accumulation !== undefined && positiveInt(o.accumulation, "accumulation") !== accumulation) {
      throw new SuanliError("bad-argument", `accumulation ${o.accumulation} contradicts globalBatch ${gb} = microBatch ${microBatch} × dp ${dp} × ${accumulation}; give one of them`, { value: o.accumulation });
    }
  } else {
    accumulation = positiveInt(o.accumulation ?? 1, "accumulation");
  }
  const zero = o.zero ?? 0;
  if (zero !== 0 && zero !== 1 && zero !== 2 && zero !== 3) {
    throw new SuanliError("bad-argument", `zero must be a ZeRO stage 0, 1, 2 or 3, got ${show(zero)}`, { value: zero, expected: "0, 1, 2, 3" });
  }
  const activationBytes = o.activationBytes ?? 2;
  if (typeof activationBytes !== "number" || !(activationBytes > 0) || !Number.isFinite(activationBytes)) {
    throw new SuanliError("bad-argument", `activationBytes must be a number > 0, got ${show(activationBytes)}`, { value: activationBytes });
  }
  const cfg: TrainConfig = {
    seq,
    microBatch,
    accumulation,
    globalBatchGiven: o.globalBatch !== undefined,
    precision: keyword(o.precision, TRAIN_PRECISIONS, "precision", "bf16"),
    fp8Recipe: keyword(o.fp8Recipe, FP8_RECIPES, "fp8 recipe", "transformer-engine"),
    optimizer: keyword(o.optimizer, OPTIMIZERS, "optimizer", "adam"),
    zero,
    recompute: keyword(o.recompute, RECOMPUTE, "recompute", "selective"),
    sequenceParallel: bool(o.sequenceParallel, "sequenceParallel", true),
    flashAttention: bool(o.flashAttention, "flashAttention", true),
    dropout: bool(o.dropout, "dropout", false),
    activationBytes,
    tp,
    pp,
    dp,
    ep,
    epImbalance: layout?.epImbalance ?? 1,
    schedule,
    interleave: positiveInt(o.interleave ?? 1, "interleave"),
    microbatchGroup: microbatchGroup(o, pp),
    reserve: parseQuantity(o.reserve ?? "4 GiB", "bytes", "reserve"),
    efficiency: o.efficiency === undefined ? undefined : unitFraction(o.efficiency, "efficiency"),
    memoryEfficiency: unitFraction(o.memoryEfficiency ?? 0.8, "memoryEfficiency"),
    gradDtype: keyword(o.gradDtype, GRAD_DTYPES, "gradient dtype", defaultGradDtype(keyword(o.precision, TRAIN_PRECISIONS, "precision", "bf16"))),
    gradBuffer: keyword(o.gradBuffer, GRAD_BUFFERS, "gradient buffer", "persistent"),
    linkEfficiency: unitFraction(o.linkEfficiency ?? 0.8, "linkEfficiency"),
    goodput: unitFraction(o.goodput ?? 0.9, "goodput"),
    attentionFlops: oneOf(o.attentionFlops ?? "causal", ["causal", "full"], "attentionFlops"),
    tokens: o.tokens === undefined ? undefined : positiveNumberOf(o.tokens, "tokens"),
  };
  return Object.freeze(cfg);
}

/** Megatron-LM's gradient dtype for a training precision (see TrainOptions.gradDtype). */
export function defaultGradDtype(p: TrainPrecision): GradDtype {
  return p === "fp16" ? "fp16" : "fp32";
}

function positiveNumberOf(v: unknown, name: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw new SuanliError("bad-argument", `${name} must be a finite number > 0, got ${show(v)}`, { value: v });
  return v;
}

/** Sequences per optimizer step over all replicas. */
export function globalBatchOf(c: TrainConfig): number {
  return c.microBatch * c.dp * c.accumulation;
}

/**
 * Meta's N / Megatron-Core's microbatch_group_size_per_vp_stage (default pp): it only shapes the
 * interleaved schedule, so giving it without interleave ≥ 2 is refused rather than ignored.
 */
function microbatchGroup(o: TrainOptions, pp: number): number {
  if (o.microbatchGroup !== undefined && (o.interleave ?? 1) < 2) {
    throw new SuanliError("bad-argument", `microbatchGroup ${show(o.microbatchGroup)} shapes the interleaved pipeline schedule only; with interleave ${o.interleave ?? 1} it changes nothing — give interleave ≥ 2 or drop it`, { value: o.microbatchGroup, expected: "interleave ≥ 2 with microbatchGroup" });
  }
  return positiveInt(o.microbatchGroup ?? pp, "microbatchGroup");
}
