/**
 * `estimators(model, device, options)` — the sweep fast path: the inference engine
 * (`model.on(device)`, inference/engine.ts) compiled once for plain-number calls
 * (inference/compiled.ts). Every time, memory figure and refusal is the engine's own: the same
 * operators, tensor/pipeline-parallel communication, kernel overlap, fixed overhead, storage
 * dtypes, KV reads (MLA latents, replicated KV heads) and memory fit (weights, KV, workspace,
 * reserve). Options mirror the engine's builders:
 *
 *   estimators(m, gpu("H20").fp8(), { tp: 8 })
 *     ≡ m.on(cluster(gpu("H20").fp8(), 8).tp(8)).compile()
 *
 * Storage dtypes follow the compute precision exactly as the engine's (inference/dtypes.ts:
 * fp8 compute → fp8 weights and KV); `weights`/`kv` override them. `ideal: true` prices the
 * classic roofline (engine.ideal(): perfect overlap, no fixed overhead) — an optimistic bound.
 *
 * Model-level figures (`kvBytes`, `decodeFlops`) are the model's own functions (model/kv.ts,
 * model/flops.ts) at the engine's KV dtype; per-GPU figures come from the engine.
 */
import { SuanliError, show } from "../errors.js";
import { cluster, type Cluster } from "../hardware/cluster.js";
import type { Gpu } from "../hardware/gpu.js";
import type { Dtype } from "../hardware/precision.js";
import { compile, count, type CompiledEngine } from "../inference/compiled.js";
import { kvBytesPerElement } from "../inference/dtypes.js";
import type { Efficiency } from "../inference/efficiency.js";
import { InferenceEngine } from "../inference/engine.js";
import type { Kernels } from "../inference/kernels.js";
import type { OverheadOptions } from "../inference/overhead.js";
import { decodeFlops } from "../model/flops.js";
import { kvBytes } from "../model/kv.js";
import { matmulParams } from "../model/params.js";
import type { Model } from "../model/model.js";
import { checkKeys, positiveInt } from "../validate.js";

export interface EstimatorOptions {
  /** tensor-parallel degree (default 1); with a Gpu the cluster is tp × pp GPUs */
  tp?: number;
  /** pipeline-parallel degree (default 1) */
  pp?: number;
  /** weight dtype (default: follows the compute precision, as the engine) */
  weights?: Dtype | string;
  /** KV-cache dtype (default: follows the compute precision, as the engine) */
  kv?: Dtype | string;
  /** weights per scale for int4 (default 128) */
  group?: number;
  /** achievable fractions of peak (engine.efficiency) */
  efficiency?: Partial<Efficiency>;
  /** kernel overlap and KV reads (engine.kernels) */
  kernels?: Partial<Kernels>;
  /** fixed overhead (engine.overhead) */
  overhead?: OverheadOptions;
  /** the classic roofline: perfect overlap, no fixed overhead (engine.ideal()) */
  ideal?: boolean;
}

const OPTION_KEYS = ["tp", "pp", "weights", "kv", "group", "efficiency", "kernels", "overhead", "ideal"] as const;

/** Plain-number estimators: the compiled engine plus model-level KV and FLOPs. */
export interface Estimators extends CompiledEngine {
  readonly model: string;
  readonly gpu: string;
  /** "llama2-70b on 8× H20 fp8 (tp 8) · weights fp8 · kv fp8" */
  readonly describe: string;
  /** KV-cache bytes of the whole model for `batch` sequences of `seq` tokens at the engine's KV dtype (= model.kv). */
  kvBytes(batch: number, seq: number): number;
  /** Model FLOPs of one decode step for `batch` sequences at context `ctx` (= batch × model.decodeFlops). */
  decodeFlops(batch: number, ctx: number): number;
  /**
   * The standard decode sweep row (what `suanli sweep` prints): kv_GiB (the model's KV cache),
   * mem_per_gpu_GiB, fits, decode_ms and throughput_tok_s — null timings where it does not fit.
   */
  decodeRow(batch: number, context: number): DecodeRow;
}

/** One row of a decode sweep; see `Estimators.decodeRow`. */
export type DecodeRow = {
  kv_GiB: number;
  mem_per_gpu_GiB: number;
  fits: boolean;
  decode_ms: number | null;
  throughput_tok_s: number | null;
};

/**
 * The engine's arithmetic on plain numbers, for a model on a Gpu or Cluster (or an engine).
 * @example
 * const e = estimators(model("llama2-70b"), gpu("H20").fp8(), { tp: 8 });
 * e.decodeTime(8, 4096)   // seconds per output token — the same number as m.on(…).decode(…).time
 * e.fits(64, 32768)       // weights + KV + workspace + reserve within 96 GiB per GPU?
 */
