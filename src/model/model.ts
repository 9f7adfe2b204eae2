/**
 * `model(name)` — a transformer from the catalog (or any HF config.json), with its parameter
 * count, weights, KV cache and FLOPs. Immutable: `.mha()` returns a new Model.
 *
 * @example
 * const llama = model("llama2-70b");
 * llama.params.format()                          // returns "68.98B params"
 * llama.kv({ batch: 8, seq: 4096 }).format()     // returns "10 GiB" (GQA, 8 KV heads)
 * llama.mha().kv({ batch: 8, seq: 4096 }).format() // returns "80 GiB" (the article's assumption)
 */
import { SuanliError } from "../errors.js";
import { Quantity } from "../quantity.js";
import { add, mul, num, qty } from "../derive/term.js";
import { bytesOf, dtype as readDtype, type Dtype } from "../hardware/precision.js";
import { checkKeys, positiveInt } from "../validate.js";
import { format } from "../units.js";
import type { Architecture } from "./architecture.js";
import { modelCatalog, type ModelEntry } from "./catalog.js";
import { parseHFConfig } from "./config.js";
import { KvCache } from "./kvCache.js";
import { countParams, matmulParams, type ParamBreakdown } from "./params.js";
import { checkContext } from "./context.js";
import type { ModelName } from "../data/names.js";
import { decodeFlops, kvProjectionParams, prefillFlops } from "./flops.js";
import { train, type Training } from "../training/training.js";
import type { TrainOptions } from "../training/options.js";
import { inference, type InferenceEngine } from "../inference/engine.js";
import type { Gpu } from "../hardware/gpu.js";
import type { Cluster } from "../hardware/cluster.js";

export interface ModelState {
  readonly id: string;
  readonly name: string;
  readonly arch: Architecture;
  /** "real": as the config says; "mha": every head keeps its own K and V (the article's assumption). */
  readonly assumption: "real" | "mha";
  readonly entry?: ModelEntry;
}

export interface KvCallOptions {
  batch: number;
  seq: number;
  /** KV cache element type (default fp16). */
  dtype?: Dtype | string;
  /** StreamingLLM: keep only this many recent tokens in every layer… */
  window?: number;
  /** …plus this many initial "sink" tokens. */
  sinks?: number;
}

export class Model {
  readonly state: ModelState;
  private readonly counts: ParamBreakdown;

  constructor(state: ModelState) {
    this.state = state;
    this.counts = countParams(state.arch);
    Object.freeze(this);
  }

  get id(): string {
    return this.state.id;
  }
  get arch(): Architecture {
    return this.state.arch;
  }

  /**
   * The article's assumption: every attention head keeps its own K and V (MHA), whatever the
   * real model does (GQA, MQA, MLA). Use it to show the article's number beside the real one.
   */
  mha(): Model {
    const a = this.state.arch;
    const { mla: _mla, ...rest } = a;
    const arch: Architecture = Object.freeze({ ...rest, kvHeads: a.heads, attention: "mha" as const });
    return new Model({ ...this.state, id: `${this.state.id} (MHA assumption)`, arch, assumption: "mha" });
  }

  /** Total parameters, counted from the config. */
  get params(): Quantity<"params"> {
    const p = this.counts;
    return new Quantity(p.total, "params", () => ({
      title: `parameters of ${this.id}`,
      formula: "embedding + attention + MLP (+ experts + router) + norms + LM head",
      term: add(
        ...[
          num(p.embedding, "embedding"), num(p.positions, "positions"), num(p.attention, "attention"), num(p.mlp, "MLP"),
          num(p.experts, "experts"), num(p.sharedExperts, "shared experts"), num(p.router, "router"), num(p.norms, "norms"), num(p.lmHead, "LM head"),
        ].filter((t) => t.op === "n" && t.value !== 0),
      ),
      ...(this.state.entry ? { source: this.state.entry.configSource } : {}),
    }));
  }

  /** Parameters one token passes through (MoE: top-k routed experts). Equals params for dense models. */
  get activeParams(): Quantity<"params"> {
    return new Quantity(this.counts.active, "params");
  }

  /** Parameter count term by term. */
  paramBreakdown(): ParamBreakdown {
    return this.counts;
  }

