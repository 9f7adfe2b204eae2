/**
 * Multi-block mode / split-KV decoding (Flash-Decoding: Dao, Haziza, Massa & Sizov 2023,
 * "Flash-Decoding for long-context inference", https://crfm.stanford.edu/2023/10/12/flashdecoding.html;
 * TensorRT-LLM "multi-block mode", https://nvidia.github.io/TensorRT-LLM/advanced/gpt-attention.html).
 *
 * A decode attention kernel that splits work only by batch × heads launches
 * u = batch × heads-per-GPU thread blocks. With fewer blocks than SMs the rest idle; with a few
 * more, the last wave runs part-empty. Occupancy of a launch of u blocks on n SMs (one block
 * per SM at a time, equal blocks):
 *
 *   occ(u) = u ÷ (⌈u ÷ n⌉ × n)
 *
 * The roofline attention time t* (inference/roofline.ts) assumes every SM busy, so
 *
 *   no split   t = t* ÷ occ(B·H)
 *   split s    t = t* ÷ occ(B·H·s) + reduce,  reduce = B·H·s·(d_v + 2)·4 B × 2 ÷ (η_m·HBM) + launch
 *
 * per layer (d_v is the latent width d_c for MLA, whose absorbed decode accumulates over the
 * latent): each split writes its partial output and its log-sum-exp pair in fp32, a second
 * kernel reads them back and rescales (the Flash-Decoding blog's step 3). The number of splits
 * s is the one in [1, ⌈context ÷ minTokens⌉] with the best occupancy (the smallest on ties),
 * as the TensorRT-LLM heuristic fills the SMs while keeping each block ≥ a minimum KV length —
 * unless the reduction costs more than the occupancy gains, when the kernel runs unsplit
 * (s = 1): a split is taken only when t_split < t_no-split (TensorRT-LLM's multi-block mode is
 * likewise a heuristic that may be switched off per launch). MLA keeps one latent per token for
 * all heads, so with units "kvHeads" an MLA model has one unit per sequence (shard.kvHeads = 1).
 * Assumption (not a measurement): an idle SM's share of HBM bandwidth is lost with it.
 */
import { SuanliError } from "../errors.js";
import type { InferenceEngine } from "../inference/engine.js";
import { positiveInt } from "../validate.js";
import { decodePart, mixedStep } from "./mixed.js";
import { percent, withText } from "../display/result.js";
import { format } from "../units.js";

export interface SplitKvOptions {
  batch?: number;
  context: number;
  /** Smallest KV length one split processes (default 256 tokens). */
  minTokens?: number;
  /** Launch cost of the reduction kernel per layer, s (default 2 µs; an assumption). */
  launch?: number;
  /** Parallel units without splitting: "heads" (query heads, FlashAttention) or "kvHeads" (GQA-grouped kernels such as XQA). Default "heads". */
  units?: "heads" | "kvHeads";
  /** Override the GPU's SM count (e.g. for a part the catalog lacks it for). */
  sms?: number;
}

export interface SplitKvResult {
  readonly batch: number;
  readonly context: number;
  readonly sms: number;
  /** Thread blocks without split (B × heads per GPU) and with (× splits). */
  readonly blocks: number;
  readonly splits: number;
  readonly occupancyNoSplit: number;
  readonly occupancySplit: number;
  /** Attention time of one decode step (all layers), s. */
  readonly attentionIdeal: number;
  readonly attentionNoSplit: number;
  readonly attentionSplit: number;
  /** Decode step, s, without and with split-KV. */
  readonly decodeNoSplit: number;
  readonly decodeSplit: number;
  readonly attentionSpeedup: number;
  readonly decodeSpeedup: number;
  /** A short summary with units. */
  toString(): string;
}

/** occ(u) = u ÷ (⌈u ÷ n⌉ × n): the busy fraction of n SMs running u equal blocks. */
export function occupancy(blocks: number, sms: number): number {
  if (blocks <= 0) return 0;
  return blocks / (Math.ceil(blocks / sms) * sms);
}

/** Splits in [1, maxSplits] with the best occupancy of units × s blocks (smallest on ties). */
export function chooseSplits(units: number, sms: number, maxSplits: number): number {
  let best = 1;
  let occ = occupancy(units, sms);
  for (let s = 2; s <= maxSplits; s++) {
    const o = occupancy(units * s, sms);
    if (o > occ + 1e-12) {
      best = s;
      occ = o;
      if (o >= 1) break;
    }
  }
  return best;
}

