/**
 * StreamingLLM (Xiao et al. 2023, "Efficient Streaming Language Models with Attention Sinks",
 * arXiv:2309.17453 §3.2): keep the `sinks` first tokens and the `window` most recent ones in
 * every layer's KV cache, evicting the middle. Against the full cache, per sequence:
 *
 *   kept         = min(context, window + sinks)
 *   KV bytes     = Σ_layers kept × e_kv × s_kv            (model/kv.ts, `m.kv({ window, sinks })`)
 *   attention    = 2·H·(d_qk + d_v) × kept FLOPs per token per layer, KV read kept × e_kv × s_kv
 *   decode step  = the roofline step at context `kept` (GEMMs do not depend on the context)
 *
 * so the cache and the attention stop growing once the context passes window + sinks: a batch
 * that fits at `kept` tokens fits at any context (the stream is unbounded; positions are
 * re-assigned inside the cache, §3.2). Quality is a separate question the paper answers.
 */
import type { InferenceEngine } from "../inference/engine.js";
import { kvCacheBytes } from "../inference/memory.js";
import { nonNegativeInt, positiveInt } from "../validate.js";
import { decodePart, mixedStep } from "./mixed.js";
import { percent, withText } from "../display/result.js";
import { format } from "../units.js";

export interface StreamingOptions {
  /** Sequences decoded together (default 1). */
  batch?: number;
  /** Tokens in the stream so far. */
  context: number;
  /** Recent tokens kept in every layer. */
  window: number;
  /** Initial tokens kept as attention sinks (default 4, the paper's choice). */
  sinks?: number;
}

export interface StreamingResult {
  readonly batch: number;
  readonly context: number;
  readonly window: number;
  readonly sinks: number;
  /** Tokens each layer keeps: min(context, window + sinks). */
  readonly kept: number;
  /** KV cache per GPU, full and streaming, bytes. */
  readonly kvFull: number;
  readonly kvStreaming: number;
  /** 1 − kvStreaming ÷ kvFull. */
  readonly kvSaved: number;
  /** Decode step (time per output token), full and streaming, s. */
  readonly decodeFull: number;
  readonly decodeStreaming: number;
  /** Attention part of the decode step, full and streaming, s. */
  readonly attentionFull: number;
  readonly attentionStreaming: number;
  /** decodeFull ÷ decodeStreaming. */
  readonly speedup: number;
  /** Whether weights + cache + workspace fit per GPU. */
  readonly fitsFull: boolean;
  readonly fitsStreaming: boolean;
  /** Longest context the full cache fits at this batch (0 if none). */
  readonly maxContextFull: number;
  /** Largest batch at this context, full and streaming (0 if none). */
  readonly maxBatchFull: number;
  readonly maxBatchStreaming: number;
  /** True when the streaming cache fits: it then fits at every longer context too. */
  readonly unbounded: boolean;
  /** A short summary with units. */
  toString(): string;
}

/** Tokens a StreamingLLM cache keeps: min(context, window + sinks) (all of a context that fits the window). */
export function keptTokens(context: number, window: number, sinks: number): number {
  return Math.min(context, window + sinks);
}

/**
 * KV cache, decode step and fit of a StreamingLLM cache against the full cache, per GPU.
 * @example streaming(model("llama2-70b").on(cluster(gpu("H20"), 8).tp(8)), { batch: 16, context: 32768, window: 4096 }).kvSaved // ≈ 0.875
 */
export function streaming(e: InferenceEngine, o: StreamingOptions): StreamingResult {
  const batch = positiveInt(o?.batch ?? 1, "batch");
  const context = positiveInt(o?.context, "context");
  const window = positiveInt(o?.window, "window");
  const sinks = nonNegativeInt(o?.sinks ?? 4, "sinks");
  const kept = keptTokens(context, window, sinks);
  const dt = e.state.dtypes;
  const kvFull = kvCacheBytes(e.shard, dt, batch, context);
  const kvStreaming = kvCacheBytes(e.shard, dt, batch, kept);
  const full = mixedStep(e, [decodePart(batch, context)]);
  const str = mixedStep(e, [decodePart(batch, kept)]);
  const fitsFull = e.memory({ batch, context }).fits;
  const fitsStreaming = e.memory({ batch, context: kept }).fits;
  return withText({
    batch,
    context,
    window,
    sinks,
    kept,
    kvFull,
    kvStreaming,
    kvSaved: kvFull > 0 ? 1 - kvStreaming / kvFull : 0,
    decodeFull: full.time,
    decodeStreaming: str.time,
    attentionFull: full.attention,
    attentionStreaming: str.attention,
    speedup: full.time / str.time,
    fitsFull,
    fitsStreaming,
    maxContextFull: e.maxContext({ batch }),
    maxBatchFull: e.maxBatch({ context }),
    maxBatchStreaming: e.maxBatch({ context: kept }),
    unbounded: fitsStreaming,
  }, describeStreaming);
}

/** One row per context: KV (GiB per GPU) and decode step (ms), full vs streaming. For charts. */
export function streamingSweep(e: InferenceEngine, o: { batch?: number; contexts: readonly number[]; window: number; sinks?: number }): Record<string, number | string>[] {
  const rows: Record<string, number | string>[] = [];
  const sinks = o.sinks ?? 4;
  for (const context of o.contexts) {
    const win = Math.min(o.window, Math.max(1, context - sinks));
    const r = streaming(e, { batch: o.batch ?? 1, context, window: win, sinks: Math.min(sinks, context - win) });
    rows.push({ context, cache: "full", kv_GiB: r.kvFull / 2 ** 30, decode_ms: r.decodeFull * 1e3, fits: r.fitsFull ? "yes" : "no" });
    rows.push({ context, cache: `window ${o.window} + ${sinks} sinks`, kv_GiB: r.kvStreaming / 2 ** 30, decode_ms: r.decodeStreaming * 1e3, fits: r.fitsStreaming ? "yes" : "no" });
  }
  return rows;
}

function describeStreaming(r: StreamingResult): string {
  return [
    `StreamingLLM, window ${r.window} + ${r.sinks} sinks, batch ${r.batch} at ${r.context} tokens: KV ${format(r.kvFull, "bytes")} → ${format(r.kvStreaming, "bytes")} per GPU (${percent(r.kvSaved)} saved), decode ${format(r.decodeFull, "time")} → ${format(r.decodeStreaming, "time")} (${r.speedup.toFixed(2)}×)`,
    `largest batch at this context: ${r.maxBatchFull} full, ${r.maxBatchStreaming} streaming`,
    `longest context the full cache fits at batch ${r.batch}: ${r.maxContextFull} tokens${r.unbounded ? "; the streaming cache fits at any context" : ""}`,
  ].join("\n");
}
