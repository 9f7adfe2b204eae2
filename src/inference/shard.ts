/**
 * What one GPU holds and computes when a model is split Megatron-style (Shoeybi et al. 2019,
 * arXiv:1909.08053 §3) over `tp` GPUs and `pp` pipeline stages: heads, KV heads, weight
 * parameters per layer, KV elements per token, in plain numbers.
 *
 * Tensor parallelism splits attention by heads, so tp must divide the query heads. KV heads:
 * when tp divides them each GPU keeps n_kv / tp; when there are fewer KV heads than GPUs and
 * tp is a multiple of n_kv, each KV head is replicated on tp / n_kv GPUs (what vLLM and
 * TensorRT-LLM do for Llama-2-70B's 8 KV heads at TP 16) — each GPU then keeps one KV head,
 * and its K/V weights and cache are counted once per GPU. Any other ratio is refused.
 * MLA (DeepSeek) keeps the compressed latent whole on every GPU (it is not split by head): one
 * latent per token that every query head reads, so it counts as one KV head per GPU. Its
 * down-projections (q_a_proj, kv_a_proj_with_mqa) and their norms are replicated, not split:
 * vLLM and SGLang build them as ReplicatedLinear (vllm/model_executor/models/deepseek_v2.py);
 * only the head-wise up-projections (q_b_proj, kv_b_proj) and o_proj are split by tp. The DSA
 * indexer (DeepSeek-V3.2) is replicated too: one top-k per token serves every rank.
 * Vocabulary-parallel embedding and LM head: V / tp rows per GPU (Megatron §3).
 * With expert parallelism (ep > 1) each GPU holds E / ep routed experts whole (not tp-split);
 * shared experts and the router stay as without it.
 */
import { SuanliError } from "../errors.js";
import type { Architecture } from "../model/architecture.js";
import { isMoeLayer } from "../model/architecture.js";
import { kvElementsPerToken } from "../model/kv.js";
import { attentionParams, indexerParams, mlpParams } from "../model/params.js";

/** Layers of one kind: same window, same MLP type. */
export interface LayerGroup {
  /** Layers of this kind in the busiest pipeline stage. */
  readonly count: number;
  readonly window: number | null;
  readonly moe: boolean;
}

export interface Shard {
  readonly arch: Architecture;
  readonly tp: number;
  readonly pp: number;
  /** Query heads per GPU. */
  readonly heads: number;
  /** KV heads per GPU (≥ 1; replicated when n_kv < tp; 1 for MLA's shared latent). */
  readonly kvHeads: number;
  readonly kvReplicated: boolean;
  /** Per GPU, per layer, parameters of the Q/K/V projections (with biases, norms). */
  readonly qkvParams: number;
  /** Per GPU, per layer, attention output projection. */
  readonly outParams: number;
  /** Per GPU, per dense layer, MLP parameters. */
  readonly mlpParams: number;
  /** Per GPU, one routed expert's parameters (0 for dense models). */
  readonly expertParams: number;
  /** Per GPU, per MoE layer, shared-expert parameters. */
  readonly sharedParams: number;
  /** Per MoE layer, router parameters (replicated). */
  readonly routerParams: number;
  /** Per GPU: KV elements one token adds in one layer. */
  readonly kvElements: number;
  /** Per GPU: vocabulary rows of the embedding and LM head. */
  readonly vocab: number;
  /** Layers of the busiest stage, grouped by kind. */
  readonly groups: readonly LayerGroup[];
  readonly layersPerStage: number;
  /** Expert-parallel degree, routed experts held per GPU, busiest expert GPU's load over the mean. */
  readonly ep: number;
  readonly expertsPerGpu: number;
  readonly epImbalance: number;
}

/** Check a tensor-parallel degree against the model's heads; see the module comment. */
export function checkTp(a: Architecture, tp: number, id = "the model"): void {
  if (a.heads % tp !== 0) {
    throw new SuanliError("bad-parallelism", `tp ${tp} does not divide the ${a.heads} attention heads of ${id}; use a tp that divides ${a.heads}`, {
      value: tp,
      expected: `a divisor of ${a.heads}`,
    });
  }
  if (!a.mla && a.kvHeads % tp !== 0 && tp % a.kvHeads !== 0) {
    throw new SuanliError(
      "bad-parallelism",
      `tp ${tp} neither divides the ${a.kvHeads} KV heads of ${id} nor is a multiple of them (KV heads can be split or replicated, not both)`,
      { value: tp, expected: `a divisor or a multiple of ${a.kvHeads}` },
    );
  }
}