/** SM count of the engine's GPU, or the override; refused when neither is known. */
function smCount(e: InferenceEngine, override?: number): number {
  if (override !== undefined) return positiveInt(override, "sms");
  const n = e.gpu.spec.sms;
  if (n === undefined) {
    throw new SuanliError("bad-argument", `${e.gpu.id} has no SM count in the catalog; pass { sms: n }`, { value: e.gpu.id, expected: "a GPU with `sms`, or the sms option" });
  }
  return n;
}

/**
 * Decode attention with and without split-KV on engine `e` (see the module comment).
 * @example splitKv(model("llama2-70b").on(cluster(gpu("H20"), 8).tp(8)), { batch: 1, context: 32768 }).attentionSpeedup
 */
export function splitKv(e: InferenceEngine, o: SplitKvOptions): SplitKvResult {
  const batch = positiveInt(o?.batch ?? 1, "batch");
  const context = positiveInt(o?.context, "context");
  const minTokens = positiveInt(o?.minTokens ?? 256, "minTokens");
  const launch = o?.launch ?? 2e-6;
  if (typeof launch !== "number" || !Number.isFinite(launch) || launch < 0) {
    throw new SuanliError("bad-argument", `launch must be a finite number of seconds ≥ 0, got ${String(launch)}`, { value: launch, expected: "≥ 0" });
  }
  const sms = smCount(e, o?.sms);
  const s = e.shard;
  const heads = o?.units === "kvHeads" ? s.kvHeads : s.heads;
  const units = batch * heads;
  const step = mixedStep(e, [decodePart(batch, context)]);
  const ideal = step.attention;
  const layers = s.layersPerStage * s.pp;
  const occNo = occupancy(units, sms);
  const noSplit = ideal / occNo;
  const memory = e.rates().memory;
  // each split's partial output per head: d_v wide, or the d_c-wide latent for absorbed MLA
  const dOut = s.arch.mla ? s.arch.mla.kvLoraRank : s.arch.vHeadDim;
  const cost = (n: number) => ideal / occupancy(units * n, sms) + (n > 1 ? layers * ((batch * s.heads * n * (dOut + 2) * 4 * 2) / memory + launch) : 0);
  const best = chooseSplits(units, sms, Math.max(1, Math.ceil(context / minTokens)));
  const splits = cost(best) < noSplit ? best : 1;
  const occSplit = occupancy(units * splits, sms);
  const withSplit = cost(splits);
  const rest = step.time - ideal;
  return withText({
    batch,
    context,
    sms,
    blocks: units,
    splits,
    occupancyNoSplit: occNo,
    occupancySplit: occSplit,
    attentionIdeal: ideal,
    attentionNoSplit: noSplit,
    attentionSplit: withSplit,
    decodeNoSplit: rest + noSplit,
    decodeSplit: rest + withSplit,
    attentionSpeedup: noSplit / withSplit,
    decodeSpeedup: (rest + noSplit) / (rest + withSplit),
  }, describeSplitKv);
}

/** Rows { batch, context, mode, attention_ms, decode_ms, speedup } over a grid, for charts. */
export function splitKvSweep(e: InferenceEngine, o: { batches: readonly number[]; contexts: readonly number[] } & Omit<SplitKvOptions, "batch" | "context">): Record<string, number | string>[] {
  const rows: Record<string, number | string>[] = [];
  for (const batch of o.batches) {
    for (const context of o.contexts) {
      const r = splitKv(e, { ...o, batch, context });
      rows.push({ batch, context, splits: r.splits, attention_no_split_ms: r.attentionNoSplit * 1e3, attention_split_ms: r.attentionSplit * 1e3, decode_no_split_ms: r.decodeNoSplit * 1e3, decode_split_ms: r.decodeSplit * 1e3, speedup: r.decodeSpeedup, attention_speedup: r.attentionSpeedup });
    }
  }
  return rows;
}

function describeSplitKv(r: SplitKvResult): string {
  return [
    `split-KV, batch ${r.batch} at ${r.context} tokens: ${r.splits} split${r.splits === 1 ? "" : "s"} of ${r.blocks} blocks on ${r.sms} SMs, attention ${format(r.attentionNoSplit, "time")} → ${format(r.attentionSplit, "time")} (${r.attentionSpeedup.toFixed(2)}×), decode step ${r.decodeSpeedup.toFixed(2)}× faster`,
    `SM occupancy ${percent(r.occupancyNoSplit)} → ${percent(r.occupancySplit)}; decode step ${format(r.decodeNoSplit, "time")} → ${format(r.decodeSplit, "time")}`,
  ].join("\n");
}
