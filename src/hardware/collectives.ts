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
 */
import type { LinkPath } from "./cluster.js";

export type CollectiveKind = "allReduce" | "allGather" | "reduceScatter" | "p2p" | "allToAll";

/** Steps and the fraction of S each rank sends, per collective: (steps, bytes factor). */
function shape(kind: CollectiveKind, n: number): [number, number] {
  switch (kind) {
    case "allReduce":
      return [2 * (n - 1), (2 * (n - 1)) / n];
    case "allGather":
    case "reduceScatter":
    case "allToAll":
      return [n - 1, (n - 1) / n];
    case "p2p":
      return [1, 1];
  }
}

/**
 * Seconds for one collective of `bytes` over `n` ranks on `link`, with link efficiency `eta`
 * (default 1). Plain numbers in, plain number out (a fast path: no allocation).
 */
export function collectiveTime(kind: CollectiveKind, bytes: number, n: number, link: LinkPath, eta = 1): number {
  if (n <= 1 || bytes <= 0) return 0;
  const [steps, factor] = shape(kind, n);
  return (factor * bytes) / (eta * link.perDirection) + steps * link.latency;
}

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
  return shape(kind, n)[1] * bytes;
}
