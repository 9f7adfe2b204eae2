/**
 * `cluster(gpu, n)` — n identical GPUs with a parallel layout: tensor parallel (`.tp`),
 * pipeline parallel (`.pp`) and the data-parallel replicas that are left (dp = n / (tp·pp)).
 * GPUs sit `gpusPerNode` to a node (default 8, an HGX/DGX board, or the part's NVLink domain
 * when it is larger: 72 for GB200 NVL72). A group of GPUs talks over the GPU's configured link
 * (NVLink by default, `.pcie()` on the Gpu to choose PCIe) while it fits in that link's domain
 * (the catalog's `interconnects.<kind>.domain`: 8 on HGX, 2 for bridged PCIe pairs), over PCIe
 * while it fits in a node, and between nodes over a network given with `.network("400 Gb/s")`
 * (per GPU, per direction: one NIC per GPU, as in DGX H100 with ConnectX-7) or the part's own
 * scale-out ports (Gaudi).
 *
 * Rank order is Megatron-LM's: tensor-parallel ranks are adjacent, then data-parallel, then
 * pipeline stages (Narayanan et al. 2021, arXiv:2104.04473 §3: TP inside a node, PP across).
 * Immutable: each fluent call returns a new frozen Cluster.
 *
 * @example
 * const c = cluster(gpu("H20").fp8(), 16).tp(8).network("400 Gb/s");
 * c.layout                 // returns { tp: 8, pp: 1, dp: 2 }
 * c.linkFor(8).kind        // returns "nvlink"   (one node)
 * c.linkFor(2, 8).kind     // returns "network"  (the two replicas sit in different nodes)
 * cluster(gpu("GB200"), 72).tp(72).tpLink().kind   // returns "nvlink" (one NVL72 domain)
 * cluster(gpu("H100 NVL"), 8).tp(8).tpLink().kind  // returns "pcie"   (NVLink joins pairs only)
 */
import type { Unit } from "mathjs";
import { warn } from "../warnings.js";
import { SuanliError, show } from "../errors.js";
import { format, parseQuantity } from "../units.js";
import { positiveInt } from "../validate.js";
import type { LinkKind } from "./catalog.js";
import { Gpu } from "./gpu.js";

/** The path a collective runs over: what `collectives.ts` needs, in base units. */
export interface LinkPath {
  readonly kind: LinkKind;
  /** Bytes per second one GPU can send while it receives as much (one direction). */
  readonly perDirection: number;
  /** Seconds per message hop (start-up cost α of the α–β model; Hockney 1994). */
  readonly latency: number;
}

/**
 * Default per-hop latency by link kind, in seconds. Assumptions, not measurements of one
 * system; override with `.latency({ nvlink: 2e-6 })`.
 * - nvlink/xgmi 1 µs, pcie 2 µs: NCCL's small-message (LL protocol) all-reduce on 8 NVLink
 *   GPUs takes on the order of 10–20 µs, i.e. ~1 µs per ring step of the 14 it takes
 *   (nccl-tests, https://github.com/NVIDIA/nccl-tests/blob/master/doc/PERFORMANCE.md).
 * - hccs 2 µs, roce 3 µs: assumed between NVLink and the network (Gaudi's scale-up links are
 *   RDMA NICs; no published per-step figure was found).
 * - network 5 µs: InfiniBand NDR port-to-port latency is ~1 µs; NCCL inter-node step costs
 *   several µs more in software (NCCL tuning notes, https://docs.nvidia.com/deeplearning/nccl/user-guide/docs/env.html).
 */
export const DEFAULT_LATENCY: Readonly<Record<LinkKind, number>> = Object.freeze({
  nvlink: 1e-6,
  xgmi: 1e-6,
  hccs: 2e-6,
  roce: 3e-6,
  pcie: 2e-6,
  network: 5e-6,
});

export interface ClusterLayout {
  readonly tp: number;
  readonly pp: number;
  readonly dp: number;
}

