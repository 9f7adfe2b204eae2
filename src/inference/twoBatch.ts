/**
 * Two-batch overlap (kernels.epOverlap "two-batch"): an expert-parallel step run as two
 * micro-batches, each of half the sequences, through every layer, one micro-batch's MoE
 * dispatch/combine in flight while the other computes. Each micro-batch is a whole step of its
 * own — it reads the weights again and runs its GEMMs at half the rows — so the step model
 * prices the two halves as they are (roofline.ts stepTime / stepRows, longcontext/mixed.ts),
 * and joins them here. With C_A, C_B the halves' time off the all-to-all (GEMMs, attention,
 * norms, tensor-parallel collectives), M_A, M_B their all-to-all time and n the MoE layers:
 *
 *   t = max(C_A + C_B, M_A + M_B) + min(C_A, M_B) ÷ (2n)
 *
 * The compute stream runs A's then B's compute of each layer and the network A's then B's
 * dispatch and combine of it, each hidden behind the other micro-batch's compute, so a layer
 * takes the longer of its two streams; the last term is the pipeline's two ends, where one
 * side has nothing to hide behind: A's first compute stage before any dispatch (half a layer of
 * C_A) or B's last combine (half a layer of M_B), whichever the slower stream waits on. The
 * layer is taken as balanced between its stages — the reason DeepSeek splits decode's attention
 * in two (a 5-stage pipeline) and SGLang places the shared experts beside the combine.
 *
 * Without the SM share below, t lies between max(C_A + C_B, M_A + M_B) — never below the whole
 * batch's max(compute, all-to-all), the halves each paying the weight read and the all-to-all's
 * start-up — and the two halves run back to back, C_A + C_B + M_A + M_B.
 *
 * Sources: DeepSeek-V3/R1 inference system (open-infra-index, 202502OpenSourceWeek, day 6,
 * "Computation-Communication Overlapping": "a dual-batch overlap strategy … splitting a batch of
 * requests into two microbatches"; decode: "we subdivide the attention layer into two steps and
 * use a 5-stage pipeline"); DeepSeek profile-data README (prefill EP32: "two micro-batches to
 * overlap computation and all-to-all communication"; decode EP128: "also leverages two
 * micro-batches", the all-to-all not occupying SMs), https://github.com/deepseek-ai/profile-data;
 * SGLang's large-scale EP post ("Two-batch Overlap", https://lmsys.org/blog/2025-05-05-large-scale-ep/).
 *
 * DeepEP's normal kernels (kernels.allToAll "forwarded", the prefill all-to-all) run on SMs:
 * while one micro-batch's dispatch/combine is in flight the other's GEMMs get the rest —
 * DeepSeek's prefill figure gives "Computation 108 SMs, Communication 24 SMs" of H800's 132,
 * and SGLang's prefill schedule launches DeepGEMM on the SMs DeepEP leaves. The compute-bound
 * time of each half is stretched by SMs ÷ (SMs − 24) (computeStretch; 1 where the catalog has
 * no SM count). The low-latency kernels of decode ("direct") hold none: "the all-to-all
 * communication during decoding does not occupy GPU SMs" (profile-data README, Decoding), as
 * DeepSeek's decode figure shows (Communication 0 SMs).
 *
 * The split is by sequences (ceil and floor of half the batch); a step of one sequence runs
 * whole (DeepSeek's prefill also splits a prompt between the halves; not modelled), as does a
 * step without expert parallelism or MoE layers.
 */
import type { Kernels } from "./kernels.js";
import type { Shard } from "./shard.js";

/** The kernels.epOverlap mode that prices the two micro-batches (see the module comment). */
export const TWO_BATCH = "two-batch";

/** Whether a step of `sequences` sequences on shard `s` runs as two micro-batches under kernels `k`. */
export function splitsInTwo(s: Shard, k: Kernels, sequences: number): boolean {
  return k.epOverlap === TWO_BATCH && s.ep > 1 && s.arch.moe !== undefined && sequences >= 2;
}

/** The two micro-batches' sequences: ⌈B/2⌉ and ⌊B/2⌋. */
export function halves(batch: number): [number, number] {
  return [Math.ceil(batch / 2), Math.floor(batch / 2)];
}

/** SMs DeepEP's normal kernels hold beside the compute in DeepSeek's prefill (day 6, prefill figure). */
export const NORMAL_KERNEL_SMS = 24;

/**
 * Factor on the compute-bound time of each micro-batch: SMs ÷ (SMs − 24) when the all-to-all
 * runs DeepEP's normal kernels (kernels.allToAll "forwarded") on a part of `sms` SMs, else 1.
 */
export function computeStretch(k: Kernels, sms: number | undefined): number {
  return k.allToAll === "forwarded" && sms !== undefined && sms > NORMAL_KERNEL_SMS ? sms / (sms - NORMAL_KERNEL_SMS) : 1;
}

/**
 * One micro-batch's time off the all-to-all (`compute`), of which `bound` in compute-bound
 * operators, and on it (`comm`), s.
 */
export interface HalfTime {
  readonly compute: number;
  readonly comm: number;
  readonly bound?: number;
}

/**
 * Step time of micro-batches `a` then `b` over `layers` MoE layers (the module comment's t),
 * their compute-bound time stretched by `stretch` (computeStretch); with no all-to-all or no
 * MoE layer, the two back to back as they are.
 */
export function twoBatchTime(a: HalfTime, b: HalfTime, layers: number, stretch = 1): number {
  if (!(layers > 0) || a.comm + b.comm <= 0) return a.compute + b.compute + a.comm + b.comm;
  const ca = a.compute + (stretch - 1) * (a.bound ?? 0);
  const cb = b.compute + (stretch - 1) * (b.bound ?? 0);
  return Math.max(ca + cb, a.comm + b.comm) + Math.min(ca, b.comm) / (2 * layers);
}
