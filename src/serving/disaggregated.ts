/**
 * `disaggregated({ prefill, decode, link })` — prefill and decode on separate pools of GPUs
 * (DistServe: Zhong et al., OSDI 2024, arXiv:2401.09670; Splitwise: Patel et al., ISCA 2024,
 * arXiv:2311.18677; Mooncake: Qin et al. 2024, arXiv:2407.00079). Each pool is an engine of the
 * same model on its own cluster; a request is prefilled on the first, its KV cache handed over
 * the link, and decoded on the second.
 *
 *   KV hand-off     bytes = KV bytes per token of the whole model × prompt (windowed layers keep
 *                   at most their window) in the decode pool's KV dtype;
 *                   time  = bytes ÷ (η_link × link × min(GPUs per prefill replica, GPUs per
 *                   decode replica)) + latency — every GPU of a replica sends its own shard at
 *                   once, at the prefill engine's link efficiency as every other transfer of
 *                   the kit (collectives.ts p2pTime)
 *   prefix cache    `cached` ∈ [0, 1): the share of each prompt already held in a prefix cache
 *                   (DeepSeek's on-disk KV cache, Mooncake's KV store): the prefill pass runs
 *                   only the u = prompt − ⌊cached × prompt⌋ uncached tokens, attending over the
 *                   cached ones — the step model's { tokens: u, past: prompt − u } — and the
 *                   whole prompt's KV is still handed over
 *   TTFT            prefill of the prompt + the hand-off (Mooncake §2 counts the transfer in TTFT)
 *   TPOT            the decode pool's step at `batch` sequences, at the request's mean context
 *   pool rates      prefill: dp_P × n ÷ t_prefill(n, u), n = max(1, min(⌊maxTokens ÷ u⌋, the
 *                   prompts whose KV the prefill pool holds)) prompts per pass (the engine's
 *                   maxTokens is the token budget of one pass, SGLang's chunked-prefill size); decode: dp_D × batch ÷ (output × TPOT); link: dp_P ×
 *                   aggregate link ÷ bytes — requests/s; the system runs at the smallest, and
 *                   each pool's utilisation is that rate over its own. Each pool's own capacity
 *                   in tokens/s: prefill rate × prompt (cached tokens counted, as DeepSeek
 *                   reports input throughput), decode rate × output.
 */
import type { Unit } from "mathjs";
import { DEFAULT_LATENCY } from "../hardware/cluster.js";
import { SuanliError, show } from "../errors.js";
import type { InferenceEngine } from "../inference/engine.js";
import type { CompiledEngine } from "../inference/compiled.js";
import { kvCacheBytes } from "../inference/memory.js";
import { shard } from "../inference/shard.js";
import { format, parseQuantity } from "../units.js";
import { checkKeys, positiveInt } from "../validate.js";
import { percent, withText } from "../display/result.js";

export interface DisaggregatedOptions {
  prefill: InferenceEngine;
  decode: InferenceEngine;
  /** KV hand-off bandwidth per GPU, one direction: "400 Gb/s", "50 GB/s", a Unit or B/s. */
  link: string | number | Unit;
  /** Seconds per hand-off beyond the bytes (default 5 µs, the network hop of cluster.ts). */
  latency?: number;
}

/** A request through both pools (seconds, bytes). */
export interface DisaggregatedRequest {
  readonly prompt: number;
  readonly output: number;
  readonly batch: number;
  readonly prefill: number;
  readonly kvTransfer: { readonly bytes: number; readonly time: number };
  readonly ttft: number;
  readonly tpot: number;
  readonly latency: number;
}

/** Steady-state throughput of both pools (requests/s, tokens/s, fractions). */
export interface DisaggregatedThroughput {
  readonly batch: number;
  readonly requestsPerSecond: number;
  readonly tokensPerSecond: number;
  readonly tokensPerSecondPerGpu: number;
  readonly tokensPerSecondPerUser: number;
  readonly prefillRate: number;
  readonly decodeRate: number;
  /** Prompt tokens/s the prefill pool can take (cached tokens included), output tokens/s the decode pool can give. */
  readonly prefillTokensPerSecond: number;
  readonly decodeTokensPerSecond: number;
  readonly linkRate: number;
  readonly prefillUtilisation: number;
  readonly decodeUtilisation: number;
  readonly linkUtilisation: number;
  readonly bottleneck: "prefill" | "decode" | "link";
}

interface RequestShape {
  prompt: number;
  output: number;
  batch?: number;
  /** Share of each prompt a prefix cache already holds, in [0, 1) (default 0). */
  cached?: number;
}

const SHAPE_KEYS = Object.keys({ prompt: true, output: true, batch: true, cached: true } satisfies Record<keyof RequestShape, true>);

