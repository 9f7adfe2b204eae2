/**
 * `speculative(engine, { draft, accept | acceptLength, tokens })` — speculative decoding priced by the engine's
 * own step model. Each step a cheap drafter proposes k tokens per sequence, then the target
 * model verifies all of them in one forward pass of k + 1 tokens per sequence (a prefill-like
 * step at the current context) and keeps the accepted prefix plus one token of its own.
 *
 * With acceptance rate α per drafted token (i.i.d.), the expected tokens a step emits are
 *
 *   E[tokens] = (1 − α^(k+1)) / (1 − α)          (= k + 1 at α = 1, = 1 at α = 0)
 *
 * (Leviathan, Kalman & Matias 2023, "Fast Inference from Transformers via Speculative
 * Decoding", arXiv:2211.17192, eq. 1 / Theorem 3.8), and, with v = k + 1 verified tokens for a
 * chain (`verify`: a draft tree's size, as EAGLE and Medusa verify),
 *
 *   step time  = k × t_draft(batch, context) + t_target(batch, tokens = v, past = context)
 *   speedup    = E[tokens] × t_target(batch, tokens = 1, past = context − 1) ÷ step time
 *
 * At batch 1 the verify step costs about one decode step (the weights are read once, the extra
 * tokens ride in the memory-bound shadow), so speedup ≈ E[tokens]; as batch grows the verify
 * step becomes compute-bound and costs ≈ (k + 1) decode steps, so the speedup falls below 1.
 * What the extra tokens cost is the engine's own physics: an MoE layer touches more experts
 * (ops.ts E_touched), the all-to-all carries k + 1 tokens, and MLA verifies absorbed, as it
 * decodes (ops.ts), so where its attention is compute-bound — 128 heads over one latent, long
 * contexts — each drafted token adds about a decode step's attention. A fixed time per step
 * that the engine does not see (scheduling, launch latency) would dilute these costs: the
 * speedup is only as right as the plain decode step it divides by.
 *
 * Papers and engine reports give the mean accepted length τ — tokens emitted per verify step,
 * drafted tokens kept plus the target's own (EAGLE's "average acceptance length", TensorRT-LLM's
 * MTP "acceptance rate" column of 1.92–3.01 tokens) — rather than α. `acceptLength: τ` takes it
 * and solves (1 − α^(k+1)) / (1 − α) = τ for α (the expression rises monotonically in α from 1
 * at α = 0 to k + 1 at α = 1, so one α in [0, 1] gives each τ in [1, k + 1]); τ outside
 * [1, k + 1] is impossible for k drafted tokens and is refused.
 *
 * Drafters: another model's engine (same vocabulary — the draft's tokens must be the target's
 * tokens; refused otherwise), or `{ mtp: n }` — multi-token-prediction modules as in DeepSeek-V3
 * (arXiv:2412.19437 §2.2: each is one transformer block, a projection M ∈ R^(d×2d) of the
 * normalised hidden state and next-token embedding, and the target's shared embedding and output
 * head; the block is an MoE layer, "MoE-architecture equivalent" in TensorRT-LLM's DeepSeek-R1
 * latency blog). A draft step of an MTP module is priced on the target's own roofline as
 *
 *   t_draft = t(one block of the target's MoE kind, else its last layer kind, + embedding + final
 *             norm + LM head) + t(projection GEMM: 2·B·2d·d FLOPs, 2d·d/tp weights) + perLayer
 *
 * at `batch` sequences and the current context — one layer's fixed overhead (perLayer × the block's
 * kernels ÷ 10, inference/layerKernels.ts), not a step's:
 * TensorRT-LLM captures the verify and draft stages in one CUDA graph (tech blog 2, "Basic
 * Implementation"). `{ mtp: n, weights: "bf16" }` stores the module apart from the target's
 * weights (TensorRT-LLM keeps DeepSeek-R1's MTP layers in BF16 beside NVFP4 experts, tech blog 1
 * "Precision Strategy"). With k > n (TensorRT-LLM's "MTP Eagle") the same module runs k times.
 */
import { SuanliError, show } from "../errors.js";
import { format } from "../units.js";
import { withText } from "../display/result.js";
import type { InferenceEngine } from "../inference/engine.js";
import { computeRate, memoryRate, stepTime, type Rates } from "../inference/roofline.js";
import { ACTIVATION_BYTES, weightBytesPerParam, withDtypes, type Dtypes } from "../inference/dtypes.js";
import { opTime } from "../inference/kernels.js";
import { DENSE_LAYER_KERNELS, layerKernels } from "../inference/layerKernels.js";
import type { Dtype } from "../hardware/precision.js";
import { checkKeys, positiveInt } from "../validate.js";

