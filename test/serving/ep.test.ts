import { describe, expect, it } from "vitest";
import { cluster, gpu, model } from "../../src/index.js";
import { mixedStep } from "../../src/longcontext/mixed.js";
import { errorOf, expectClose } from "../helpers.js";

const v3 = model("deepseek-v3");
const h100 = gpu("H100").fp8();
const on = (n: number, ep: number, imbalance?: number) => v3.on(cluster(h100, n).ep(ep, imbalance === undefined ? {} : { imbalance }).network("400 Gb/s"));

describe("cluster(gpu, n).ep(k) for inference", () => {
  it("DeepSeek-V3 decode on 16 H100 with ep 16 fits 80 GiB per GPU", () => {
    const e = on(16, 16);
    const m = e.memory({ batch: 32, context: 4096 });
    expect(m.fits).toBe(true);
    expect(e.shard.expertsPerGpu).toBe(16);
    expect(e.decode({ batch: 32, context: 4096 }).tokensPerSecond).toBeGreaterThan(0);
  });

  it("more EP never needs more memory per GPU", () => {
    const mem = [1, 2, 4, 8, 16].map((k) => on(16, k).compile().memoryPerGpu(8, 4096));
    for (let i = 1; i < mem.length; i++) expect(mem[i]!).toBeLessThanOrEqual(mem[i - 1]!);
    expect(mem[4]!).toBeLessThan(mem[0]! / 4);
  });

  it("prices a dispatch and a combine all-to-all per MoE layer, over NVLink in a node and the network across", () => {
    const rows = (e: ReturnType<typeof on>) => e.rows({ batch: 64, context: 4096 });
    const a2a8 = rows(on(8, 8)).find((r) => r.op === "all-to-all")!;
    const a2a16 = rows(on(16, 16)).find((r) => r.op === "all-to-all")!;
    expect(a2a8.count).toBe(2 * 58); // 61 layers, the first 3 dense
    expect(a2a8.linkTime).toBeGreaterThan(0);
    // same bytes per GPU leave (up to (n−1)/n), but 400 Gb/s is far slower than NVLink
    expect(a2a16.linkTime).toBeGreaterThan(5 * a2a8.linkTime);
    expect(rows(v3.on(cluster(h100, 8).tp(8))).some((r) => r.op === "all-to-all")).toBe(false);
  });

  it("an expert-load imbalance makes the busiest GPU's experts and all-to-all slower", () => {
    const even = on(16, 16).decode({ batch: 64, context: 4096 }).time.value;
    const skew = on(16, 16, 1.5).decode({ batch: 64, context: 4096 }).time.value;
    expect(skew).toBeGreaterThan(even);
  });

  it("the serving simulator's mixed step agrees with the engine under ep", () => {
    const e = on(8, 8);
    expectClose(mixedStep(e, [{ batch: 16, tokens: 1, past: 1000 }]).time, e.stepTime({ batch: 16, tokens: 1, past: 1000 }).total, 1e-9);
  });

  it("refuses ep that does not divide the experts, is not a multiple of tp, or on a dense model", () => {
    expect(errorOf(() => v3.on(cluster(h100, 24).ep(3).network("400 Gb/s"))).message).toBe("ep 3: ep must divide the 256 experts of deepseek-v3");
    expect(errorOf(() => cluster(h100, 16).tp(8).ep(4)).message).toBe("ep 4 must be a multiple of tp 8 and divide the 16 GPUs of a pipeline stage");
    expect(errorOf(() => model("llama3.1-8b").on(cluster(h100, 8).ep(8))).message).toBe("ep 8: llama3.1-8b has no experts");
    expect(errorOf(() => cluster(h100, 8).ep(8, { imbalance: 0.5 })).message).toMatch(/imbalance must be a number ≥ 1/);
  });
});
