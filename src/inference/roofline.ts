/**
 * The roofline of one step: each operator takes the slower of its compute and memory time,
 * plus the part of the faster one its kernel does not hide (kernels.ts; overlap = 1 is the
 * classic roofline),
 *
 *   t_c = FLOPs / (η_c · peak),  t_m = bytes / (η_m · HBM bandwidth)
 *   t_op = count × ( max(t_c, t_m) + (1 − overlap) · min(t_c, t_m) )
 *
 * (Williams, Waterman & Patterson, "Roofline", CACM 52(4) 2009); the GEMM rate depends on the
 * GEMM's rows M (tokens after batching) and MoE grouped GEMMs run at their own fraction
 * (computeRate, memoryRate; kernels.ts); collectives take the engine's all-reduce algorithm's
 * time over the tensor-parallel link (hardware/collectives.ts), and the step is the sum — the
 * engines modelled here do not overlap tensor-parallel all-reduces with compute in decode. The
 * expert-parallel all-to-all runs the engine's algorithm (kernels.allToAll) over the EP group's
 * link, and kernels.epOverlap of it, up to the step's other time, hides behind the other
 * micro-batch's compute (two-micro-batch overlap, kernels.ts); under "two-batch" the step is
 * priced as its two micro-batches, joined by twoBatch.ts.
 * GEMMs run at the Gpu's chosen precision; attention runs at its 16-bit tensor-core peak
 * (FlashAttention-style kernels compute QKᵀ and AV in fp16/bf16). Each GEMM launch adds the
 * part's fixed per-GEMM latency, t_op += count × launches(op) × gemmLatency (launches.ts;
 * kernels.ts gemmLatency; 0 on parts without a measured figure).
 */
import { allToAllTime, collectiveTime, wireBytes, type CollectiveKind } from "../hardware/collectives.js";
import type { LinkPath } from "../hardware/cluster.js";
import type { Dtypes } from "./dtypes.js";
import type { Efficiency } from "./efficiency.js";
import { IDEAL_KERNELS, epHidden, groupedFraction, opTime, shapeFactor, type Kernels } from "./kernels.js";
import { computeStretch, halves, splitsInTwo, twoBatchTime } from "./twoBatch.js";
import { forEachOp, type OpClass, type Step } from "./ops.js";
import { launchCounts } from "./launches.js";
import { remoteNodesTouched, type Shard } from "./shard.js";

export type Bound = "compute" | "memory" | "link";

/** Achievable rates of one GPU, already multiplied by the efficiencies. */
export interface Rates {
  /** GEMM FLOP/s: η_c × dense peak at the compute precision. */
  readonly gemm: number;
  /** Attention FLOP/s: η_c × 16-bit dense peak. */
  readonly attention: number;
  /** DSA indexer FLOP/s: η_c × FP8 dense peak where the GPU has one (else the attention rate). */
  readonly indexer?: number;
  /** HBM B/s: η_m × bandwidth. */
  readonly memory: number;
  readonly link: LinkPath;
  readonly linkEfficiency: number;
  /** The expert-parallel group's link (all-to-all), when ep > 1. */
  readonly epLink?: LinkPath;
  /** When the EP group spans nodes: its ranks per node and their in-node link (a forwarded all-to-all). */
  readonly epNode?: { readonly size: number; readonly link: LinkPath };
  /**
   * Vector (CUDA-core) op/s that dequantize weight-only formats: η_c × the FP32 vector peak, or
   * 0 when the weights are stored in the compute precision (nothing to dequantize; kernels.ts).
   */
  readonly dequant: number;
  /**
   * Bytes per GEMM operand element at the compute precision (kernels.ts operandBytes): a weight
   * class stored narrower than this is dequantized (ops.ts); 0: none is.
   */
  readonly operand: number;
  /** Fixed seconds each GEMM launch adds beyond its roofline (kernels.ts gemmLatency); 0 or absent: none. */
  readonly gemmLatency?: number;
  /**
   * Seconds each separate activation-quantize launch adds on top of gemmLatency, for the dense
   * and the expert weight classes (launches.ts quantizeLatency); absent: none.
   */
  readonly quantizeLatency?: { readonly dense: number; readonly experts: number };
  /** The part's SM count, when ep > 1 and the catalog has it (the SMs an all-to-all holds; twoBatch.ts). */
  readonly sms?: number;
}