/** A prefix-cache share: a number in [0, 1). */
function cachedShare(x: unknown): number {
  if (x === undefined) return 0;
  if (typeof x !== "number" || !Number.isFinite(x) || x < 0 || x >= 1) throw new SuanliError("bad-argument", `cached must be the share of each prompt a prefix cache holds, in [0, 1), got ${show(x)}`, { value: x, expected: "0 ≤ cached < 1" });
  return x;
}

export class Disaggregated {
  readonly prefill: InferenceEngine;
  readonly decode: InferenceEngine;
  /** B/s per GPU, one direction. */
  readonly link: number;
  readonly latency: number;
  /** Both pools' engines compiled (plain-number step times). */
  readonly compiled: { readonly prefill: CompiledEngine; readonly decode: CompiledEngine };
  private readonly p: CompiledEngine;
  private readonly d: CompiledEngine;

  constructor(o: DisaggregatedOptions) {
    if (o === null || typeof o !== "object") throw new SuanliError("bad-argument", `disaggregated({ prefill, decode, link }) needs options, got ${show(o)}`, { value: o });
    for (const k of ["prefill", "decode"] as const) {
      if (typeof o[k]?.compile !== "function") throw new SuanliError("bad-argument", `${k} must be an engine (model(…).on(cluster(…))), got ${show(o[k])}`, { value: o[k] });
    }
    if (o.prefill.model.id !== o.decode.model.id) {
      throw new SuanliError("bad-argument", `prefill serves ${o.prefill.model.id} but decode serves ${o.decode.model.id}: both pools must serve the same model`, { value: o.decode.model.id, expected: o.prefill.model.id });
    }
    this.prefill = o.prefill;
    this.decode = o.decode;
    if (o.link === undefined) throw new SuanliError("bad-argument", `disaggregated() needs link: the bandwidth the KV cache crosses between the pools per GPU pair, e.g. "400 Gb/s"`, { value: o.link, expected: "e.g. \"400 Gb/s\"" });
    this.link = parseQuantity(o.link, "bandwidth", "link");
    if (!(this.link > 0)) throw new SuanliError("bad-argument", `link must be a bandwidth > 0, got ${show(o.link)}`, { value: o.link, expected: "e.g. \"400 Gb/s\"" });
    const lat = o.latency ?? DEFAULT_LATENCY.network;
    if (typeof lat !== "number" || !Number.isFinite(lat) || lat < 0) throw new SuanliError("bad-argument", `latency must be seconds ≥ 0, got ${show(lat)}`, { value: lat });
    this.latency = lat;
    this.p = o.prefill.compile();
    this.d = o.decode.compile();
    this.compiled = Object.freeze({ prefill: this.p, decode: this.d });
    Object.freeze(this);
  }

  /** GPUs in both pools. */
  get gpus(): number {
    return this.p.gpus + this.d.gpus;
  }

  /** Bytes of one request's KV cache after a prompt of `prompt` tokens (whole model). */
  kvBytes(prompt: number): number {
    const m = this.decode.model;
    return kvCacheBytes(shard(m.arch, 1, 1, m.id), this.decode.state.dtypes, 1, positiveInt(prompt, "prompt"));
  }

  /** Aggregate hand-off bandwidth of one replica pair, B/s. */
  get pathBandwidth(): number {
    const per = (e: InferenceEngine) => e.cluster.layout.tp * e.cluster.layout.pp;
    return this.link * Math.min(per(this.prefill), per(this.decode));
  }

  /** B/s one replica pair's hand-off reaches: the aggregate link at the prefill engine's link efficiency. */
  get transferBandwidth(): number {
    return this.prefill.state.efficiency.link * this.pathBandwidth;
  }

  /** Seconds to hand one request's KV cache over. */
  transferTime(prompt: number): number {
    return this.kvBytes(prompt) / this.transferBandwidth + this.latency;
  }

  /** Seconds of one prefill pass of `n` prompts of which the last `uncached` tokens are computed. */
  private prefillPass(n: number, prompt: number, uncached: number): number {
    if (uncached === prompt) return this.p.prefillStep(n, prompt);
    return this.prefill.fullStepTime({ batch: n, tokens: uncached, past: prompt - uncached }, this.p.rates).total;
  }

  private decodeBatch(o: RequestShape): number {
    const ctx = o.prompt + o.output;
    const max = this.d.maxBatch(ctx);
    if (max === 0) throw new SuanliError("does-not-fit", `the decode pool (${this.decode.describe()}) cannot hold one sequence of ${ctx} tokens`, { value: ctx, expected: "a larger decode pool or a shorter request" });
    const b = o.batch === undefined ? max : positiveInt(o.batch, "batch");
    if (b > max) throw new SuanliError("does-not-fit", `decode batch ${b} at context ${ctx} does not fit the decode pool (${this.decode.describe()}); largest batch ${max}`, { value: b, expected: `batch ≤ ${max}` });
    return b;
  }