/** The per-GPU split of architecture `a` over tp × pp (and ep for its experts). */
export function shard(a: Architecture, tp: number, pp: number, id?: string, ep = 1, epImbalance = 1): Shard {
  checkTp(a, tp, id);
  if (ep > 1 && (!a.moe || a.moe.experts % ep !== 0 || ep % tp !== 0)) {
    const why = !a.moe ? `${id ?? "the model"} has no experts` : ep % tp !== 0 ? `ep must be a multiple of tp ${tp}` : `ep must divide the ${a.moe.experts} experts of ${id ?? "the model"}`;
    throw new SuanliError("bad-parallelism", `ep ${ep}: ${why}`, { value: ep, expected: a.moe ? `a divisor of ${a.moe.experts}, multiple of ${tp}` : "ep 1 for a dense model" });
  }
  if (pp > a.layers) {
    throw new SuanliError("bad-parallelism", `pp ${pp} exceeds the ${a.layers} layers of ${id ?? "the model"}`, { value: pp, expected: `≤ ${a.layers}` });
  }
  const d = a.hidden;
  const heads = a.heads / tp;
  const kvReplicated = !a.mla && a.kvHeads < tp;
  const kvHeads = a.mla ? 1 : kvReplicated ? 1 : a.kvHeads / tp;
  const out = a.heads * a.vHeadDim * d;
  let qkvParams: number;
  let kvElements: number;
  if (a.mla) {
    // Down-projections (q_a_proj + its norm, kv_a_proj_with_mqa + its norm) are replicated;
    // head-wise up-projections split.
    const m = a.mla;
    const replicated = d * (m.kvLoraRank + m.qkRopeHeadDim) + m.kvLoraRank + (m.qLoraRank === null ? 0 : d * m.qLoraRank + m.qLoraRank) + indexerParams(a);
    qkvParams = replicated + (attentionParams(a) - out - replicated) / tp;
    kvElements = kvElementsPerToken(a);
  } else {
    const kvOut = kvHeads * (a.headDim + a.vHeadDim);
    qkvParams = d * (heads * a.headDim + kvOut) + (a.bias !== "none" ? heads * a.headDim + kvOut : 0) + (a.qkNorm ? 2 * a.headDim : 0);
    kvElements = kvOut;
  }
  const moe = a.moe;
  const layersPerStage = Math.ceil(a.layers / pp);
  const scale = layersPerStage / a.layers;
  const tally = new Map<string, LayerGroup>();
  for (let i = 0; i < a.layers; i++) {
    const w = a.windows[i] ?? null;
    const m = isMoeLayer(a, i);
    const key = `${w}:${m}`;
    const g = tally.get(key);
    tally.set(key, { count: (g?.count ?? 0) + 1, window: w, moe: m });
  }
  const groups = [...tally.values()].map((g) => Object.freeze({ ...g, count: g.count * scale }));
  return Object.freeze({
    arch: a,
    tp,
    pp,
    heads,
    kvHeads,
    kvReplicated,
    qkvParams,
    outParams: out / tp,
    mlpParams: mlpParams(a, a.intermediate) / tp,
    expertParams: moe ? mlpParams(a, moe.expertIntermediate) / (ep > 1 ? 1 : tp) : 0,
    sharedParams: moe ? (moe.shared * mlpParams(a, moe.expertIntermediate)) / tp : 0,
    routerParams: moe ? moe.experts * d : 0,
    kvElements,
    vocab: a.vocab / tp,
    groups,
    layersPerStage,
    ep,
    expertsPerGpu: moe ? moe.experts / ep : 0,
    epImbalance: ep > 1 ? epImbalance : 1,
  });
}

/**
 * Expected distinct experts that N tokens, each routed to k of E experts uniformly, touch:
 * E × (1 − (1 − k/E)^N). Their weights are what a decode step reads (uniform-routing assumption).
 */
export function expertsTouched(experts: number, k: number, tokens: number): number {
  if (tokens <= 0) return 0;
  return experts * (1 - Math.pow(1 - k / experts, tokens));
}

/**
 * Expected remote nodes one token's `k` experts sit on, its EP group spread over `nodes` nodes of
 * E/nodes experts each: what a node-forwarded dispatch sends over the network per token.
 * Uniform routing: (nodes − 1) × (1 − C(E − E/nodes, k) ÷ C(E, k)); group-limited routing whose
 * groups are the nodes (DeepSeek-V3, arXiv:2412.19437 §2.1.2 and §3.2.2: each token to at most
 * M = topkGroups groups): M × (1 − 1/nodes), as training/time.ts nodeLimitedShare.
 */
export function remoteNodesTouched(experts: number, k: number, nodes: number, groups = 1, topkGroups = groups): number {
  if (nodes <= 1) return 0;
  if (groups > 1 && topkGroups < groups && groups === nodes) return topkGroups * (1 - 1 / nodes);
  const per = experts / nodes;
  let miss = 1;
  for (let i = 0; i < k; i++) miss *= Math.max(0, experts - per - i) / (experts - i);
  return (nodes - 1) * (1 - miss);
}