/**
 * Rates from raw peaks and an efficiency; `factor` (default 1) scales the compute efficiency for
 * the GPU's generation and precision (efficiency.ts computeFactor); `peak8` is the FP8 peak the
 * DSA indexer runs at; `vector` (default 0: no weights need dequantization) is the vector peak
 * that dequantizes weight-only formats, and `operand` the compute precision's operand bytes.
 * `factor16` and `factor8` (default `factor`) are the generation's factors at the precisions
 * the attention (16-bit) and the indexer (FP8) run at, where they differ from the GEMMs';
 * `gemmLatency` (default 0) the fixed seconds per GEMM launch.
 */
export function rates(peak: number, peak16: number, bandwidth: number, link: LinkPath, eff: Efficiency, factor = 1, peak8 = peak16, vector = 0, operand = 0, factor16 = factor, factor8 = factor, gemmLatency = 0): Rates {
  const c = eff.compute;
  return { gemm: peak * c * factor, attention: peak16 * c * factor16, indexer: peak8 * c * factor8, memory: bandwidth * eff.memory, link, linkEfficiency: eff.link, dequant: vector * eff.compute, operand, gemmLatency };
}

/** Seconds of fixed GEMM latency one instance of operator `name` adds on shard `s` (launches.ts). */
export function launchTime(name: string, s: Shard, r: Rates): number {
  const q = r.quantizeLatency;
  if (!r.gemmLatency && !q) return 0;
  const [gemms, quantizes] = launchCounts(name, s);
  return gemms * (r.gemmLatency ?? 0) + (q ? quantizes * (name === "experts" ? q.experts : q.dense) : 0);
}

/** Seconds a GEMM reading `weights` weight elements spends dequantizing them (0 when none). */
export function dequantTime(weights: number | undefined, r: Rates, k: Kernels): number {
  return weights !== undefined && r.dequant > 0 ? (weights * k.dequant) / r.dequant : 0;
}

/**
 * Compute rate of one operator (FLOP/s): attention at the 16-bit rate; GEMMs at the GEMM rate
 * × M ÷ (M + halfM) for M rows; MoE grouped GEMMs further × grouped ÷ imbalance, grouped the flat
 * fraction or, under "tiles", the expert's tile padding (kernels.ts groupedFraction).
 * A weight-only GEMM adds its dequantization (dequantTime) to the compute time.
 */
export function computeRate(cls: OpClass, rows: number | undefined, r: Rates, k: Kernels): number {
  if (cls === "attention") return r.attention;
  if (cls === "indexer") return r.indexer ?? r.attention;
  if (cls === "gemm") return r.gemm * shapeFactor(rows, k.halfM);
  if (cls === "grouped") return (r.gemm * groupedFraction(rows, k.grouped) * shapeFactor(rows, k.halfM)) / k.imbalance;
  return r.gemm;
}

/**
 * Memory rate of one operator (B/s): HBM × η_m for every class — a grouped GEMM streams each
 * touched expert's weights as one contiguous block of megabytes, at the dense rate.
 */
export function memoryRate(_cls: OpClass, r: Rates, _k: Kernels): number {
  return r.memory;
}

/**
 * Seconds of one collective of the step under rates `r` and kernels `k`: all-to-alls over the
 * expert-parallel group (its own link; expertAllToAll), the rest over tensor parallel with the
 * engine's all-reduce algorithm (k.allReduce).
 */
export function commTime(comm: CollectiveKind, bytes: number, s: Shard, r: Rates, k: Kernels): number {
  return comm === "allToAll" ? expertAllToAll(bytes, s, r, k) : collectiveTime(comm, bytes, s.tp, r.link, r.linkEfficiency, k.allReduce ?? undefined);
}

