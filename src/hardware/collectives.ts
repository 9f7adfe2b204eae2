/**
 * Time of the collectives parallel LLM runs use, on a ring (α–β model):
 *
 *   all-reduce      t = 2(n−1)/n × S / (η·B) + 2(n−1) × α
 *   reduce-scatter  t =  (n−1)/n × S / (η·B) +  (n−1) × α
 *   all-gather      t =  (n−1)/n × S / (η·B) +  (n−1) × α
 *   point-to-point  t =            S / (η·B) +            α
 *   all-to-all      t =  (n−1)/n × S / (η·B) +  (n−1) × α   (pairwise exchange: each rank keeps
 *                   1/n of its S bytes and sends 1/n to each peer — MoE dispatch and combine)
 *
 * S: bytes of the full tensor each rank holds (all-reduce input; all-gather output;
 * reduce-scatter input), n: ranks in the group, B: link bandwidth per direction (B/s),
 * η: achievable fraction of B, α: per-step latency (s). A ring all-reduce is a reduce-scatter
 * followed by an all-gather, 2(n−1) steps each sending S/n, and is bandwidth-optimal
 * (Patarasuk & Yuan, "Bandwidth optimal all-reduce algorithms for clusters of workstations",
 * JPDC 69(2) 2009). NCCL reports "bus bandwidth" with the same 2(n−1)/n factor
 * (https://github.com/NVIDIA/nccl-tests/blob/master/doc/PERFORMANCE.md).
 * A group of one sends nothing: every collective over n = 1 takes 0 s.
 *
 * Serving engines (TensorRT-LLM's custom all-reduce, vLLM and SGLang custom_all_reduce, PyTorch's
 * intra-node one-shot kernel) all-reduce small tensors over NVLink without a ring: every rank
 * writes its tensor into its peers' buffers, one barrier, and each sums what it received —
 *
 *   one-shot        t =     L + (n−1) × S / (η·B)
 *   two-shot        t = 2 × L + 2(n−1)/n × S / (η·B)     (reduce-scatter, then all-gather)
 *
 * with L the kernel's launch-and-barrier latency, roughly flat in n: 6–15 µs on 8×H100
 * (PyTorch PR #114001, https://github.com/pytorch/pytorch/pull/114001, its one-shot latency
 * plot; ~17 µs reproduced in https://github.com/pytorch/pytorch/issues/131739), against NCCL's
 * ring at 2(n−1) hops (~34 µs for 8 bytes on 8×A100, https://github.com/NVIDIA/nccl-tests/issues/123).
 * ONE_SHOT_LATENCY, 12 µs, sits in that range; fitted to whole serving steps (calibrate(), where
 * rank skew at each barrier adds to it) the shipped measurements ask for 16–20 µs.
 * `collectiveTime(…, L)` takes the fastest of the three (the ring also paying L) on NVLink/xGMI,
 * the choice those engines make by message size; without L (training's NCCL) it is the ring.
 *
 * Expert-parallel decode does not run its all-to-all as a ring. DeepEP's low-latency kernels
 * (pure RDMA with IBGDA) have every rank write each routed token's hidden state straight into
 * the buffer of the rank holding that expert, all messages in flight at once, so the start-up
 * cost is paid once, not per peer, and the time is set by the busiest rank's bytes on its link:
 *
 *   direct all-to-all  t = α + (n−1)/n × S / (η·B)
 *
 * (S the busiest rank's bytes, n−1 of n shares leaving it). DeepEP measures it on H800 with one
 * CX7 400 Gb/s NIC per GPU, 128 tokens per rank, hidden 7168, top-8, FP8 dispatch and BF16
 * combine: dispatch 163–194 µs and combine 318–369 µs from EP 8 to EP 256, ~39–46 GB/s —
 * nearly flat in n, where the ring's (n−1)·α would grow to 0.6 ms at EP 128 with α = 5 µs
 * (deepseek-ai/DeepEP README, "Low-latency kernels with pure RDMA", the V1 table now kept in
 * docs/legacy.md, https://github.com/deepseek-ai/DeepEP/blob/main/docs/legacy.md).
 */
import type { LinkPath } from "./cluster.js";

export type CollectiveKind = "allReduce" | "allGather" | "reduceScatter" | "p2p" | "allToAll";

