import { describe, expect, it } from "vitest";
import { cluster, gpu, mixedStep, model } from "../../src/index.js";
import { remoteNodesTouched } from "../../src/inference/shard.js";
import { errorOf, expectClose } from "../helpers.js";

describe("remoteNodesTouched(experts, k, nodes): network copies of a node-forwarded dispatch per token", () => {
  it("uniform routing: the mean over every choice of k distinct experts of the remote nodes they sit on", () => {
    // 8 experts on 4 nodes (2 each), top-2, the token on node 0: enumerate the 28 pairs.
    let sum = 0;
    let n = 0;
    for (let a = 0; a < 8; a++) {
      for (let b = a + 1; b < 8; b++) {
        sum += new Set([a >> 1, b >> 1].filter((x) => x !== 0)).size;
        n++;
      }
    }
    expectClose(remoteNodesTouched(8, 2, 4), sum / n);
    expect(remoteNodesTouched(256, 8, 1)).toBe(0);
    // never more than the remote nodes nor the k copies of a direct dispatch
    const r = remoteNodesTouched(256, 8, 4);
    expect(r).toBeLessThan(3);
    expect(r).toBeGreaterThan(2.5);
  });

  it("group-limited routing whose groups are the nodes: at most topkGroups nodes, M × (1 − 1/nodes)", () => {
    expectClose(remoteNodesTouched(256, 8, 8, 8, 4), 4 * (7 / 8));
    // groups that are not the nodes: uniform
    expectClose(remoteNodesTouched(256, 8, 4, 8, 4), remoteNodesTouched(256, 8, 4));
  });
});

describe('kernels.allToAll "forwarded" (DeepEP normal kernels, prefill)', () => {
  // DeepSeek-V3 prefill on 4 nodes of 8 H100 (EP32, DP attention), 16,384 tokens per GPU —
  // the SGLang large-scale EP post (lmsys.org/blog/2025-05-05-large-scale-ep, Profile Results).
  const ep = (kernels = {}) => model("deepseek-v3").on(cluster(gpu("H100").fp8(), 32).network("400 Gb/s").ep(32)).maxTokens(16384).kernels(kernels);
  const step = { batch: 4, tokens: 4096, past: 0 };

  it("over nodes: max(NVLink share (g−1)/g × S, network share R/k × S) — a token crosses the network once per remote node", () => {
    const e = ep({ allToAll: "forwarded" });
    const r = e.rates();
    expect(r.epNode?.size).toBe(8);
    const rows = e.rows({ batch: 4, prompt: 4096 });
    const a2a = rows.find((x) => x.op === "all-to-all")!;
    const direct = ep().rows({ batch: 4, prompt: 4096 }).find((x) => x.op === "all-to-all")!;
    // the breakdown keeps the logical volume (k copies); the time is what changes
    expect(a2a.wireBytes).toBe(direct.wireBytes);
    const share = remoteNodesTouched(256, 8, 4) / 8;
    const net = r.epLink!;
    const nvl = r.epNode!.link;
    expect(nvl.perDirection).toBeGreaterThan(net.perDirection);
    // the network side binds here: R/k × S over 50 GB/s against 7/8 × S over NVLink
    expect(share / net.perDirection).toBeGreaterThan((7 / 8) / nvl.perDirection);
    // direct: α + (n−1)/n × S/(η·B_net); forwarded: R/k × S/(η·B_net) + α — the ratio up to the start-ups
    expectClose(a2a.linkTime / direct.linkTime, (share * 32) / 31, 0.02);
  });

  it("inside one node, and with the default direct kernels, nothing changes", () => {
    const one = (k = {}) => model("deepseek-v3").on(cluster(gpu("H200").fp8(), 8).ep(8)).kernels(k);
    expect(one({ allToAll: "forwarded" }).rates().epNode).toBeUndefined();
    expect(one({ allToAll: "forwarded" }).stepTime(step).total).toBe(one().stepTime(step).total);
    const decode = { batch: 128, tokens: 1, past: 4095 };
    expect(ep().stepTime(decode).total).toBe(ep({ allToAll: "direct" }).stepTime(decode).total);
  });

  it("mixedStep prices a pure prefill as stepTime does under it", () => {
    const e = ep({ allToAll: "forwarded", epOverlap: 1 });
    expectClose(mixedStep(e, [step]).time, e.stepTime(step).total, 1e-9);
  });

  // the routing kernels (ops.ts: FP8 quantization, ep_scatter, ep_gather) take 4 % of this step: −13 %
  it("with the post's two-batch overlap it reaches SGLang's 50,302 prompt tokens/s per node within 15 %; direct without overlap is 60 % short", () => {
    const perNode = (e: ReturnType<typeof ep>) => (8 * 16384) / e.stepTime(step).total;
    expect(Math.abs(perNode(ep({ allToAll: "forwarded", epOverlap: 1 })) / 50302 - 1)).toBeLessThan(0.15);
    expect(perNode(ep()) / 50302).toBeLessThan(0.5);
  });

  it("refuses an unknown algorithm, naming the three", () => {
    expect(errorOf(() => ep({ allToAll: "tree" })).message).toMatch(/ring.*direct.*forwarded/);
  });
});