export interface ClusterState {
  readonly gpu: Gpu;
  readonly size: number;
  readonly tp: number;
  readonly pp: number;
  readonly gpusPerNode: number;
  /** Inter-node bandwidth per GPU, one direction (B/s); absent until `.network(…)`. */
  readonly network: number | undefined;
  readonly latency: Readonly<Record<LinkKind, number>>;
  /** Expert-parallel degree (absent = 1) and the busiest expert GPU's load over the mean (absent = 1). */
  readonly ep?: number;
  readonly epImbalance?: number;
}

export class Cluster {
  readonly state: ClusterState;

  constructor(state: ClusterState) {
    this.state = state;
    Object.freeze(this);
  }

  private with(patch: Partial<ClusterState>): Cluster {
    return new Cluster({ ...this.state, ...patch });
  }

  /** The GPU every rank is (with its precision and link). */
  get gpu(): Gpu {
    return this.state.gpu;
  }
  /** Number of GPUs. */
  get size(): number {
    return this.state.size;
  }
  get gpusPerNode(): number {
    return this.state.gpusPerNode;
  }
  /**
   * GPUs the configured link joins all-to-all: the part's link domain (NVLink domain) capped
   * by the node size; the node size where the catalog gives none.
   */
  get domain(): number {
    const d = this.state.gpu.domain;
    return d === undefined ? this.state.gpusPerNode : Math.min(d, this.state.gpusPerNode);
  }
  /** Nodes the cluster spans: ⌈size / gpusPerNode⌉. */
  get nodes(): number {
    return Math.ceil(this.state.size / this.state.gpusPerNode);
  }
  /** { tp, pp, dp } with dp = size / (tp · pp). */
  get layout(): ClusterLayout {
    const { tp, pp, size } = this.state;
    return Object.freeze({ tp, pp, dp: size / (tp * pp) });
  }

  /** Tensor-parallel degree; tp · pp must divide the cluster size. */
  tp(n: number): Cluster {
    const tp = positiveInt(n, "tp");
    checkLayout(this.state.size, tp, this.state.pp);
    return this.with({ tp });
  }

  /** Pipeline-parallel degree (stages); tp · pp must divide the cluster size. */
  pp(n: number): Cluster {
    const pp = positiveInt(n, "pp");
    checkLayout(this.state.size, this.state.tp, pp);
    return this.with({ pp });
  }

  /** Expert-parallel degree: 1 unless `.ep(k)` was set. */
  get expertParallel(): number {
    return this.state.ep ?? 1;
  }

  /**
   * Expert parallelism for MoE inference: each MoE layer's routed experts sharded whole over
   * `k` GPUs of one pipeline stage (tp ranks adjacent, then data-parallel replicas, as vLLM's
   * expert parallelism spans tp × dp), attention kept tp-split and data-parallel, tokens
   * dispatched to their experts and combined back by an all-to-all per MoE layer (over NVLink
   * while the group fits in a node, the network beyond). `imbalance` (default 1, uniform
   * routing) is the busiest GPU's expert load over the mean. k must be a multiple of tp and
   * divide the GPUs of a stage; the engine checks that it divides the experts.
   * @example cluster(gpu("H100").fp8(), 16).ep(16).network("400 Gb/s")   // DeepSeek-V3 decode on two nodes
   */
  ep(k: number, opts: { imbalance?: number } = {}): Cluster {
    const ep = positiveInt(k, "ep");
    const { tp, pp, size } = this.state;
    if (ep > 1 && (ep % tp !== 0 || (size / pp) % ep !== 0)) {
      throw new SuanliError("bad-parallelism", `ep ${ep} must be a multiple of tp ${tp} and divide the ${size / pp} GPUs of a pipeline stage`, { value: ep, expected: `a multiple of ${tp} dividing ${size / pp}` });
    }
    const imbalance = opts.imbalance ?? this.state.epImbalance ?? 1;
    if (typeof imbalance !== "number" || !Number.isFinite(imbalance) || imbalance < 1) {
      throw new SuanliError("bad-argument", `ep imbalance must be a number ≥ 1 (busiest GPU's expert load over the mean), got ${show(imbalance)}`, { value: imbalance, expected: "≥ 1" });
    }
    return this.with({ ep, epImbalance: imbalance });
  }