/** Ring steps of a collective: 2(n−1) for an all-reduce, n − 1 for a gather/scatter/all-to-all, 1 for a send. */
function steps(kind: CollectiveKind, n: number): number {
  return kind === "allReduce" ? 2 * (n - 1) : kind === "p2p" ? 1 : n - 1;
}

/** The fraction of S each rank sends (2(n−1)/n, (n−1)/n or 1); scalar, so the hot path allocates nothing. */
function factor(kind: CollectiveKind, n: number): number {
  return kind === "allReduce" ? (2 * (n - 1)) / n : kind === "p2p" ? 1 : (n - 1) / n;
}

/**
 * Seconds for one collective of `bytes` over `n` ranks on `link`, with link efficiency `eta`
 * (default 1), the ring; with `oneShot` (the latency L of a serving engine's custom all-reduce)
 * an all-reduce over NVLink/xGMI takes the fastest of ring, one-shot and two-shot.
 * Plain numbers in, plain number out (a fast path: no allocation).
 */
export function collectiveTime(kind: CollectiveKind, bytes: number, n: number, link: LinkPath, eta = 1, oneShot?: number): number {
  if (n <= 1 || bytes <= 0) return 0;
  const f = factor(kind, n);
  const wire = bytes / (eta * link.perDirection);
  const ring = f * wire + steps(kind, n) * link.latency;
  if (oneShot === undefined || kind !== "allReduce" || (link.kind !== "nvlink" && link.kind !== "xgmi")) return ring;
  return Math.min(oneShot + ring, oneShot + (n - 1) * wire, 2 * oneShot + f * wire);
}

/**
 * How an all-to-all is run: NCCL's pairwise ring, direct writes to every peer at once (DeepEP
 * low-latency), or forwarded through the node (DeepEP normal kernels: one network copy per
 * remote node, spread over NVLink there; inference/roofline.ts expertAllToAll). Without the
 * node layout, "forwarded" runs as "direct".
 */
export type AllToAllAlgorithm = "ring" | "direct" | "forwarded";
export const ALL_TO_ALL_ALGORITHMS: readonly AllToAllAlgorithm[] = ["ring", "direct", "forwarded"];

/**
 * Seconds for one all-to-all of `bytes` per rank over `n` ranks on `link`: "ring" is
 * collectiveTime's (n−1)/n × S/(η·B) + (n−1)·α; "direct" pays α once, α + (n−1)/n × S/(η·B).
 */
export function allToAllTime(bytes: number, n: number, link: LinkPath, eta = 1, algorithm: AllToAllAlgorithm = "ring"): number {
  if (algorithm === "ring" || n <= 1 || bytes <= 0) return collectiveTime("allToAll", bytes, n, link, eta);
  return link.latency + (factor("allToAll", n) * bytes) / (eta * link.perDirection);
}

/** Default launch-and-barrier latency L of a serving engine's one-shot/two-shot all-reduce (s; see the module comment). */
export const ONE_SHOT_LATENCY = 12e-6;

/** Ring all-reduce: 2(n−1)/n × S / (η·B) + 2(n−1)·α. */
export function allReduceTime(bytes: number, n: number, link: LinkPath, eta = 1): number {
  return collectiveTime("allReduce", bytes, n, link, eta);
}

/** Ring all-gather of an S-byte result: (n−1)/n × S / (η·B) + (n−1)·α. */
export function allGatherTime(bytes: number, n: number, link: LinkPath, eta = 1): number {
  return collectiveTime("allGather", bytes, n, link, eta);
}

/** Ring reduce-scatter of an S-byte input: (n−1)/n × S / (η·B) + (n−1)·α. */
export function reduceScatterTime(bytes: number, n: number, link: LinkPath, eta = 1): number {
  return collectiveTime("reduceScatter", bytes, n, link, eta);
}

/** Send S bytes to one peer (pipeline stage boundary): S / (η·B) + α. */
export function p2pTime(bytes: number, link: LinkPath, eta = 1): number {
  return bytes <= 0 ? 0 : bytes / (eta * link.perDirection) + link.latency;
}

/** Bytes each rank puts on the wire for one collective: the 2(n−1)/n or (n−1)/n × S volume. */
export function wireBytes(kind: CollectiveKind, bytes: number, n: number): number {
  if (n <= 1) return 0;
  return factor(kind, n) * bytes;
}
