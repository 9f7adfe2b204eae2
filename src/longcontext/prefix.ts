/**
 * KV-cache reuse / prefix caching over a block pool (vLLM automatic prefix caching,
 * https://docs.vllm.ai/en/latest/design/prefix_caching.html; TensorRT-LLM KV cache reuse,
 * https://nvidia.github.io/TensorRT-LLM/advanced/kv-cache-reuse.html). The cache is allocated
 * in blocks of b tokens, and only full blocks are shared, found by hashing their tokens:
 *
 *   reusable r   = ⌊min(S, P − 1) ÷ b⌋ × b   (S shared prefix, in full blocks; the last prompt
 *                                            token is always recomputed to produce logits)
 *   prefill      hit: tokens P − r after r cached; miss: all P       expected = h·hit + (1 − h)·miss
 *   FLOPs        2·(P_mm − V·d)·(P − r) + 2·V·d + Σ_l 2·H·(d_qk + d_v)·(K(P) − K(r))
 *                with K(T) = Σ_{t≤T} min(t, w_l) the causal keys (model/flops.ts)
 *   memory       n requests, n·h of them hit: blocks without sharing n·⌈(P + O) ÷ b⌉;
 *                with sharing min(1, n·h) × r ÷ b shared blocks + n·h·⌈(P + O − r) ÷ b⌉ + n·(1 − h)·⌈(P + O) ÷ b⌉
 *                (the pool holds one copy of the prefix while at least one resident request uses
 *                it, min(1, n·h) copies in expectation), so memorySaved = (n·h − 1)⁺ × r tokens:
 *                n·h requests that would each hold the prefix share one copy; never negative
 *   waste        allocated block tokens − tokens held (the partly filled last block of each sequence)
 *
 * h is the fraction of requests whose prefix is already in the pool (0 ≤ h ≤ 1). Memory counts
 * every layer at full attention (sliding-window layers would hold less).
 */
import { SuanliError } from "../errors.js";
import type { InferenceEngine } from "../inference/engine.js";
import { kvCacheBytes } from "../inference/memory.js";
import type { Architecture } from "../model/architecture.js";
import { attnFlopsPerKey, causalKeys } from "../model/flops.js";
import { countParams, matmulParams } from "../model/params.js";
import { nonNegativeInt, positiveInt } from "../validate.js";
import { mixedStep } from "./mixed.js";
import { percent, withText } from "../display/result.js";
import { format } from "../units.js";

export interface PrefixOptions {
  /** Prompt tokens per request. */
  prompt: number;
  /** Tokens every request shares at the start of its prompt (system prompt, document). */
  prefix: number;
  /** Fraction of requests that find the prefix cached, in [0, 1]. */
  hitRate: number;
  /** Tokens per cache block (default 64, TensorRT-LLM's tokens_per_block). */
  blockSize?: number;
  /** Requests resident together (default 1). */
  requests?: number;
  /** Output tokens each request adds to its cache (default 0). */
  output?: number;
}

export interface PrefixResult {
  readonly reusable: number;
  /** Prefix tokens that cannot be shared because they end in a partial block. */
  readonly unsharedPrefix: number;
  /** Prefill FLOPs of one request (whole model): miss, hit, expected. */
  readonly flopsMiss: number;
  readonly flopsHit: number;
  readonly flopsExpected: number;
  /** 1 − flopsExpected ÷ flopsMiss. */
  readonly flopsSaved: number;
  /** Prefill time of one request on the engine, s: miss, hit, expected. */
  readonly timeMiss: number;
  readonly timeHit: number;
  readonly timeExpected: number;
  /** KV bytes per GPU for all resident requests, without and with sharing. */
  readonly kvWithout: number;
  readonly kvWith: number;
  /** kvWithout − kvWith: (n·h − 1)⁺ copies of the reusable prefix, ≥ 0 (see the module comment). */
  readonly memorySaved: number;
  /** Bytes per GPU in partly filled blocks (with sharing). */
  readonly waste: number;
  /** A short summary with units. */
  toString(): string;
}