/** A drafter: another engine (a small model of the same vocabulary) or n MTP modules (stored as `weights`, default the target's). */
export type Drafter = InferenceEngine | { mtp: number; weights?: Dtype | string };

export interface SpeculativeOptions {
  /** The drafter: an engine of a smaller model with the target's vocabulary, or { mtp: 1 }. */
  draft: Drafter;
  /** Probability that the target accepts a drafted token, in [0, 1] (or give acceptLength). */
  accept?: number;
  /** Mean tokens emitted per verify step, τ ∈ [1, k + 1], as papers report it (instead of accept). */
  acceptLength?: number;
  /** Tokens drafted per step, k (default 4; with { mtp: n }, n): the depth of a draft tree. */
  tokens?: number;
  /**
   * Tokens the target verifies per sequence per step (default k + 1, a chain): a draft tree's
   * nodes plus the root — EAGLE's 25-node tree of depth 5 verifies 26 — at least k + 1.
   * A tree accepts more than a chain at the same per-token rate: give its acceptLength (the
   * α solved from it is then the chain's equivalent).
   */
  verify?: number;
}

/** One operating point of speculative decoding (seconds, tokens/s; plain numbers). */
export interface SpeculativePoint {
  readonly batch: number;
  readonly context: number;
  /** Expected tokens emitted per sequence per step: (1 − α^(k+1)) / (1 − α). */
  readonly tokensPerStep: number;
  /** k × draft step, s. */
  readonly draftTime: number;
  /** Verification of `verify` tokens (k + 1 for a chain) per sequence, s. */
  readonly verifyTime: number;
  /** draftTime + verifyTime, s. */
  readonly stepTime: number;
  /** A plain decode step of the target, s. */
  readonly baselineTime: number;
  /** Effective time per output token, s: stepTime ÷ tokensPerStep. */
  readonly tpot: number;
  /** baselineTime ÷ tpot: > 1 where speculation pays. */
  readonly speedup: number;
  /** Output tokens/s of the whole cluster with speculation. */
  readonly tokensPerSecond: number;
}

/** Expected tokens per step with k drafted tokens at acceptance α (Leviathan et al. 2023, eq. 1). */
export function expectedTokens(accept: number, k: number): number {
  if (accept >= 1) return k + 1;
  return (1 - Math.pow(accept, k + 1)) / (1 - accept);
}

/**
 * The per-token acceptance α whose expected tokens per step, (1 − α^(k+1)) / (1 − α), equal the
 * mean accepted length τ (bisection on the monotone expression; τ = 1 → 0, τ = k + 1 → 1).
 */