  /** Weight bytes at `dtype` (default fp16): params × bytes per element. */
  weights(opts: { dtype?: Dtype | string } = {}): Quantity<"bytes"> {
    const d = readDtype(opts.dtype ?? "fp16", "weight dtype");
    const p = this.counts.total;
    return new Quantity(p * bytesOf(d), "bytes", () => ({ title: `weights of ${this.id} in ${d}`, formula: "params × bytes per parameter", term: mul(num(p, "params"), qty(bytesOf(d), "B")) }));
  }

  /**
   * KV cache for `batch` sequences of `seq` tokens, counted layer by layer (see model/kv.ts).
   * @example model("llama2-70b").kv({ batch: 8, seq: 4096 }).explain().line
   */
  kv(opts: KvCallOptions): KvCache {
    checkKeys(opts, ["batch", "seq", "dtype", "window", "sinks"], "kv");
    const batch = positiveInt(opts?.batch, "batch");
    const seq = positiveInt(opts?.seq, "seq");
    checkContext(this.state.arch, seq, this.id);
    const d = readDtype(opts.dtype ?? "fp16", "KV dtype");
    const req = {
      model: this.id, batch, seq, dtype: d,
      ...(opts.window !== undefined ? { window: positiveInt(opts.window, "window"), sinks: opts.sinks === undefined ? 0 : nonNeg(opts.sinks) } : {}),
    };
    return new KvCache(this.state.arch, req, bytesOf(d));
  }

  /** Forward FLOPs of one decode step per sequence with `context` tokens cached (with attention). */
  decodeFlops(opts: { context: number }): Quantity<"flop"> {
    const ctx = positiveInt(opts?.context, "context");
    checkContext(this.state.arch, ctx, this.id);
    const a = this.state.arch;
    const P = matmulParams(a, this.counts);
    const v = decodeFlops(a, ctx, P);
    return new Quantity(v, "flop", () => ({
      title: `decode FLOPs per token of ${this.id} at context ${ctx}`,
      formula: "2 × P_matmul + Σ_layers 2 × H × (d_qk + d_v) × min(ctx, window)",
      term: add(mul(num(2), num(P, "matmul params")), num(v - 2 * P, "attention")),
      source: "Kaplan et al. 2020 (arXiv:2001.08361) §2.1",
    }));
  }

  /** Forward FLOPs of prefilling `prompt` tokens of one sequence (causal attention, last-token logits). */
  prefillFlops(opts: { prompt: number }): Quantity<"flop"> {
    const T = positiveInt(opts?.prompt, "prompt");
    checkContext(this.state.arch, T, this.id);
    const a = this.state.arch;
    const P = matmulParams(a, this.counts);
    const v = prefillFlops(a, T, P);
    const head = a.vocab * a.hidden;
    return new Quantity(v, "flop", () => ({
      title: `prefill FLOPs of ${this.id} for ${T} tokens`,
      formula: "2 × (P_matmul − V·d) × T + 2·V·d + attention",
      term: add(mul(num(2), num(P - head, "params"), num(T, "tokens")), mul(num(2), num(head, "LM head")), num(v - 2 * (P - head) * T - 2 * head, "attention")),
      source: "Kaplan et al. 2020 (arXiv:2001.08361) §2.1",
    }));
  }