/** Prefill FLOPs of the last P − r prompt tokens of one sequence, r already cached (whole model). */
export function suffixPrefillFlops(a: Architecture, prompt: number, cached: number): number {
  const P = matmulParams(a, countParams(a));
  const head = a.vocab * a.hidden;
  let keys = 0;
  for (const w of a.windows) keys += causalKeys(prompt, w) - causalKeys(cached, w);
  return 2 * (P - head) * (prompt - cached) + 2 * head + attnFlopsPerKey(a) * keys;
}

function hitRate(h: unknown): number {
  if (typeof h !== "number" || !Number.isFinite(h) || h < 0 || h > 1) {
    throw new SuanliError("bad-argument", `hitRate must be a fraction in [0, 1], got ${String(h)}`, { value: h, expected: "0 ≤ hitRate ≤ 1" });
  }
  return h;
}

/**
 * What a prefix cache saves for requests sharing `prefix` of their `prompt` tokens.
 * @example prefixCache(e, { prompt: 32768, prefix: 30000, hitRate: 0.8, blockSize: 64, requests: 16 }).flopsSaved
 */
export function prefixCache(e: InferenceEngine, o: PrefixOptions): PrefixResult {
  const prompt = positiveInt(o?.prompt, "prompt");
  const prefix = nonNegativeInt(o?.prefix, "prefix");
  if (prefix > prompt) throw new SuanliError("bad-argument", `prefix (${prefix}) exceeds the prompt (${prompt})`, { value: prefix, expected: `≤ ${prompt}` });
  const h = hitRate(o?.hitRate);
  const b = positiveInt(o?.blockSize ?? 64, "blockSize");
  const n = positiveInt(o?.requests ?? 1, "requests");
  const out = nonNegativeInt(o?.output ?? 0, "output");
  const r = Math.floor(Math.min(prefix, prompt - 1) / b) * b;
  const a = e.model.arch;
  const flopsMiss = suffixPrefillFlops(a, prompt, 0);
  const flopsHit = suffixPrefillFlops(a, prompt, r);
  const timeMiss = mixedStep(e, [{ batch: 1, tokens: prompt, past: 0 }]).time;
  const timeHit = mixedStep(e, [{ batch: 1, tokens: prompt - r, past: r }]).time;
  const blocks = (t: number) => Math.ceil(t / b);
  const tokenBytes = kvCacheBytes(e.shard, e.state.dtypes, 1, 1);
  const perToken = (t: number) => t * tokenBytes;
  const held = prompt + out;
  const without = n * blocks(held) * b;
  const shared = r > 0 && h > 0 ? r : 0;
  const pool = shared * Math.min(1, n * h);
  const withTok = pool + n * h * blocks(held - shared) * b + n * (1 - h) * blocks(held) * b;
  const heldWith = pool + n * h * (held - shared) + n * (1 - h) * held;
  return withText({
    reusable: r,
    unsharedPrefix: prefix - r,
    flopsMiss,
    flopsHit,
    flopsExpected: h * flopsHit + (1 - h) * flopsMiss,
    flopsSaved: 1 - (h * flopsHit + (1 - h) * flopsMiss) / flopsMiss,
    timeMiss,
    timeHit,
    timeExpected: h * timeHit + (1 - h) * timeMiss,
    kvWithout: perToken(without),
    kvWith: perToken(withTok),
    memorySaved: perToken(without) - perToken(withTok),
    waste: perToken(withTok) - perToken(heldWith),
  }, describePrefix);
}

function describePrefix(r: PrefixResult): string {
  return [
    `prefix cache: ${r.reusable} reusable tokens, prefill ${format(r.timeMiss, "time")} on a miss, ${format(r.timeHit, "time")} on a hit, ${format(r.timeExpected, "time")} expected (${percent(r.flopsSaved)} of the FLOPs saved)`,
    `KV per GPU ${format(r.kvWithout, "bytes")} → ${format(r.kvWith, "bytes")} with sharing (${format(r.waste, "bytes")} in partly filled blocks)`,
  ].join("\n");
}