  /** GPUs per node (default 8, or the part's link domain when larger: 72 for GB200 NVL72). */
  perNode(n: number): Cluster {
    const per = positiveInt(n, "gpusPerNode");
    const size = this.state.size;
    if (size > per && size % per !== 0) {
      throw new SuanliError("bad-parallelism", `perNode(${per}): ${size} GPUs do not fill whole nodes of ${per}; give a divisor of ${size} or at least ${size}`, { value: n, expected: `a divisor of ${size}` });
    }
    return this.with({ gpusPerNode: per });
  }

  /**
   * Inter-node network bandwidth per GPU, one direction: "400 Gb/s" (InfiniBand NDR), "50 GB/s",
   * a mathjs Unit, or a number in B/s. Optionally its per-hop latency in seconds.
   */
  network(bandwidth: string | number | Unit, opts: { latency?: number } = {}): Cluster {
    const bw = parseQuantity(bandwidth, "bandwidth", "network");
    if (bw <= 0) throw new SuanliError("bad-argument", `network bandwidth must be > 0, got ${show(bandwidth)}`, { value: bandwidth, expected: "e.g. \"400 Gb/s\"" });
    const latency = opts.latency === undefined ? this.state.latency : { ...this.state.latency, network: latencyValue(opts.latency, "network") };
    return this.with({ network: bw, latency });
  }

  /** Override per-hop latencies (seconds) by link kind: `.latency({ nvlink: 2e-6 })`. */
  latency(patch: Partial<Record<LinkKind, number>>): Cluster {
    const next: Record<string, number> = { ...this.state.latency };
    for (const [k, v] of Object.entries(patch ?? {})) {
      if (!(k in DEFAULT_LATENCY)) throw new SuanliError("unknown-link", `unknown link ${show(k)}; accepted: ${Object.keys(DEFAULT_LATENCY).join(", ")}`, { value: k });
      next[k] = latencyValue(v, k);
    }
    return this.with({ latency: next as Record<LinkKind, number> });
  }

  /**
   * The link a group of `groupSize` ranks placed `stride` apart communicates over: the GPU's
   * configured link when the group fits in that link's domain (groupSize · stride ≤ domain),
   * PCIe when it fits in one node (a server's GPUs beyond one NVLink domain — bridged PCIe
   * pairs — talk over PCIe), else the network (refused, saying how to give one, when none is
   * configured). A group of one sends nothing: it gets the configured link (or, on a part with
   * none, a local path at memory bandwidth) with zero latency, so collectives over it cost 0.
   * A PCIe card's NVLink bridge joins two adjacent cards (domain 2 in the catalog: "NVLink
   * Bridge for up to two GPUs", A100 PCIe and H100 PCIe datasheets), so larger or strided
   * groups of such cards use PCIe.
   */
  linkFor(groupSize: number, stride = 1): LinkPath {
    const n = positiveInt(groupSize, "groupSize");
    const s = positiveInt(stride, "stride");
    const { gpu, gpusPerNode, network, latency } = this.state;
    const kind = gpu.state.link;
    const l = kind ? gpu.spec.links[kind] : undefined;
    if (n === 1) return Object.freeze({ kind: kind ?? "pcie", perDirection: l?.perDirection ?? gpu.spec.bandwidth, latency: 0 });
    const span = n * s;
    if (span <= gpusPerNode) {
      if (!kind || !l) {
        throw new SuanliError("unknown-link", `${gpu.id} has no intra-node link in the catalog; give one with gpu.custom({ …, pcie: "64 GB/s" })`, { value: gpu.id });
      }
      if (span <= this.domain) return Object.freeze({ kind, perDirection: l.perDirection, latency: latency[kind] });
      const pcie = gpu.spec.links.pcie;
      if (pcie) return Object.freeze({ kind: "pcie" as const, perDirection: pcie.perDirection, latency: latency.pcie });
      return Object.freeze({ kind, perDirection: l.perDirection, latency: latency[kind] });
    }
    const bw = network ?? gpu.spec.links.network?.perDirection;
    if (bw === undefined) {
      throw new SuanliError(
        "unknown-link",
        `a group of ${n} GPUs${s > 1 ? ` ${s} apart` : ""} spans nodes of ${gpusPerNode}, and no network is configured; add .network("400 Gb/s") (--network 400Gb/s on the command line)`,
        { value: n * s, expected: `≤ ${gpusPerNode} GPUs in one node, or a network` },
      );
    }
    return Object.freeze({ kind: "network" as const, perDirection: bw, latency: latency.network });
  }

