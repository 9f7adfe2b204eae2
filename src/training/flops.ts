/**
 * Training FLOPs per token: forward + backward, with the attention term and the recomputation
 * overhead.
 *
 *   forward per token   F = 2·P_matmul + A,   A = Σ_layers 2·a·(d_qk + d_v) × keys per query
 *   model FLOPs         3·F   (backward = 2 × forward: Kaplan et al. 2020 §2.1; "6N" + attention,
 *                              Hoffmann et al. 2022 (Chinchilla) App. F; PaLM App. B)
 *   hardware FLOPs      matmuls 3·2P, + 2P − 2·V·h with full recomputation (the layers again, not the LM
 *                       head → 8N: Narayanan et al. 2021, arXiv:2104.04473 §5.1, eq. 3:
 *                       96·B·s·l·h²(1 + s/6h + V/16lh) per iteration);
 *                       attention core, as multiples of its forward A:
 *                         FlashAttention     1 + 2.5 = 3.5·A; full recomputation + A → 4.5·A. The backward
 *                                            runs five matmuls (S = QKᵀ again, dV, dP, dQ, dK) to the
 *                                            forward's two: 2.5× (Dao 2023, FlashAttention-2,
 *                                            arXiv:2307.08691 §3.1.2 and §4.1, whose benchmarks count
 *                                            backward FLOPs as 2.5 × forward)
 *                         unfused attention  1 + 2 = 3·A (dS, dQ, dK, dP, dV from the kept scores);
 *                                            selective or full recomputation + A → 4·A
 *
 * recompute "deepseek-v3" counts the attention core as selective recomputation does and adds a
 * forward of the MLA up-projections (q_lora → heads·d_qk, kv_lora → heads·(d_nope + d_v)) per layer.
 *
 * keys per query: (s+1)/2 averaged over a causal sequence (default), or s for the full s×s
 * square as Narayanan et al. and PaLM count it (`attentionFlops: "full"`); sliding windows cap it.
 */
import type { Architecture } from "../model/architecture.js";
import { attnFlopsPerKey, causalKeys } from "../model/flops.js";
import type { TrainConfig } from "./options.js";

export interface TrainFlops {
  /** Forward matmul FLOPs per token: 2·P_matmul. */
  readonly linearForward: number;
  /** Forward attention-core FLOPs per token (QKᵀ and AV), all layers. */
  readonly attentionForward: number;
  /** Model FLOPs per token (no recomputation): 3 × forward. */
  readonly model: number;
  /** Matmul FLOPs the GPUs execute per token, recomputation included. */
  readonly linear: number;
  /** Attention-core FLOPs the GPUs execute per token, recomputation included. */
  readonly attention: number;
  /** linear + attention. */
  readonly hardware: number;
}

/** Attention keys per query summed over layers for sequences of `s` tokens. */
export function keysPerQuery(a: Architecture, s: number, convention: "causal" | "full"): number {
  let k = 0;
  for (const w of a.windows) k += convention === "full" ? (w === null ? s : Math.min(s, w)) : causalKeys(s, w) / s;
  return k;
}

/** FLOPs per trained token for config `c` (see the header for formulas and sources). */
export function trainFlops(a: Architecture, matmulParams: number, c: Pick<TrainConfig, "seq" | "recompute" | "flashAttention" | "attentionFlops">): TrainFlops {
  const linearForward = 2 * matmulParams;
  const attentionForward = attnFlopsPerKey(a) * keysPerQuery(a, c.seq, c.attentionFlops);
  const full = c.recompute === "full";
  const attnPasses = c.flashAttention ? (full ? 4.5 : 3.5) : c.recompute !== "none" ? 4 : 3;
  // The LM head is not inside a recomputed layer: full recomputation repeats the layers' matmuls only.
  const upProjection = c.recompute === "deepseek-v3" && a.mla
    ? 2 * a.layers * a.heads * ((a.mla.qLoraRank === null ? 0 : a.mla.qLoraRank * (a.mla.qkNopeHeadDim + a.mla.qkRopeHeadDim)) + a.mla.kvLoraRank * (a.mla.qkNopeHeadDim + a.mla.vHeadDim))
    : 0;
  const linear = 3 * linearForward + (full ? linearForward - 2 * a.vocab * a.hidden : 0) + upProjection;
  const attention = attnPasses * attentionForward;
  return Object.freeze({
    linearForward,
    attentionForward,
    model: 3 * (linearForward + attentionForward),
    linear,
    attention,
    hardware: linear + attention,
  });
}
