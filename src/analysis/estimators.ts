/**
 * Fast estimators for sweeps: the kit's formulas bound once to a model and a GPU, taking and
 * returning plain numbers in base units (bytes, FLOP, s) — no Quantity, no Unit, no allocation
 * beyond the small options object `kvBytes` takes. This is the path that sweeps a million rows
 * a second; the Quantity API (`model.kv(...)`, `.explain()`) gives the same numbers with their
 * derivations.
 *
 * - KV bytes: model/kv.ts `kvBytes` (per layer, windows and StreamingLLM included).
 * - Decode step time: a roofline (Williams, Waterman & Patterson, CACM 2009) over `tp` GPUs,
 *     t = max( (W + KV) / (tp × BW × η_mem),  B × F(ctx) / (tp × peak × η_compute) )
 *   with F(ctx) from model/flops.ts `decodeFlops` and the efficiencies of
 *   inference/efficiency.ts. Tensor-parallel communication is not counted here (see
 *   inference/tpBound.ts for when the links bind).
 * - Fits: W + KV ≤ tp × memory (activations and runtime reserve not counted).
 * - Training state bytes per GPU under ZeRO with mixed-precision Adam, 16 B/param
 *   (2 weights + 2 gradients + 12 optimizer): stage 0: 16Ψ; 1: 4Ψ + 12Ψ/N; 2: 2Ψ + 14Ψ/N;
 *   3: 16Ψ/N (Rajbhandari et al. 2020, "ZeRO", arXiv:1910.02054 §5, Figure 1).
 */
import { SuanliError, show } from "../errors.js";
import type { Gpu } from "../hardware/gpu.js";
import { bytesOf, dtype as readDtype, type Dtype } from "../hardware/precision.js";
import { DEFAULT_EFFICIENCY, withEfficiency, type Efficiency } from "../inference/efficiency.js";
import { decodeFlops } from "../model/flops.js";
import { kvBytes } from "../model/kv.js";
import { matmulParams } from "../model/params.js";
import type { Model } from "../model/model.js";
import { checkKeys, positiveInt } from "../validate.js";

export interface EstimatorOptions {
  /** weight dtype (default fp16) */
  weights?: Dtype | string;
  /** KV-cache dtype (default fp16) */
  kv?: Dtype | string;
  /** tensor-parallel degree: weights, KV, bandwidth and FLOP/s split over `tp` GPUs (default 1) */
  tp?: number;
  /** achievable fractions of peak (default inference/efficiency.ts DEFAULT_EFFICIENCY) */
  efficiency?: Partial<Efficiency>;
}

/** Largest batch or context the estimators take (2^53 − 1: exact integers). */
const MAX = Number.MAX_SAFE_INTEGER;
function badSize(batch: number, seq: number): never {
  const [name, v] = batch >= 0 && batch <= MAX ? ["seq", seq] : ["batch", batch];
  throw new SuanliError("bad-argument", `estimators: ${name} must be a number ≥ 0, got ${show(v)}`, { value: v, expected: "0 ≤ x ≤ 2^53 − 1" });
}

/** Plain-number estimators bound to one model on one GPU (see the module comment). */
export interface Estimators {
  readonly model: string;
  readonly gpu: string;
  /** weight bytes, whole model */
  readonly weightBytes: number;
  /** KV-cache bytes for `batch` sequences of `seq` tokens */
  kvBytes(batch: number, seq: number): number;
  /** FLOPs of one decode step for `batch` sequences at context `ctx` */
  decodeFlops(batch: number, ctx: number): number;
  /** seconds per decode step (one token for each of `batch` sequences) */
  decodeTime(batch: number, ctx: number): number;
  /** whether weights + KV fit in the tp GPUs' memory */
  fits(batch: number, seq: number): boolean;
  /** training-state bytes per GPU under ZeRO `stage` over `dp` data-parallel GPUs */
  trainStateBytes(stage: 0 | 1 | 2 | 3, dp: number): number;
}

/**
 * Bind the fast estimators to a model and a GPU (at the GPU's chosen precision).
 * @example
 * const e = estimators(model("llama2-70b"), gpu("H20").fp8(), { tp: 8 });
 * e.kvBytes(8, 4096) / 2 ** 30 // returns 10
 */
export function estimators(m: Model, g: Gpu, o: EstimatorOptions = {}): Estimators {
  checkKeys(o, ["weights", "kv", "tp", "efficiency"], "estimators");
  const a = m.arch;
  const wBytes = bytesOf(readDtype(o.weights ?? "fp16", "weight dtype"));
  const kvB = bytesOf(readDtype(o.kv ?? "fp16", "KV dtype"));
  const tp = positiveInt(o.tp ?? 1, "tp");
  const eff = withEfficiency(DEFAULT_EFFICIENCY, o.efficiency ?? {});
  const counts = m.paramBreakdown();
  const P = matmulParams(a, counts);
  const W = counts.total * wBytes;
  const peak = g.spec.peak[g.precisionName];
  if (peak === undefined) throw new SuanliError("unsupported-precision", `${g.id} has no ${g.precisionName} peak`, { value: g.precisionName });
  const memBw = tp * g.spec.bandwidth * eff.memory;
  const flops = tp * peak * eff.compute;
  const capacity = tp * g.spec.memory;
  // Without sliding windows KV bytes are B × T × (bytes per token) and decode FLOPs are affine
  // in the context: take the constants from the pure functions once, exactly (integers).
  const dense = a.windows.every((w) => w === null);
  const kvPerToken = kvBytes(a, { batch: 1, seq: 1, bytesPerElement: kvB });
  const f1 = decodeFlops(a, 1, P);
  const fSlope = decodeFlops(a, 2, P) - f1;
  const kv = dense
    ? (batch: number, seq: number) => (batch >= 0 && seq >= 0 && batch <= MAX && seq <= MAX ? batch * seq * kvPerToken : badSize(batch, seq))
    : (batch: number, seq: number) => (batch >= 0 && seq >= 0 && batch <= MAX && seq <= MAX ? kvBytes(a, { batch, seq, bytesPerElement: kvB }) : badSize(batch, seq));
  const stepFlops = dense ? (ctx: number) => f1 + (ctx - 1) * fSlope : (ctx: number) => decodeFlops(a, ctx, P);
  return Object.freeze({
    model: m.id,
    gpu: g.id,
    weightBytes: W,
    kvBytes: kv,
    decodeFlops: (batch: number, ctx: number) => (batch >= 0 && ctx >= 0 && batch <= MAX && ctx <= MAX ? batch * stepFlops(ctx) : badSize(batch, ctx)),
    decodeTime(batch: number, ctx: number) {
      const tm = (W + kv(batch, ctx)) / memBw;
      const tc = (batch * stepFlops(ctx)) / flops;
      return tm > tc ? tm : tc;
    },
    fits: (batch: number, seq: number) => W + kv(batch, seq) <= capacity,
    trainStateBytes(stage: 0 | 1 | 2 | 3, dp: number) {
      const psi = counts.total;
      switch (stage) {
        case 0: return 16 * psi;
        case 1: return 4 * psi + (12 * psi) / dp;
        case 2: return 2 * psi + (14 * psi) / dp;
        case 3: return (16 * psi) / dp;
        default:
          throw new SuanliError("bad-argument", `ZeRO stage must be 0, 1, 2 or 3, got ${show(stage)}`, { value: stage, expected: "0, 1, 2, 3" });
      }
    },
  });
}
