import { describe, it, expect } from "vitest";
import { cluster, Cluster, asCluster, DEFAULT_LATENCY } from "../../src/hardware/cluster.js";
import { allReduceTime, allGatherTime, reduceScatterTime, p2pTime, wireBytes } from "../../src/hardware/collectives.js";
import { gpu } from "../../src/hardware/gpu.js";
import { SuanliError } from "../../src/errors.js";

const close = (a: number, b: number, rel = 1e-9) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.abs(b));

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SuanliError);
    return (e as SuanliError).code;
  }
  throw new Error("did not throw");
}

describe("cluster(gpu, n)", () => {
  it("starts as n data-parallel replicas", () => {
    const c = cluster(gpu("H20"), 8);
    expect(c.layout).toEqual({ tp: 1, pp: 1, dp: 8 });
    expect(c.size).toBe(8);
    expect(c.gpu.id).toBe("H20");
    expect(c.gpusPerNode).toBe(8);
    expect(c.nodes).toBe(1);
  });

  it(".tp(n).pp(m) leaves dp = n / (tp·pp)", () => {
    expect(cluster(gpu("H20"), 64).tp(8).pp(2).layout).toEqual({ tp: 8, pp: 2, dp: 4 });
    expect(cluster(gpu("A800"), 16).pp(4).tp(2).layout).toEqual({ tp: 2, pp: 4, dp: 2 });
  });

  it("is immutable: .tp() does not mutate the original", () => {
    const c = cluster(gpu("H20"), 8);
    const t = c.tp(8);
    expect(c.layout.tp).toBe(1);
    expect(t.layout.tp).toBe(8);
    expect(Object.isFrozen(t)).toBe(true);
    expect(t).toBeInstanceOf(Cluster);
  });

  it("refuses tp·pp that does not divide the size, naming both", () => {
    expect(() => cluster(gpu("H20"), 8).tp(3)).toThrow(/tp × pp = 3 × 1 = 3 does not divide the cluster's 8 GPUs/);
    expect(code(() => cluster(gpu("H20"), 8).tp(4).pp(4))).toBe("bad-parallelism");
    expect(code(() => cluster(gpu("H20"), 0))).toBe("bad-argument");
    expect(code(() => cluster(gpu("H20"), 8).tp(0))).toBe("bad-argument");
    expect(code(() => cluster("H20" as never, 8))).toBe("bad-argument");
  });

  it("linkFor(n) is NVLink inside a node, per direction, with per-hop latency", () => {
    const l = cluster(gpu("H20"), 8).linkFor(8);
    expect(l.kind).toBe("nvlink");
    expect(l.perDirection).toBe(450e9);
    expect(l.latency).toBe(DEFAULT_LATENCY.nvlink);
    expect(cluster(gpu("A800"), 8).linkFor(8).perDirection).toBe(200e9);
    expect(cluster(gpu("H20").pcie(), 8).linkFor(4).kind).toBe("pcie");
  });

  it("linkFor(n) across nodes needs .network(), which parses bits", () => {
    const c = cluster(gpu("H20"), 16).tp(8);
    expect(() => c.linkFor(16)).toThrow(/spans nodes of 8, and no network is configured; add .network\("400 Gb\/s"\)/);
    expect(code(() => c.linkFor(16))).toBe("unknown-link");
    const n = c.network("400 Gb/s", { latency: 8e-6 }).linkFor(2, 8);
    expect(n.kind).toBe("network");
    close(n.perDirection, 50e9);
    expect(n.latency).toBe(8e-6);
  });

  it("groupLinks() places TP in a node and DP across nodes", () => {
    const g = cluster(gpu("H20"), 16).tp(8).network("400 Gb/s").groupLinks();
    expect(g.tp.kind).toBe("nvlink");
    expect(g.dp.kind).toBe("network");
    expect(g.pp.latency).toBe(0);
  });

  it(".latency({...}) overrides per kind and refuses unknown links", () => {
    expect(cluster(gpu("H20"), 8).latency({ nvlink: 3e-6 }).linkFor(8).latency).toBe(3e-6);
    expect(code(() => cluster(gpu("H20"), 8).latency({ infiniband: 1e-6 } as never))).toBe("unknown-link");
    expect(code(() => cluster(gpu("H20"), 8).latency({ nvlink: -1 }))).toBe("bad-argument");
    expect(code(() => cluster(gpu("H20"), 8).network("fast"))).toBe("unknown-unit");
  });

  it("asCluster(gpu) is a cluster of one; toString prints the layout", () => {
    const c = asCluster(gpu("H20"));
    expect(c.layout).toEqual({ tp: 1, pp: 1, dp: 1 });
    expect(asCluster(c)).toBe(c);
    expect(cluster(gpu("H20").fp8(), 8).tp(8).toString()).toMatch(/^Cluster 8× Gpu H20 · fp8 · nvlink .* tp 8 · pp 1 · dp 1$/);
  });
});

describe("collectives", () => {
  const link = { kind: "nvlink" as const, perDirection: 100e9, latency: 1e-6 };

  it("allReduceTime(S, n, link) = 2(n−1)/n·S/B + 2(n−1)·α", () => {
    close(allReduceTime(1e9, 8, link), (2 * 7 / 8) * 1e9 / 100e9 + 14e-6);
    close(allReduceTime(1e9, 8, link, 0.5), (2 * 7 / 8) * 1e9 / 50e9 + 14e-6);
  });

  it("allGather and reduceScatter are half an all-reduce", () => {
    close(allGatherTime(1e9, 4, link) + reduceScatterTime(1e9, 4, link), allReduceTime(1e9, 4, link));
  });

  it("p2pTime(S, link) = S/B + α; a group of one costs 0", () => {
    close(p2pTime(1e6, link), 1e-5 + 1e-6);
    expect(allReduceTime(1e9, 1, link)).toBe(0);
    expect(p2pTime(0, link)).toBe(0);
    expect(wireBytes("allReduce", 8, 8)).toBe(14);
  });
});
