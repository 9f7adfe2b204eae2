/**
 * The engine specialised once for plain-number evaluation: the fast path of sweeps, the CLI's
 * `sweep` and `estimators()`. Nothing here is a second model of a step — every number comes
 * from the same functions `InferenceEngine.decode/prefill/memory` use:
 *
 *   step time     engine.fullStepTime(step, rates)   (roofline.ts + kernels.ts + overhead.ts;
 *                 with the engine's `.ideal()` it is the classic roofline alone)
 *   memory        memoryParts(…).total: weights (once) + KV + activation workspace + reserve
 *   fits          memory total ≤ capacity (what `decode`/`prefill` refuse on)
 *   tokens/s      dp × batch ÷ step time (decode), dp × batch × prompt ÷ TTFT (prefill)
 *
 * What specialising buys: the rates (η × peaks, the tensor-parallel link) and the per-GPU
 * weight bytes are computed once, and the per-row calls take and return plain numbers —
 * no Quantity, no derivation, no validation (the caller validates once, at the edge). A row
 * that does not fit gets `null` timings, never NaN or Infinity.
 */
import type { InferenceEngine } from "./engine.js";
import { activationBytes, kvCacheBytes, largest, weightBytes } from "./memory.js";
import type { Step } from "./ops.js";
import type { Rates } from "./roofline.js";
import { positiveInt } from "../validate.js";

/** Check a per-row count cheaply; the slow path only to word the refusal. */
export function count(x: number, name: string): number {
  return Number.isSafeInteger(x) && x >= 1 ? x : positiveInt(x, name);
}

/** Plain-number evaluation of one engine (see the module comment). Base units: B, s, tokens/s. */
export interface CompiledEngine {
  readonly engine: InferenceEngine;
  /** The rates every call uses (computed once). */
  readonly rates: Rates;
  /** GPUs in the cluster and data-parallel replicas (tokens/s are for all replicas). */
  readonly gpus: number;
  readonly replicas: number;
  /** Weight bytes on one GPU of the busiest stage. */
  readonly weightBytesPerGpu: number;
  /** Memory of one GPU (what `fits` compares `memoryPerGpu` with). */
  readonly capacityPerGpu: number;
  /** KV-cache bytes on one GPU for `batch` sequences of `context` tokens. */
  kvBytesPerGpu(batch: number, context: number): number;
  /** Weights + KV + activation workspace + reserve on one GPU. */
  memoryPerGpu(batch: number, context: number): number;
  /** Whether `memoryPerGpu` is within the GPU's capacity — what decode and prefill refuse on. */
  fits(batch: number, context: number): boolean;
  /** Seconds of one decode step at `context` tokens, fit not checked (the engine's stepTime). */
  decodeStep(batch: number, context: number): number;
  /** Seconds of a prefill of `prompt` tokens, fit not checked. */
  prefillStep(batch: number, prompt: number): number;
  /** Decode step seconds (= time per output token), or null where it does not fit. */
  decodeTime(batch: number, context: number): number | null;
  /** Time to first token in seconds, or null where it does not fit. */
  prefillTime(batch: number, prompt: number): number | null;
  /** Output tokens/s of the whole cluster, or null where it does not fit. */
  decodeTokensPerSecond(batch: number, context: number): number | null;
  /** Prompt tokens/s of the whole cluster, or null where it does not fit. */
  prefillTokensPerSecond(batch: number, prompt: number): number | null;
  /** Largest batch that fits at `context` (0 if none), as engine.maxBatch. */
  maxBatch(context: number): number;
}

/** Upper end of the maxBatch search (as the engine's). */
export const MAX_BATCH_SEARCH = 1 << 24;

/** Specialise `e` for plain-number calls. Equal by construction to e.decode/prefill/memory. */
export function compile(e: InferenceEngine): CompiledEngine {
  const { shard: s } = e;
  const { dtypes: dt, reserve, maxTokens } = e.state;
  const capacity = e.gpu.spec.memory;
  const rates = e.rates();
  const { dp } = e.cluster.layout;
  const weights = weightBytes(s, dt);
  // Reused step objects: the hot path allocates nothing but what stepTime returns.
  const dec = { batch: 1, tokens: 1, past: 0 };
  const pre = { batch: 1, tokens: 1, past: 0 };
  // memoryParts(…).total with the weights computed once (the same sum, in the same order:
  // the agreement test holds the two equal to the bit)
  const memory = (batch: number, context: number) =>
    weights + kvCacheBytes(s, dt, count(batch, "batch"), count(context, "context")) + activationBytes(s, batch, maxTokens) + reserve;
  const fits = (batch: number, context: number) => memory(batch, context) <= capacity;
  const decodeStep = (batch: number, context: number) => {
    dec.batch = count(batch, "batch");
    dec.past = count(context, "context") - 1;
    return e.fullStepTime(dec as Step, rates).total;
  };
  const prefillStep = (batch: number, prompt: number) => {
    pre.batch = count(batch, "batch");
    pre.tokens = count(prompt, "prompt");
    return e.fullStepTime(pre as Step, rates).total;
  };
  return Object.freeze({
    engine: e,
    rates,
    gpus: e.cluster.size,
    replicas: dp,
    weightBytesPerGpu: weights,
    capacityPerGpu: capacity,
    kvBytesPerGpu: (batch: number, context: number) => kvCacheBytes(s, dt, count(batch, "batch"), count(context, "context")),
    memoryPerGpu: memory,
    fits,
    decodeStep,
    prefillStep,
    decodeTime: (batch: number, context: number) => (fits(batch, context) ? decodeStep(batch, context) : null),
    prefillTime: (batch: number, prompt: number) => (fits(batch, prompt) ? prefillStep(batch, prompt) : null),
    decodeTokensPerSecond: (batch: number, context: number) => (fits(batch, context) ? (dp * batch) / decodeStep(batch, context) : null),
    prefillTokensPerSecond: (batch: number, prompt: number) => (fits(batch, prompt) ? (dp * batch * prompt) / prefillStep(batch, prompt) : null),
    maxBatch: (context: number) => (count(context, "context"), largest((b) => fits(b, context), MAX_BATCH_SEARCH)),
  });
}
