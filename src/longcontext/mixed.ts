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
import { overheadTime } from "../inference/overhead.js";

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

interface OpSlot {
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
  const pp = e.shard.pp;
  const live = parts.filter((p) => p.batch > 0 && p.tokens > 0);
  if (live.length === 0) return { time: 0, attention: 0, link: 0, flops: 0, bytes: 0 };
  const ops = slots(e, r);
  const base = ops.map((s) => s.elements);
  for (const part of live) {
    const p = pp > 1 ? { ...part, batch: Math.ceil(part.batch / pp) } : part;
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
  const k = e.kernels();
  const sequences = live.reduce((n, p) => n + (pp > 1 ? Math.ceil(p.batch / pp) : p.batch), 0);
  const out: MixedStep = { time: overheadTime(e.overhead(), e.shard.layersPerStage, sequences), attention: 0, link: 0, flops: 0, bytes: 0 };
  let a2a = 0;
  let rest = 0;
  for (const s of ops) {
    if (s.cls === "collective") {
      const t = s.count * commTime(s.comm!, s.commBytes, e.shard, r, k);
      if (s.comm === "allToAll") a2a += t;
      out.link += t;
      out.time += t;
      continue;
    }
    const bytes = s.weights + s.bytes;
    const tc = (s.flops > 0 ? s.flops / computeRate(s.cls, s.rows, r, k) : 0) + dequantTime(s.elements, r, k);
    const t = s.count * (opTime(tc, bytes / memoryRate(s.cls, r, k), k.overlap) + s.launch);
    if (s.cls === "attention" || s.cls === "indexer") out.attention += t;
    rest += t;
    out.time += t;
    out.flops += s.count * s.flops;
    out.bytes += s.count * bytes;
  }
  // the share of the expert-parallel all-to-all the other micro-batch hides (kernels.ts epOverlap)
  const hidden = epHidden(a2a, rest, k.epOverlap);
  out.link -= hidden;
  out.time -= hidden;
  if (pp > 1) {
    out.time *= pp;
    out.attention *= pp;
    out.link *= pp;
  }
  return out;
}

/** Decode step of `batch` sequences at `context` tokens, as a Step. */
export function decodePart(batch: number, context: number): Step {
  return { batch, tokens: 1, past: Math.max(0, context - 1) };
}
