/**
 * Chunked context / chunked prefill (TensorRT-LLM "chunked context",
 * https://nvidia.github.io/TensorRT-LLM/advanced/gpt-attention.html; Sarathi-Serve, Agrawal et
 * al. 2024, arXiv:2403.02310 §4): a prompt of P tokens is prefilled in ⌈P ÷ c⌉ chunks of c
 * tokens, each batched in one step with the D decodes already running at context C:
 *
 *   step k     = mixed step { D decodes @ C } + { chunk of c_k tokens, past k·c }   (mixed.ts)
 *   TTFT       = Σ_k step_k                  (the prompt's first token, queueing aside)
 *   stall      = max_k step_k                (the longest token gap the D decodes see)
 *   intensity  = Σ FLOPs ÷ Σ HBM bytes over the steps (weights are re-read every chunk, and
 *                chunk k re-reads the k·c cached tokens: smaller chunks → lower intensity)
 *   throughput = (P + D × steps) ÷ TTFT      tokens/s while the prompt is in flight
 *
 * Smaller chunks shorten the stall but lower the intensity and lengthen TTFT; `bestChunk`
 * picks, among candidate sizes, the one with the highest throughput whose stall meets a
 * per-token latency (TPOT) target.
 */
import { SuanliError } from "../errors.js";
import type { InferenceEngine } from "../inference/engine.js";
import type { Step } from "../inference/ops.js";
import { nonNegativeInt, positiveInt, positiveNumber } from "../validate.js";
import { decodePart, mixedStep } from "./mixed.js";
import { percent, withText } from "../display/result.js";
import { format } from "../units.js";

export interface ChunkedOptions {
  /** Prompt tokens to prefill. */
  prompt: number;
  /** Tokens per chunk (> 0; ≥ prompt means unchunked). */
  chunk: number;
  /** Decodes running beside the prefill (default 16). */
  decodes?: number;
  /** Their context (default: the prompt length). */
  context?: number;
}

export interface ChunkedResult {
  readonly prompt: number;
  readonly chunk: number;
  readonly chunks: number;
  readonly decodes: number;
  /** Seconds to the prompt's first token. */
  readonly ttft: number;
  /** Longest step the decodes wait through, s. */
  readonly stall: number;
  /** A decode step without any prefill, s (the stall's floor). */
  readonly decodeStep: number;
  /** FLOP per HBM byte over the prefill steps. */
  readonly intensity: number;
  /** Tokens (prompt + decode) per second while the prompt is in flight. */
  readonly throughput: number;
  /** A short summary with units. */
  toString(): string;
}

function checkChunk(chunk: unknown): number {
  if (typeof chunk !== "number" || !Number.isInteger(chunk) || chunk <= 0) {
    throw new SuanliError("bad-argument", `chunk must be a positive integer number of tokens, got ${String(chunk)}`, { value: chunk, expected: "integer ≥ 1" });
  }
  return chunk;
}

/**
 * TTFT, decode stall, intensity and throughput of prefilling `prompt` tokens in chunks of `chunk`.
 * @example chunkedPrefill(e, { prompt: 32768, chunk: 2048, decodes: 16 }).stall
 */
export function chunkedPrefill(e: InferenceEngine, o: ChunkedOptions): ChunkedResult {
  const prompt = positiveInt(o?.prompt, "prompt");
  const chunk = Math.min(checkChunk(o?.chunk), prompt);
  const decodes = nonNegativeInt(o?.decodes ?? 16, "decodes");
  const context = positiveInt(o?.context ?? prompt, "context");
  const dec: Step[] = decodes > 0 ? [decodePart(decodes, context)] : [];
  let ttft = 0;
  let stall = 0;
  let flops = 0;
  let bytes = 0;
  let steps = 0;
  for (let past = 0; past < prompt; past += chunk) {
    const s = mixedStep(e, [...dec, { batch: 1, tokens: Math.min(chunk, prompt - past), past }]);
    ttft += s.time;
    stall = Math.max(stall, s.time);
    flops += s.flops;
    bytes += s.bytes;
    steps++;
  }
  return withText({
    prompt,
    chunk,
    chunks: steps,
    decodes,
    ttft,
    stall,
    decodeStep: decodes > 0 ? mixedStep(e, dec).time : 0,
    intensity: flops / bytes,
    throughput: (prompt + decodes * steps) / ttft,
  }, describeChunked);
}

/** Powers of two from 64 up to the prompt, and the prompt itself. */
export function defaultChunks(prompt: number): number[] {
  const out: number[] = [];
  for (let c = 64; c < prompt; c *= 2) out.push(c);
  out.push(prompt);
  return out;
}

/**
 * The chunk size with the highest throughput whose stall ≤ `tpot` seconds, or null if none meets it.
 * @example bestChunk(e, { prompt: 32768, decodes: 16, tpot: 0.05 }).best?.chunk
 */
export function bestChunk(e: InferenceEngine, o: Omit<ChunkedOptions, "chunk"> & { tpot: number; chunks?: readonly number[] }): { best: ChunkedResult | null; all: ChunkedResult[] } {
  const tpot = positiveNumber(o?.tpot, "tpot");
  const prompt = positiveInt(o?.prompt, "prompt");
  const all = (o.chunks ?? defaultChunks(prompt)).map((chunk) => chunkedPrefill(e, { ...o, chunk }));
  let best: ChunkedResult | null = null;
  for (const r of all) if (r.stall <= tpot && (best === null || r.throughput > best.throughput)) best = r;
  return { best, all };
}

/** Rows { chunk, ttft_s, stall_ms, intensity_FLOP_B, throughput_tok_s } for charts. */
export function chunkedSweep(e: InferenceEngine, o: Omit<ChunkedOptions, "chunk"> & { chunks?: readonly number[] }): Record<string, number>[] {
  const prompt = positiveInt(o?.prompt, "prompt");
  return (o.chunks ?? defaultChunks(prompt)).map((chunk) => {
    const r = chunkedPrefill(e, { ...o, chunk });
    return { chunk: r.chunk, ttft_s: r.ttft, stall_ms: r.stall * 1e3, intensity_FLOP_B: r.intensity, throughput_tok_s: r.throughput };
  });
}

function describeChunked(r: ChunkedResult): string {
  return [
    `chunked prefill of ${r.prompt} tokens in ${r.chunks} chunk${r.chunks === 1 ? "" : "s"} of ${r.chunk} beside ${r.decodes} decodes: TTFT ${format(r.ttft, "time")}, longest stall ${format(r.stall, "time")} (a decode step alone: ${format(r.decodeStep, "time")})`,
    `${r.intensity.toFixed(0)} FLOP/B over the prefill steps, ${format(r.throughput, "count")} tokens/s while the prompt is in flight`,
  ].join("\n");
}