  private shape(o: RequestShape): { prompt: number; output: number; batch: number; uncached: number } {
    const prompt = positiveInt(o?.prompt, "prompt");
    const output = positiveInt(o?.output, "output");
    const uncached = prompt - Math.floor(cachedShare(o.cached) * prompt);
    if (!this.p.fits(1, prompt)) throw new SuanliError("does-not-fit", `the prefill pool (${this.prefill.describe()}) cannot hold a prompt of ${prompt} tokens`, { value: prompt });
    return { prompt, output, batch: this.decodeBatch({ prompt, output, batch: o.batch }), uncached };
  }

  /** TPOT of `batch` sequences at the mean context of a request. */
  private tpot(batch: number, prompt: number, output: number): number {
    return this.d.decodeStep(batch, prompt + Math.max(1, Math.round(output / 2)));
  }

  /**
   * One request through both pools, decoded beside `batch − 1` others (default 1): TTFT =
   * prefill (of the uncached part, with `cached`) + KV hand-off, TPOT from the decode pool.
   * @example disaggregated({ prefill: a, decode: b, link: "400 Gb/s" }).request({ prompt: 2048, output: 256 }).kvTransfer.time
   */
  request(o: RequestShape): DisaggregatedRequest {
    checkKeys(o, SHAPE_KEYS, "request");
    const { prompt, output, batch, uncached } = this.shape({ batch: 1, ...o });
    const prefill = this.prefillPass(1, prompt, uncached);
    const bytes = this.kvBytes(prompt);
    const time = bytes / this.transferBandwidth + this.latency;
    const tpot = this.tpot(batch, prompt, output);
    const ttft = prefill + time;
    return withText({ prompt, output, batch, prefill, kvTransfer: Object.freeze({ bytes, time }), ttft, tpot, latency: ttft + (output - 1) * tpot },
      (r) => `TTFT ${format(r.ttft, "time")} (prefill ${format(r.prefill, "time")} + KV hand-off ${format(r.kvTransfer.bytes, "bytes")} in ${format(r.kvTransfer.time, "time")}), TPOT ${format(r.tpot, "time")}, latency ${format(r.latency, "time")}`);
  }

  /** Steady-state rates of the pools and the link at decode batch `batch` (default: the largest that fits). */
  throughput(o: RequestShape): DisaggregatedThroughput {
    checkKeys(o, SHAPE_KEYS, "throughput");
    const { prompt, output, batch, uncached } = this.shape(o);
    // as many prompts as the pass's token budget takes and the prefill pool's memory holds
    const n = Math.max(1, Math.min(Math.floor(this.prefill.state.maxTokens / uncached), this.p.maxBatch(prompt)));
    const prefillRate = (this.p.replicas * n) / this.prefillPass(n, prompt, uncached);
    const tpot = this.tpot(batch, prompt, output);
    const decodeRate = (this.d.replicas * batch) / (output * tpot);
    const linkRate = (this.p.replicas * this.transferBandwidth) / this.kvBytes(prompt);
    const rate = Math.min(prefillRate, decodeRate, linkRate);
    const bottleneck = rate === prefillRate ? "prefill" : rate === decodeRate ? "decode" : "link";
    return withText({
      batch, requestsPerSecond: rate, tokensPerSecond: rate * output, tokensPerSecondPerGpu: (rate * output) / this.gpus, tokensPerSecondPerUser: 1 / tpot,
      prefillRate, decodeRate, linkRate, prefillTokensPerSecond: prefillRate * prompt, decodeTokensPerSecond: decodeRate * output,
      prefillUtilisation: rate / prefillRate, decodeUtilisation: rate / decodeRate, linkUtilisation: rate / linkRate, bottleneck,
    }, (r) => `${r.requestsPerSecond.toPrecision(3)} req/s, ${format(r.tokensPerSecond, "count")} output tok/s (${format(r.tokensPerSecondPerGpu, "count")} per GPU, ${format(r.tokensPerSecondPerUser, "count")} per user); ${r.bottleneck} binds (prefill ${percent(r.prefillUtilisation)}, decode ${percent(r.decodeUtilisation)}, link ${percent(r.linkUtilisation)} busy)`);
  }

  toString(): string {
    return `Disaggregated ${this.prefill.model.id} · prefill ${this.p.gpus}× ${this.prefill.gpu.id} (tp ${this.prefill.cluster.layout.tp}) · decode ${this.d.gpus}× ${this.decode.gpu.id} (tp ${this.decode.cluster.layout.tp}) · link ${format(this.link, "bandwidth")}`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** Prefill and decode pools joined by a KV link (see the module comment). */
export function disaggregated(o: DisaggregatedOptions): Disaggregated {
  return new Disaggregated(o);
}
