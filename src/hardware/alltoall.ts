/**
 * The all-to-all of expert parallelism (MoE dispatch and combine) over a group of `n` adjacent
 * ranks that may span nodes. Each rank holds S bytes and sends S/n to every peer. Inside one
 * node the group's traffic rides the node's link; beyond it, the share bound for other nodes
 * leaves over the network while the share for node-mates crosses NVLink at the same time:
 *
 *   g = ranks of the group in one node (min(n, gpusPerNode))
 *   n ≤ g:  t = (n−1)/n × S / (η·B_link) + (n−1)·α_link            (collectives.ts, pairwise exchange)
 *   n > g:  t = max( (g−1)/n × S / (η·B_link) + (g−1)·α_link,
 *                    (n−g)/n × S / (η·B_net)  + (n−g)·α_net )
 *
 * By default each (token, remote expert) pair crosses the network. Node-limited routing as in
 * DeepSeek-V3 (arXiv:2412.19437 §3.2.2: each token to at most M = 4 nodes, sent over
 * InfiniBand once per node to the GPU of the same in-node index, then forwarded over NVLink to
 * its experts) is given as `offNode`, the fraction of S that crosses the network; the NVLink
 * side then carries the forwarded share, (g−1)/g × S:
 *
 *   t = max( (g−1)/g × S / (η·B_link) + (g−1)·α_link,  offNode × S / (η·B_net) + (n−g)·α_net )
 *
 * @example expertAllToAllTime(cluster(gpu("H800"), 64).network("400 Gb/s"), 64, 1e8, 0.8)
 */
import type { Cluster } from "./cluster.js";
import { collectiveTime } from "./collectives.js";

/**
 * Seconds for one all-to-all of `bytes` per rank over `n` adjacent ranks of `cl`, link
 * efficiency `eta`; `offNode`, when given, the fraction of the bytes that crosses the network
 * under node-limited routing with per-node forwarding (see the header).
 */
export function expertAllToAllTime(cl: Cluster, n: number, bytes: number, eta: number, offNode?: number): number {
  if (n <= 1 || bytes <= 0) return 0;
  const g = Math.min(n, cl.gpusPerNode);
  if (n <= g) return collectiveTime("allToAll", bytes, n, cl.linkFor(n), eta);
  const local = cl.linkFor(g);
  const remote = cl.linkFor(n);
  const intraShare = offNode === undefined ? (g - 1) / n : (g - 1) / g;
  const interShare = offNode === undefined ? (n - g) / n : offNode;
  const intra = g > 1 ? (intraShare * bytes) / (eta * local.perDirection) + (g - 1) * local.latency : 0;
  const inter = (interShare * bytes) / (eta * remote.perDirection) + (n - g) * remote.latency;
  return Math.max(intra, inter);
}