export function acceptanceFromLength(tau: number, k: number): number {
  positiveInt(k, "tokens");
  if (typeof tau !== "number" || !Number.isFinite(tau) || tau < 1 || tau > k + 1) {
    throw new SuanliError("bad-argument", `acceptLength must be the mean tokens a verify step emits, in [1, ${k + 1}] with ${k} drafted token${k > 1 ? "s" : ""}, got ${show(tau)}`, { value: tau, expected: `1 ≤ acceptLength ≤ ${k + 1}` });
  }
  if (tau === 1) return 0;
  if (tau === k + 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 64; i++) {
    const mid = (lo + hi) / 2;
    if (expectedTokens(mid, k) < tau) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function checkAccept(v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 1) {
    throw new SuanliError("bad-argument", `accept must be an acceptance rate in [0, 1], got ${show(v)}`, { value: v, expected: "0 ≤ accept ≤ 1" });
  }
  return v;
}

export class Speculative {
  readonly target: InferenceEngine;
  readonly draft: Drafter;
  readonly accept: number;
  readonly k: number;
  /** Tokens verified per sequence per step (k + 1 for a chain, the tree's size for a tree). */
  readonly verify: number;
  private readonly targetRates: Rates;
  private readonly draftRates: Rates | undefined;
  /** Storage of the MTP modules' weights (the target's unless draft.weights says otherwise). */
  private readonly mtpDtypes: Dtypes | undefined;

  constructor(target: InferenceEngine, o: SpeculativeOptions) {
    if (o === null || typeof o !== "object") throw new SuanliError("bad-argument", `speculative(engine, { draft, accept, tokens }) needs options, got ${show(o)}`, { value: o });
    this.target = target;
    checkKeys(o, ["draft", "accept", "acceptLength", "tokens", "verify"], "speculative()");
    if ((o.accept === undefined) === (o.acceptLength === undefined)) {
      throw new SuanliError("bad-argument", `speculative() needs one of accept (the per-token acceptance rate) or acceptLength (the mean tokens per verify step), got ${o.accept === undefined ? "neither" : "both"}`, { value: o, expected: "{ accept } or { acceptLength }" });
    }
    const d = o.draft;
    if (d !== null && typeof d === "object" && "mtp" in d) {
      checkKeys(d, ["mtp", "weights"], "speculative() draft");
      this.k = positiveInt(o.tokens ?? positiveInt(d.mtp, "draft.mtp"), "tokens");
      this.draftRates = undefined;
      this.mtpDtypes = d.weights === undefined ? target.state.dtypes : withDtypes(target.state.dtypes, { weights: d.weights });
    } else if (d !== null && typeof d === "object" && "fullStepTime" in d) {
      const tv = target.model.arch.vocab;
      const dv = d.model.arch.vocab;
      if (tv !== dv) {
        throw new SuanliError("bad-argument", `draft ${d.model.id} has a vocabulary of ${dv} tokens but ${target.model.id} has ${tv}: a drafter must share the target's tokenizer`, { value: d.model.id, expected: `a draft model with vocab ${tv}` });
      }
      this.k = positiveInt(o.tokens ?? 4, "tokens");
      this.draftRates = d.rates();
      this.mtpDtypes = undefined;
    } else {
      throw new SuanliError("bad-argument", `draft must be an engine (model("llama3.1-8b").on(…)) or { mtp: 1 }, got ${show(d)}`, { value: d, expected: "an InferenceEngine or { mtp: n }" });
    }
    this.accept = o.acceptLength === undefined ? checkAccept(o.accept) : acceptanceFromLength(o.acceptLength, this.k);
    this.verify = o.verify === undefined ? this.k + 1 : positiveInt(o.verify, "verify");
    if (this.verify < this.k + 1) {
      throw new SuanliError("bad-argument", `verify must be at least tokens + 1 = ${this.k + 1} (the drafted chain and the target's own token), got ${o.verify}`, { value: o.verify, expected: `an integer ≥ ${this.k + 1}` });
    }
    this.draft = d;
    this.targetRates = target.rates();
    Object.freeze(this);
  }

  /** Expected tokens per step, (1 − α^(k+1)) / (1 − α). */
  get tokensPerStep(): number {
    return expectedTokens(this.accept, this.k);
  }

  /** Seconds of one drafted token for `batch` sequences at `context`. */
  draftStep(batch: number, context: number): number {
    const d = this.draft;
    if ("mtp" in d) {
      const e = this.target;
      const s = e.shard;
      const r = this.targetRates;
      const k = e.state.kernels;
      const dt = this.mtpDtypes!;
      // one block of the target's MoE kind (else its last kind), with embedding, final norm and head
      const block = s.groups.find((g) => g.moe) ?? s.groups[s.groups.length - 1]!;
      const module = stepTime({ ...s, groups: [{ ...block, count: 1 }] }, dt, { batch, tokens: 1, past: context - 1 }, r, k).total;
      // the projection of [norm(h); norm(embedding)] (2d) to d, column-parallel over tp
      const h = e.model.arch.hidden;
      const params = (2 * h * h) / s.tp;
      const tc = (2 * batch * params) / computeRate("gemm", batch, r, k);
      const tm = (params * weightBytesPerParam(dt) + batch * (2 * h + h / s.tp) * ACTIVATION_BYTES) / memoryRate("gemm", r, k);
      // one layer's fixed overhead, scaled by the block's kernels (layerKernels.ts); the projection is one more GEMM launch (launches.ts)
      return module + opTime(tc, tm, k.overlap) + (r.gemmLatency ?? 0) + (e.state.overhead.perLayer * layerKernels(e.model.arch, block.moe)) / DENSE_LAYER_KERNELS;
    }
    return d.fullStepTime({ batch, tokens: 1, past: context - 1 }, this.draftRates).total;
  }

  /**
   * Speedup over plain decoding for `batch` sequences at `context` tokens (see the module comment).
   * @example speculative(e, { draft: { mtp: 1 }, accept: 0.85 }).speedup({ batch: 1, context: 4096 }).speedup
   */
  speedup(o: { batch?: number; context: number }): SpeculativePoint {
    checkKeys(o, ["batch", "context"], "speedup");
    const batch = positiveInt(o?.batch ?? 1, "batch");
    const context = positiveInt(o?.context, "context");
    const e = this.target;
    const free = this.free(batch, context);
    if (free < 0) {
      const max = this.maxBatch(context);
      throw new SuanliError(
        "does-not-fit",
        `batch ${batch} at context ${context} does not fit ${e.describe()} with its drafter: ${format(-free, "bytes")} over per GPU (the target's weights, KV for context + ${this.verify} verified tokens, workspace and reserve${"mtp" in this.draft ? "" : ", plus the draft model's weights and KV"}). ${max > 0 ? `Largest batch at this context: ${max}` : "Nothing fits at this context"}.`,
        { value: { batch, context }, expected: max > 0 ? `batch ≤ ${max}` : "more GPUs or smaller dtypes" },
      );
    }
    const baselineTime = e.fullStepTime({ batch, tokens: 1, past: context - 1 }, this.targetRates).total;
    const verifyTime = e.fullStepTime({ batch, tokens: this.verify, past: context }, this.targetRates).total;
    const draftTime = this.k * this.draftStep(batch, context);
    const stepTime = draftTime + verifyTime;
    const tokensPerStep = this.tokensPerStep;
    const tpot = stepTime / tokensPerStep;
    return withText({
      batch, context, tokensPerStep, draftTime, verifyTime, stepTime, baselineTime, tpot,
      speedup: baselineTime / tpot,
      tokensPerSecond: (e.cluster.layout.dp * batch) / tpot,
    }, (p) => `speedup ${p.speedup.toFixed(2)}× at batch ${p.batch}, context ${p.context}: ${p.tokensPerStep.toFixed(2)} tokens per step in ${format(p.stepTime, "time")} (draft ${format(p.draftTime, "time")} + verify ${format(p.verifyTime, "time")}) against ${format(p.baselineTime, "time")} per plain step; ${format(p.tokensPerSecond, "count")} tok/s`);
  }

  /**
   * Largest batch (powers of two up to `max`, default 4096, and up to the largest batch that fits
   * with the drafter) where speculation still pays (speedup > 1); 0 if none. Every power of two is
   * tried: on MoE models the speedup need not fall monotonically with the batch.
   */
  breakEven(o: { context: number; max?: number }): number {
    checkKeys(o, ["context", "max"], "breakEven");
    const context = positiveInt(o?.context, "context");
    const max = Math.min(positiveInt(o?.max ?? 4096, "max"), this.maxBatch(context));
    let best = 0;
    for (let b = 1; b <= max; b *= 2) {
      if (this.speedup({ batch: b, context }).speedup > 1) best = b;
    }
    return best;
  }

  /**
   * Bytes per GPU left at `batch` sequences of `context` tokens with speculation running (negative:
   * over): the target's memory with room for the verified tokens, less a draft model's own weights
   * and KV cache where the drafter is a separate model on the same GPUs. MTP modules' own weights
   * are not counted: the model's parameter count leaves them out, as its config does (for
   * DeepSeek-V3 one more MoE block, about 1.7 % of the weights).
   */
  private free(batch: number, context: number): number {
    const t = this.target.memory({ batch, context: context + this.verify });
    const d = this.draft;
    if ("mtp" in d) return t.free;
    const dm = d.memory({ batch, context: context + this.k });
    return t.free - dm.weights.value - dm.kv.value;
  }

  /** Largest batch that fits at `context` with the drafter (0 if none). */
  private maxBatch(context: number): number {
    let lo = 0;
    let hi = 1;
    while (hi <= 1 << 24 && this.free(hi, context) >= 0) {
      lo = hi;
      hi *= 2;
    }
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.free(mid, context) >= 0) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  toString(): string {
    const d = this.draft;
    const name = "mtp" in d ? `${d.mtp} MTP head${d.mtp > 1 ? "s" : ""}` : d.model.id;
    return `Speculative ${this.target.model.id} · draft ${name} · k ${this.k}${this.verify > this.k + 1 ? ` · verify ${this.verify}` : ""} · accept ${+this.accept.toFixed(4)} · ${this.tokensPerStep.toFixed(2)} tokens/step`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Speculative decoding on `engine` (see the module comment).
 * @example speculative(model("llama3.1-70b").on(c), { draft: model("llama3.1-8b").on(c), accept: 0.8, tokens: 4 }).speedup({ batch: 1, context: 2048 })
 */
export function speculative(engine: InferenceEngine, o: SpeculativeOptions): Speculative {
  return new Speculative(engine, o);
}