/**
 * One expert-parallel all-to-all of S = `bytes` per rank (k routed copies of each token). "ring"
 * and "direct" run over the group's link (allToAllTime). "forwarded", over a group of g ranks per
 * node on ν = ep / g > 1 nodes, is DeepEP's normal kernels (github.com/deepseek-ai/DeepEP,
 * docs/legacy.md: forwarding from the NVLink to the RDMA domain, for training and inference
 * prefilling; the low-latency kernels of decoding are pure RDMA, "direct"), the scheme of
 * DeepSeek-V3 §3.2.2: a token crosses the network once per remote node holding one of its
 * experts (remoteNodesTouched, R) and is spread over NVLink there, the two at once —
 *
 *   t = max( (g−1)/g × S ÷ (η·B_node) + (g−1)·α_node,  R/k × S ÷ (η·B_net) + α_net )
 *
 * as hardware/alltoall.ts's node-limited all-to-all, with one start-up on the network as "direct".
 */
export function expertAllToAll(bytes: number, s: Shard, r: Rates, k: Kernels): number {
  const node = r.epNode;
  const moe = s.arch.moe;
  if (k.allToAll !== "forwarded" || node === undefined || moe === undefined || s.ep <= node.size || bytes <= 0) {
    return allToAllTime(bytes, s.ep, r.epLink ?? r.link, r.linkEfficiency, k.allToAll === "ring" ? "ring" : "direct");
  }
  const g = node.size;
  const off = remoteNodesTouched(moe.experts, moe.active, s.ep / g, moe.groups, moe.topkGroups) / moe.active;
  const net = r.epLink ?? r.link;
  const intra = g > 1 ? (((g - 1) / g) * bytes) / (r.linkEfficiency * node.link.perDirection) + (g - 1) * node.link.latency : 0;
  return Math.max(intra, (off * bytes) / (r.linkEfficiency * net.perDirection) + net.latency);
}

/** Time split of a step by what binds each operator (seconds). */
export interface StepTime {
  total: number;
  compute: number;
  memory: number;
  link: number;
  /** Fixed per-step overhead (overhead.ts), when the caller adds it; absent or 0 otherwise. */
  overhead?: number;
}

/**
 * Fast path: the step's time and its split, no per-op allocation. `k` (default: the classic
 * roofline, IDEAL_KERNELS) sets the compute/memory overlap and the attention KV reads; the
 * time an operator's kernel does not overlap is booked to what binds it.
 */
export function stepTime(s: Shard, dt: Dtypes, step: Step, r: Rates, k: Kernels = IDEAL_KERNELS): StepTime {
  if (splitsInTwo(s, k, step.batch)) {
    // two micro-batches (twoBatch.ts): each half a whole step, joined layer by layer
    const [a, b] = halves(step.batch).map((batch) => {
      const a2a = { time: 0, count: 0 };
      return { t: wholeStep(s, dt, { ...step, batch }, r, k, a2a), a2a };
    }) as [{ t: StepTime; a2a: { time: number; count: number } }, { t: StepTime; a2a: { time: number; count: number } }];
    const half = (h: typeof a) => ({ compute: h.t.total - h.a2a.time, comm: h.a2a.time, bound: h.t.compute });
    const total = twoBatchTime(half(a), half(b), a.a2a.count / 2, computeStretch(k, r.sms));
    const compute = a.t.compute + b.t.compute;
    const memory = a.t.memory + b.t.memory;
    return { total, compute, memory, link: total - compute - memory, overhead: 0 };
  }
  return wholeStep(s, dt, step, r, k, { time: 0, count: 0 });
}

/** stepTime of the step run whole; `a2a` receives its all-to-all seconds and instances. */
function wholeStep(s: Shard, dt: Dtypes, step: Step, r: Rates, k: Kernels, a2aOut: { time: number; count: number }): StepTime {
  // every field present from the start: one object shape on the hot path
  const out: StepTime = { total: 0, compute: 0, memory: 0, link: 0, overhead: 0 };
  let a2a = 0;
  forEachOp(s, dt, step, (name, cls, count, flops, bytes, comm, commBytes, rows, weights) => {
    if (cls === "collective") {
      const t = count * commTime(comm!, commBytes!, s, r, k);
      if (comm === "allToAll") {
        a2a += t;
        a2aOut.count += count;
      }
      out.link += t;
      out.total += t;
      return;
    }
    // the same rates stepRows and mixedStep use (computeRate, memoryRate, dequantTime)
    const tc = (flops > 0 ? flops / computeRate(cls, rows, r, k) : 0) + dequantTime(weights, r, k);
    const tm = bytes / memoryRate(cls, r, k);
    const t = count * (opTime(tc, tm, k.overlap) + launchTime(name, s, r));
    if (tc >= tm) out.compute += t;
    else out.memory += t;
    out.total += t;
  }, k.kvReads, k.moe, k.lmHead, r.operand);
  a2aOut.time = a2a;
  const hidden = epHidden(a2a, out.total - out.link, k.epOverlap);
  out.link -= hidden;
  out.total -= hidden;
  return out;
}