export function estimators(m: Model | InferenceEngine, device?: Gpu | Cluster | EstimatorOptions, o: EstimatorOptions = {}): Estimators {
  let engine: InferenceEngine;
  if (m instanceof InferenceEngine) {
    const opts = (device ?? {}) as EstimatorOptions;
    checkKeys(opts, ["ideal"], "estimators(engine, options)");
    engine = opts.ideal ? m.ideal() : m;
  } else {
    if (device === undefined || device === null) throw new SuanliError("bad-argument", "estimators(model, device, options) needs a GPU or cluster, e.g. estimators(m, gpu(\"H20\"), { tp: 8 })", { value: device });
    engine = buildEngine(m, device as Gpu | Cluster, o);
  }
  return withModelFigures(engine, compile(engine));
}

function buildEngine(m: Model, device: Gpu | Cluster, o: EstimatorOptions): InferenceEngine {
  checkKeys(o, OPTION_KEYS, "estimators");
  let c: Cluster;
  if (device && typeof device === "object" && "layout" in device) {
    c = device as Cluster;
    if (o.tp !== undefined || o.pp !== undefined) c = c.tp(positiveInt(o.tp ?? c.layout.tp, "tp")).pp(positiveInt(o.pp ?? c.layout.pp, "pp"));
  } else {
    const tp = positiveInt(o.tp ?? 1, "tp");
    const pp = positiveInt(o.pp ?? 1, "pp");
    c = cluster(device as Gpu, tp * pp).tp(tp).pp(pp);
  }
  let e = m.on(c);
  if (o.weights !== undefined || o.kv !== undefined || o.group !== undefined) {
    e = e.dtypes({ ...(o.weights !== undefined ? { weights: o.weights } : {}), ...(o.kv !== undefined ? { kv: o.kv } : {}), ...(o.group !== undefined ? { group: o.group } : {}) });
  }
  if (o.efficiency !== undefined) e = e.efficiency(o.efficiency);
  if (o.kernels !== undefined) e = e.kernels(o.kernels);
  if (o.overhead !== undefined) e = e.overhead(o.overhead);
  if (o.ideal !== undefined && typeof o.ideal !== "boolean") throw new SuanliError("bad-argument", `estimators option ideal must be true or false, got ${show(o.ideal)}`, { value: o.ideal, expected: "true or false" });
  return o.ideal ? e.ideal() : e;
}

function withModelFigures(e: InferenceEngine, c: CompiledEngine): Estimators {
  const a = e.model.arch;
  const kvB = kvBytesPerElement(e.state.dtypes);
  const P = matmulParams(a, e.model.paramBreakdown());
  // Without sliding windows KV bytes are B × T × (bytes per token) and, without sparse attention,
  // decode FLOPs are affine in the context: take the constants from the model's functions once.
  const dense = a.windows.every((w) => w === null) && a.sparse === undefined;
  const kvPerToken = kvBytes(a, { batch: 1, seq: 1, bytesPerElement: kvB });
  const f1 = decodeFlops(a, 1, P);
  const fSlope = decodeFlops(a, 2, P) - f1;
  const kvOf = (batch: number, seq: number) => {
    count(batch, "batch");
    count(seq, "seq");
    return dense ? batch * seq * kvPerToken : kvBytes(a, { batch, seq, bytesPerElement: kvB });
  };
  return Object.freeze({
    ...c,
    model: e.model.id,
    gpu: e.gpu.id,
    describe: e.describe(),
    kvBytes: kvOf,
    decodeFlops: (batch: number, ctx: number) => {
      count(batch, "batch");
      count(ctx, "context");
      return dense ? batch * (f1 + (ctx - 1) * fSlope) : batch * decodeFlops(a, ctx, P);
    },
    decodeRow(batch: number, context: number): DecodeRow {
      const mem = c.memoryPerGpu(batch, context);
      const fits = mem <= c.capacityPerGpu; // c.fits, without computing the memory twice
      const s = fits ? c.decodeStep(batch, context) : 0;
      return {
        kv_GiB: kvOf(batch, context) / 2 ** 30,
        mem_per_gpu_GiB: mem / 2 ** 30,
        fits,
        decode_ms: fits ? s * 1e3 : null,
        throughput_tok_s: fits ? (c.replicas * batch) / s : null,
      };
    },
  });
}
