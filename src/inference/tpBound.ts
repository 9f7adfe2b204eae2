/**
 * How many GPUs tensor parallelism can use before the interconnect, not compute, sets the pace
 * (the article's "148 for H20, 31 for A800").
 *
 * Per token and layer, Megatron-style TP splits the layer's FLOPs over N GPUs and performs two
 * all-reduces of the d-wide activation (after attention and after the MLP; Shoeybi et al. 2019,
 * arXiv:1909.08053 §3). Communication is hidden while compute time ≥ link time:
 *
 *   article convention:  (24·d² / N) / F  ≥  8·d / B_total      ⇒  N ≤ 3·d·B_total / F
 *     24·d²: forward FLOPs of a GPT layer with 12·d² parameters; 8·d bytes: 2 all-reduces ×
 *     (reduce-scatter + all-gather) × d × 2 B; B_total: NVLink both directions.
 *   ring convention:     (F_layer / N) / F  ≥  2 × 2(N−1)/N × d × s / B_dir
 *                                                             ⇒  N ≤ 1 + F_layer·B_dir / (4·d·s·F)
 *     F_layer: the model's real per-layer FLOPs (GQA, gated MLP); a ring all-reduce sends
 *     2(N−1)/N of the message each way (Patarasuk & Yuan 2009); B_dir: one direction.
 */
import { Quantity } from "../quantity.js";
import { add, div, mul, num, qty, type Term } from "../derive/term.js";
import type { Gpu } from "../hardware/gpu.js";
import type { Model } from "../model/model.js";
import { attentionParams, mlpParams } from "../model/params.js";
import { oneOf } from "../validate.js";

export interface TpBoundOptions {
  /** "article" (default): 3·d·B_total/F, as the article computes; "ring": real layer FLOPs, ring all-reduce, one direction. */
  convention?: "article" | "ring";
  /** Bytes per activation element on the wire (default 2, fp16/bf16). */
  activationBytes?: number;
}

export interface TpBound {
  /** Largest whole number of GPUs before the link binds. */
  readonly gpus: Quantity<"count">;
  /** The bound before rounding down. */
  readonly exact: Quantity<"count">;
  readonly convention: "article" | "ring";
}

/** The tensor-parallel GPU count at which all-reduce time equals compute time, for model `m` on `g`. */
export function tensorParallelBound(m: Model, g: Gpu, opts: TpBoundOptions = {}): TpBound {
  const convention = oneOf(opts.convention ?? "article", ["article", "ring"], "convention");
  const s = opts.activationBytes ?? 2;
  const a = m.arch;
  const d = a.hidden;
  const F = g.peak().value;
  const link = g.link;
  let exact: number;
  let term: Term;
  let formula: string;
  if (convention === "article") {
    const B = link.total.value;
    exact = (3 * d * B) / F;
    formula = "N ≤ (24·d² / F) ÷ (8·d / B_total) = 3·d·B_total / F";
    term = div(mul(num(3), num(d, "d"), qty(B / 1e9, "GB/s")), qty(F / 1e12, "TFLOPS"));
  } else {
    const B = link.perDirection.value;
    const flopsPerLayer = 2 * (attentionParams(a) + mlpParams(a, a.moe ? a.moe.expertIntermediate * (a.moe.active + a.moe.shared) : a.intermediate));
    exact = 1 + (flopsPerLayer * B) / (4 * d * s * F);
    formula = "N ≤ 1 + F_layer·B_dir / (4·d·s·F)";
    term = add(num(1), div(mul(num(flopsPerLayer, "FLOP/layer"), qty(B / 1e9, "GB/s")), mul(num(4), num(d, "d"), qty(s, "B"), qty(F / 1e12, "TFLOPS"))));
  }
  const title = `tensor-parallel bound for ${m.id} on ${g.id} ${g.precisionName} over ${link.kind} (${convention} convention)`;
  const how = () => ({ title, formula, term, source: "Shoeybi et al. 2019 (Megatron-LM, arXiv:1909.08053) §3; ring all-reduce: Patarasuk & Yuan 2009" });
  return Object.freeze({
    gpus: new Quantity(Math.floor(exact), "count", () => ({ ...how(), title: `${title}, rounded down` })),
    exact: new Quantity(exact, "count", how),
    convention,
  });
}
