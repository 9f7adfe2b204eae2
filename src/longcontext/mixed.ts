/**
 * One engine step that batches several kinds of work together — decodes at their own context
 * beside prefill chunks — the step in-flight batching and chunked prefill run. The roofline
 * engine (inference/roofline.ts) prices a uniform step { batch, tokens, past }; here each
 * operator's work is summed over the parts, with the weights read once:
 *
 *   FLOPs_op = Σ_parts FLOPs_op(part)
 *   bytes_op = W_op + Σ_parts (bytes_op(part) − W_op)        W_op = bytes of the op at batch 0
 *   t_op     = count × opTime(FLOPs_op ÷ rate_op(M_op), bytes_op ÷ (η_m·HBM), overlap)
 *   M_op     = Σ_parts M_op(part)                            (GEMM rows; inference/roofline.ts)
 *   collectives: one all-reduce over the summed message (latency paid once)
 *   + the engine's fixed per-step and per-layer overhead (inference/overhead.ts)
 *
 * (the mixed batch of Orca, Yu et al. OSDI 2022 §3, and Sarathi-Serve, Agrawal et al. 2024,
 * arXiv:2403.02310 §3). Exact against `engine.stepTime` (what decode() and prefill() report)
 * for a single part at pp = 1, under the engine's kernels (overlap, KV reads, dequantization) and overhead; for MoE layers the
 * experts touched are summed per part (an upper bound). With pp > 1 each part's batch is split
 * into pp micro-batches and the stage time multiplied by pp (stage hand-offs are not counted).
 */
import type { CollectiveKind } from "../hardware/collectives.js";
import type { InferenceEngine } from "../inference/engine.js";
import { forEachOp, type OpClass, type Step } from "../inference/ops.js";
import { commTime, computeRate, dequantTime, launchTime, memoryRate, type Rates } from "../inference/roofline.js";
import { epHidden, opTime } from "../inference/kernels.js";
import { computeStretch, halves, splitsInTwo, twoBatchTime } from "../inference/twoBatch.js";
import { overheadTime } from "../inference/overhead.js";
import { kernelLayers } from "../inference/layerKernels.js";

/** Time and work of a mixed step (seconds, FLOP and bytes are per GPU of the busiest stage). */
export interface MixedStep {
  /** Step time, s. */
  time: number;
  /** Of which in attention operators, s. */
  attention: number;
  /** Of which in collectives, s. */
  link: number;
  /** FLOPs of the step on one GPU. */
  flops: number;
  /** HBM bytes of the step on one GPU. */
  bytes: number;
}

export interface OpSlot {
  cls: OpClass;
  rows: number;
  count: number;
  comm: CollectiveKind | undefined;
  weights: number;
  /** Weight elements read at batch 0, and those the parts add (dequantized by weight-only formats). */
  elements: number;
  /** Fixed GEMM latency of one instance (roofline.ts launchTime). */
  launch: number;
  flops: number;
  bytes: number;
  commBytes: number;
}

/** The operator slots of engine `e` with their weight bytes (the op at batch 0). */
function slots(e: InferenceEngine, r: Rates): OpSlot[] {
  const out: OpSlot[] = [];
  forEachOp(e.shard, e.state.dtypes, { batch: 0, tokens: 1, past: 0 }, (name, cls, count, _f, bytes, comm, _cb, _rows, weights) => {
    out.push({ cls, count, comm, weights: bytes, elements: weights ?? 0, launch: launchTime(name, e.shard, r), flops: 0, bytes: 0, commBytes: 0, rows: 0 });
  }, e.kernels().kvReads, e.kernels().moe, e.kernels().lmHead, r.operand);
  return out;
}

/**
 * Rates of engine `e` with attention at `attentionPeak` FLOP/s (e.g. the FP8 peak for FP8 FMHA),
 * at the same achievable fraction as its GEMMs (efficiency × the generation's factor).
 */
export function ratesWithAttention(e: InferenceEngine, attentionPeak: number): Rates {
  const r = e.rates();
  return { ...r, attention: attentionPeak * (r.gemm / e.gpu.peak().value) };
}

/**
 * Time of one step running every part of `parts` together on engine `e` (see the module
 * comment). Parts with batch 0 are skipped; an empty step costs 0.
 * @example mixedStep(e, [{ batch: 32, tokens: 1, past: 4095 }, { batch: 1, tokens: 512, past: 1024 }]).time
 */
export function mixedStep(e: InferenceEngine, parts: readonly Step[], r: Rates = e.rates()): MixedStep {
  const w = stepWork(e, parts, r);
  return w.live ? priceWork(e, w, r) : { time: 0, attention: 0, link: 0, flops: 0, bytes: 0 };
}

/** The work of a step, summed per operator over its parts, before it is priced (stepWork). */
export interface StepWork {
  readonly ops: OpSlot[];
  /** Sequences the step runs (per micro-batch with pp > 1), for the per-sequence overhead. */
  readonly sequences: number;
  /** Parts with work (batch > 0 and tokens > 0). */
  readonly live: number;
  /** Under kernels.epOverlap "two-batch", the work of the step's two micro-batches (inference/twoBatch.ts). */
  readonly halves?: readonly [StepWork, StepWork];
}