  /** Links of the parallel groups in Megatron rank order: TP adjacent, DP stride tp, PP stride tp·dp. */
  /** The tensor-parallel group's link; warns (once) when the group spans nodes. */
  tpLink(): LinkPath {
    const { tp } = this.layout;
    if (tp > this.state.gpusPerNode) {
      warn(`tensor parallelism of ${tp} spans nodes of ${this.state.gpusPerNode} GPUs: its all-reduces cross the network, which is rarely worth it`, "tp-spans-nodes");
    } else if (tp > this.domain && this.state.gpu.state.link !== "pcie") {
      warn(`tensor parallelism of ${tp} spans ${this.state.gpu.id}'s ${this.state.gpu.state.link} domain of ${this.domain} GPUs: its all-reduces run over PCIe`, "tp-spans-domain");
    }
    return this.linkFor(tp);
  }

  groupLinks(): { tp: LinkPath; dp: LinkPath; pp: LinkPath } {
    const { dp, tp } = this.layout;
    return { tp: this.tpLink(), dp: this.linkFor(dp, tp), pp: this.ppLink() };
  }

  /** The link between adjacent pipeline stages (stride tp·dp in Megatron rank order). */
  ppLink(): LinkPath {
    const { pp, dp, tp } = this.layout;
    return this.linkFor(Math.min(pp, 2), tp * dp);
  }

  toString(): string {
    const { tp, pp, dp } = this.layout;
    const net = this.state.network !== undefined ? ` · network ${format(this.state.network, "bandwidth")}` : "";
    const ep = this.expertParallel > 1 ? ` · ep ${this.expertParallel}` : "";
    return `Cluster ${this.state.size}× ${this.state.gpu.toString()} · tp ${tp} · pp ${pp} · dp ${dp}${ep}${net}`;
  }
  toJSON(): object {
    return { gpu: this.state.gpu.toJSON(), size: this.state.size, ...this.layout, gpusPerNode: this.state.gpusPerNode, network: this.state.network, latency: this.state.latency };
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function checkLayout(size: number, tp: number, pp: number): void {
  if (size % (tp * pp) !== 0) {
    throw new SuanliError("bad-parallelism", `tp × pp = ${tp} × ${pp} = ${tp * pp} does not divide the cluster's ${size} GPUs`, {
      value: { tp, pp },
      expected: `tp × pp dividing ${size}`,
    });
  }
}

function latencyValue(v: unknown, name: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new SuanliError("bad-argument", `${name} latency must be a finite number of seconds ≥ 0, got ${show(v)}`, { value: v, expected: "seconds ≥ 0, e.g. 1e-6" });
  }
  return v;
}

/**
 * n GPUs of kind `g`, all tensor/pipeline degrees 1 (n data-parallel replicas) until set.
 * @example cluster(gpu("H20").fp8(), 8).tp(8).layout // returns { tp: 8, pp: 1, dp: 1 }
 */
export function cluster(g: Gpu, n: number, opts: { gpusPerNode?: number } = {}): Cluster {
  if (!(g instanceof Gpu)) throw new SuanliError("bad-argument", `cluster(gpu, n) needs a Gpu, e.g. cluster(gpu("H20"), 8); got ${show(g)}`, { value: g });
  const size = positiveInt(n, "cluster size");
  return new Cluster({
    gpu: g, size, tp: 1, pp: 1, gpusPerNode: positiveInt(opts.gpusPerNode ?? Math.max(8, g.domain ?? 8), "gpusPerNode"), network: undefined, latency: DEFAULT_LATENCY,
  });
}

/** A device for the performance models: one GPU is a cluster of one. */
export function asCluster(device: Gpu | Cluster): Cluster {
  if (device instanceof Cluster) return device;
  if (device instanceof Gpu) return cluster(device, 1);
  throw new SuanliError("bad-argument", `expected a Gpu or a Cluster, got ${show(device)}`, { value: device, expected: "gpu(\"H20\") or cluster(gpu(\"H20\"), 8).tp(8)" });
}