/** What binds a step: the class holding the largest share of its time. */
export function boundOf(t: StepTime): Bound {
  if (t.link >= t.compute && t.link >= t.memory) return "link";
  return t.compute >= t.memory ? "compute" : "memory";
}

/** One operator of the breakdown, summed over the layers it occurs in (seconds, FLOP, B). */
export interface OpRow {
  op: string;
  cls: OpClass;
  count: number;
  flops: number;
  bytes: number;
  wireBytes: number;
  computeTime: number;
  memoryTime: number;
  linkTime: number;
  time: number;
  bound: Bound;
}

/**
 * The step's operators, aggregated by name, in first-seen order. computeTime and memoryTime
 * are each side's own roofline time; `time` is what the op costs under `k` (kernels.ts).
 */
export function stepRows(s: Shard, dt: Dtypes, step: Step, r: Rates, k: Kernels = IDEAL_KERNELS): OpRow[] {
  if (!splitsInTwo(s, k, step.batch)) return wholeRows(s, dt, [step], r, k);
  // two micro-batches (twoBatch.ts): both halves' operators summed, the all-to-all row less what
  // the other half's compute hides, so the rows add up to stepTime
  const parts = halves(step.batch).map((batch) => ({ ...step, batch }));
  const rows = wholeRows(s, dt, parts, r, k);
  const a2a = rows.find((row) => row.op === "all-to-all");
  if (a2a) a2a.time -= rows.reduce((sum, row) => sum + row.time, 0) - stepTime(s, dt, step, r, k).total;
  return rows;
}

/** The operators of `steps` run whole one after the other, aggregated by name (stepRows). */
function wholeRows(s: Shard, dt: Dtypes, steps: readonly Step[], r: Rates, k: Kernels): OpRow[] {
  const rows = new Map<string, OpRow>();
  for (const step of steps) forEachOp(s, dt, step, (name, cls, count, flops, bytes, comm, commBytes, m, weights) => {
    let row = rows.get(name);
    if (!row) {
      row = { op: name, cls, count: 0, flops: 0, bytes: 0, wireBytes: 0, computeTime: 0, memoryTime: 0, linkTime: 0, time: 0, bound: "memory" };
      rows.set(name, row);
    }
    row.count += count;
    if (cls === "collective") {
      const t = count * commTime(comm!, commBytes!, s, r, k);
      row.wireBytes += count * wireBytes(comm!, commBytes!, comm === "allToAll" ? s.ep : s.tp);
      row.linkTime += t;
      row.time += t;
      row.bound = "link";
      return;
    }
    const tc = (flops > 0 ? flops / computeRate(cls, m, r, k) : 0) + dequantTime(weights, r, k);
    const tm = bytes / memoryRate(cls, r, k);
    row.flops += count * flops;
    row.bytes += count * bytes;
    row.computeTime += count * tc;
    row.memoryTime += count * tm;
    row.time += count * (opTime(tc, tm, k.overlap) + launchTime(name, s, r));
  }, k.kvReads, k.moe, k.lmHead, r.operand);
  let rest = 0;
  for (const row of rows.values()) {
    if (row.cls !== "collective") {
      row.bound = row.computeTime >= row.memoryTime ? "compute" : "memory";
      rest += row.time;
    }
  }
  const a2a = rows.get("all-to-all");
  if (a2a) a2a.time -= epHidden(a2a.linkTime, rest, k.epOverlap);
  return [...rows.values()];
}