/**
 * The operators of a step of `parts` with their work summed over the parts and the weights
 * counted once (the module comment's FLOPs_op, bytes_op, M_op); with no live part, the
 * operators at batch 0 (their weights alone).
 */
export function stepWork(e: InferenceEngine, parts: readonly Step[], r: Rates, split?: boolean): StepWork {
  const pp = e.shard.pp;
  const live = parts.filter((part) => part.batch > 0 && part.tokens > 0).map((part) => (pp > 1 ? { ...part, batch: Math.ceil(part.batch / pp) } : part));
  const w = sumWork(e, live, r);
  if (!(split ?? splitsInTwo(e.shard, e.kernels(), w.sequences))) return w;
  // two micro-batches of half the sequences: each part's odd sequence goes to A and B in turn
  const a: Step[] = [];
  const b: Step[] = [];
  let odd = 0;
  for (const p of live) {
    const [hi, lo] = halves(p.batch);
    const first = hi === lo || odd++ % 2 === 0;
    a.push({ ...p, batch: first ? hi : lo });
    b.push({ ...p, batch: first ? lo : hi });
  }
  return { ...w, halves: [sumWork(e, a, r), sumWork(e, b, r)] };
}

/** stepWork of `parts`, each already one micro-batch's (pp applied), run whole. */
function sumWork(e: InferenceEngine, parts: readonly Step[], r: Rates): StepWork {
  const ops = slots(e, r);
  const base = ops.map((s) => s.elements);
  let sequences = 0;
  let live = 0;
  for (const p of parts) {
    if (!(p.batch > 0 && p.tokens > 0)) continue;
    live++;
    sequences += p.batch;
    let i = 0;
    forEachOp(e.shard, e.state.dtypes, p, (_n, _cls, _count, flops, bytes, _comm, commBytes, rows, weights) => {
      const s = ops[i]!;
      s.elements += (weights ?? 0) - base[i++]!;
      s.rows += rows ?? 0;
      s.flops += flops;
      s.bytes += bytes - s.weights;
      s.commBytes += commBytes ?? 0;
    }, e.kernels().kvReads, e.kernels().moe, e.kernels().lmHead, r.operand);
  }
  return { ops, sequences, live };
}

/** Price the summed work `w` of a step (stepWork) on engine `e`: the module comment's t_op, collectives and overhead. */
export function priceWork(e: InferenceEngine, w: StepWork, r: Rates): MixedStep {
  const pp = e.shard.pp;
  const fixed = overheadTime(e.overhead(), kernelLayers(e.shard), w.sequences);
  let out: MixedStep;
  if (w.halves) {
    // two micro-batches joined layer by layer (inference/twoBatch.ts), as roofline.ts stepTime
    const [a, b] = w.halves.map((h) => priceOps(e, h, r));
    const half = (h: typeof a) => ({ compute: h!.time - h!.a2a, comm: h!.a2a, bound: h!.bound });
    const t = twoBatchTime(half(a), half(b), a!.a2aCount / 2, computeStretch(e.kernels(), r.sms));
    const link = t - (a!.time - a!.link) - (b!.time - b!.link);
    out = { time: fixed + t, attention: a!.attention + b!.attention, link, flops: a!.flops + b!.flops, bytes: a!.bytes + b!.bytes };
  } else {
    const o = priceOps(e, w, r);
    // the share of the expert-parallel all-to-all the other micro-batch hides (kernels.ts epOverlap)
    const hidden = epHidden(o.a2a, o.time - o.link, e.kernels().epOverlap);
    out = { time: fixed + o.time - hidden, attention: o.attention, link: o.link - hidden, flops: o.flops, bytes: o.bytes };
  }
  if (pp > 1) {
    out.time *= pp;
    out.attention *= pp;
    out.link *= pp;
  }
  return out;
}

/**
 * The operators of `w` priced whole (no overhead, no overlap, one stage), with the all-to-all's
 * seconds and instances and the compute-bound operators' seconds (`bound`).
 */
function priceOps(e: InferenceEngine, w: StepWork, r: Rates): MixedStep & { a2a: number; a2aCount: number; bound: number } {
  const k = e.kernels();
  const out = { time: 0, attention: 0, link: 0, flops: 0, bytes: 0, a2a: 0, a2aCount: 0, bound: 0 };
  for (const s of w.ops) {
    if (s.cls === "collective") {
      const t = s.count * commTime(s.comm!, s.commBytes, e.shard, r, k);
      if (s.comm === "allToAll") {
        out.a2a += t;
        out.a2aCount += s.count;
      }
      out.link += t;
      out.time += t;
      continue;
    }
    const bytes = s.weights + s.bytes;
    const tc = (s.flops > 0 ? s.flops / computeRate(s.cls, s.rows, r, k) : 0) + dequantTime(s.elements, r, k);
    const tm = bytes / memoryRate(s.cls, r, k);
    const t = s.count * (opTime(tc, tm, k.overlap) + s.launch);
    if (tc >= tm) out.bound += t;
    if (s.cls === "attention" || s.cls === "indexer") out.attention += t;
    out.time += t;
    out.flops += s.count * s.flops;
    out.bytes += s.count * bytes;
  }
  return out;
}

/** Decode step of `batch` sequences at `context` tokens, as a Step. */
export function decodePart(batch: number, context: number): Step {
  return { batch, tokens: 1, past: Math.max(0, context - 1) };
}