  /**
   * What a KV cache saves at one decode step: recomputing K and V for every earlier token.
   *   FLOPs = 2 (mul, add) × P_kv × T × L × B, with P_kv = d × n_kv × (d_head + d_v) per layer
   *   (the article: 2 (K, V) × 2 × 8192 × 8192 per token per layer).
   * Also the weight elements read when each earlier token's K and V are recomputed one token at
   * a time (the article's "40T" reads): P_kv × T × L.
   */
  kvRecompute(opts: { batch?: number; seq: number; dtype?: Dtype | string }): KvRecompute {
    const batch = positiveInt(opts?.batch ?? 1, "batch");
    const seq = positiveInt(opts?.seq, "seq");
    const d = readDtype(opts.dtype ?? "fp16", "weight dtype");
    const a = this.state.arch;
    const pkv = kvProjectionParams(a);
    const kvParamTerm = a.mla
      ? [num(a.hidden, "d"), num(a.mla.kvLoraRank + a.mla.qkRopeHeadDim, "latent + rope")]
      : [num(2, "(K, V)"), num(a.hidden, "d"), num(a.kvHeads * a.headDim, `(${a.kvHeads} kv heads × ${a.headDim})`)];
    const flops = 2 * pkv * seq * a.layers * batch;
    const elements = pkv * seq * a.layers;
    const kv = this.kv({ batch, seq, dtype: "fp16" });
    return Object.freeze({
      flops: new Quantity(flops, "flop", () => ({
        title: `FLOPs to recompute K and V of ${seq} earlier tokens (${this.id}, batch ${batch})`,
        formula: "2 (mul, add) × P_kv × T × L × B",
        term: mul(num(2, "(mul, add)"), ...kvParamTerm, num(seq, "tokens"), num(a.layers, "layers"), num(batch, "batch")),
      }), "decimal"),
      perKvByte: new Quantity(flops / kv.value, "intensity", () => ({
        title: "FLOPs saved per byte of fp16 KV cache",
        formula: "recompute FLOPs ÷ KV bytes",
        term: { op: "/", num: num(flops, "FLOP"), den: qty(kv.value, "B") },
      })),
      readElements: new Quantity(elements, "count", () => ({
        title: "weight elements read recomputing K and V token by token",
        formula: "T × L × P_kv",
        term: mul(num(seq, "tokens"), num(a.layers, "layers"), ...kvParamTerm),
      })),
      readBytes: new Quantity(elements * bytesOf(d), "bytes", () => ({
        title: `weight bytes read recomputing K and V token by token (${d})`,
        term: mul(num(seq, "tokens"), num(a.layers, "layers"), ...kvParamTerm, qty(bytesOf(d), "B")),
      }), "decimal"),
    });
  }

  /**
   * Train this model: per-GPU memory (weights, gradients, optimizer states under ZeRO,
   * activations under recomputation), the largest micro-batch, step time and run time on a
   * cluster. Delegates to `train(model, opts)` in src/training/training.ts.
   * @example model("llama2-70b").train({ seq: 4096, globalBatch: 1024, zero: 1 }).on(cluster(gpu("A800"), 1024).tp(8).network("200 Gb/s")).time({ tokens: 2e12 })
   */
  train(opts: TrainOptions): Training {
    return train(this, opts);
  }

  /**
   * Serve this model on a GPU or a cluster: prefill, decode, request latency, memory fit and
   * cost from a per-operator roofline. Delegates to `inference(model, device)` in src/inference/engine.ts.
   * @example model("llama2-70b").on(cluster(gpu("H20").fp8(), 8).tp(8)).decode({ batch: 64, context: 4096 }).tokensPerSecond
   */
  on(device: Gpu | Cluster): InferenceEngine {
    return inference(this, device);
  }

  toString(): string {
    const a = this.state.arch;
    return `Model ${this.id} · ${format(this.counts.total, "params")} · ${a.layers} layers · ${a.attention.toUpperCase()} ${a.heads}/${a.kvHeads} heads`;
  }
  toJSON(): { model: string; assumption: string } {
    return { model: this.state.entry?.id ?? this.id, assumption: this.state.assumption };
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

export interface KvRecompute {
  readonly flops: Quantity<"flop">;
  readonly perKvByte: Quantity<"intensity">;
  readonly readElements: Quantity<"count">;
  readonly readBytes: Quantity<"bytes">;
}

function nonNeg(v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new SuanliError("bad-argument", `sinks must be a non-negative integer, got ${JSON.stringify(v)}`, { value: v });
  return v;
}

/** A model from the catalog by id or alias (case-insensitive, did-you-mean on a miss). */
export function model(name: ModelName | (string & {})): Model {
  const entry = modelCatalog().index.get(name);
  return new Model({ id: entry.id, name: entry.name, arch: entry.arch, assumption: "real", entry });
}

/** Any HuggingFace config.json (parsed object or JSON text). */
model.fromHFConfig = function fromHFConfig(config: object | string, name = "custom"): Model {
  let c: unknown = config;
  if (typeof config === "string") {
    try {
      c = JSON.parse(config);
    } catch (e) {
      throw new SuanliError("bad-config", `${name}: config is not valid JSON (${(e as Error).message})`, { value: config.slice(0, 40) });
    }
  }
  return new Model({ id: name, name, arch: parseHFConfig(c, name), assumption: "real" });
};
