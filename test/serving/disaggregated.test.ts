import { describe, expect, it } from "vitest";
import { cluster, gpu, model } from "../../src/index.js";
import { disaggregated } from "../../src/serving/disaggregated.js";
import { prefillDecodeRatio } from "../../src/serving/ratio.js";
import { errorOf, expectClose } from "../helpers.js";

const m = model("llama3.1-70b");
const pool = (n: number) => m.on(cluster(gpu("H100"), n).tp(8));
const d = disaggregated({ prefill: pool(8), decode: pool(16), link: "400 Gb/s" });

describe("disaggregated({ prefill, decode, link })", () => {
  it("kvBytes(prompt) is the model's KV per token × prompt in the decode pool's KV dtype", () => {
    expectClose(d.kvBytes(2048), m.kv({ batch: 1, seq: 2048 }).value);
  });

  it("request() pays the KV transfer: TTFT = prefill + bytes ÷ (η_link × link × GPUs per replica) + latency", () => {
    const r = d.request({ prompt: 2048, output: 256 });
    expect(r.kvTransfer.time).toBeGreaterThan(0);
    expectClose(r.kvTransfer.time, r.kvTransfer.bytes / (0.8 * 50e9 * 8) + 5e-6);
    const lossless = disaggregated({ prefill: pool(8).efficiency({ link: 1 }), decode: pool(16), link: "400 Gb/s" });
    expectClose(lossless.transferTime(2048), r.kvTransfer.bytes / (50e9 * 8) + 5e-6);
    expectClose(r.ttft, r.prefill + r.kvTransfer.time);
    expectClose(r.prefill, pool(8).prefill({ prompt: 2048 }).time.value);
    expect(r.ttft).toBeGreaterThan(pool(8).prefill({ prompt: 2048 }).time.value);
    const slow = disaggregated({ prefill: pool(8), decode: pool(16), link: "10 Gb/s" }).request({ prompt: 2048, output: 256 });
    expect(slow.ttft).toBeGreaterThan(r.ttft);
  });

  it("throughput() runs at the slowest of prefill, decode and link, with per-pool utilisation", () => {
    const t = d.throughput({ prompt: 2048, output: 256, batch: 64 });
    expect(t.requestsPerSecond).toBe(Math.min(t.prefillRate, t.decodeRate, t.linkRate));
    expect(Math.max(t.prefillUtilisation, t.decodeUtilisation, t.linkUtilisation)).toBe(1);
    for (const u of [t.prefillUtilisation, t.decodeUtilisation, t.linkUtilisation]) expect(u).toBeLessThanOrEqual(1);
    expectClose(t.tokensPerSecondPerGpu, (t.requestsPerSecond * 256) / 24);
    const narrow = disaggregated({ prefill: pool(8), decode: pool(16), link: "1 Gb/s" }).throughput({ prompt: 2048, output: 256, batch: 64 });
    expect(narrow.bottleneck).toBe("link");
  });

  it("cached: the prefill pass runs the uncached suffix over the cached prefix; the whole prompt's KV is handed over", () => {
    const e = pool(8);
    const cold = d.throughput({ prompt: 4096, output: 256, batch: 64 });
    const warm = d.throughput({ prompt: 4096, output: 256, batch: 64, cached: 0.5 });
    // 8192-token passes: 2 cold prompts, or 4 prompts of 2048 new tokens each over 2048 cached ones
    expectClose(cold.prefillRate, 2 / e.prefill({ batch: 2, prompt: 4096 }).time.value);
    expectClose(warm.prefillRate, 4 / e.stepTime({ batch: 4, tokens: 2048, past: 2048 }).total);
    // attention over the cached keys keeps a half-cached prompt dearer than a cold prompt of half the length
    expect(warm.prefillRate).toBeGreaterThan(cold.prefillRate);
    expect(warm.prefillRate).toBeLessThan(d.throughput({ prompt: 2048, output: 256, batch: 64 }).prefillRate);
    expectClose(warm.prefillTokensPerSecond, warm.prefillRate * 4096);
    expectClose(warm.decodeTokensPerSecond, warm.decodeRate * 256);
    expect(warm.linkRate).toBe(cold.linkRate);
    const r = d.request({ prompt: 4096, output: 256, cached: 0.5 });
    expectClose(r.prefill, e.stepTime({ batch: 1, tokens: 2048, past: 2048 }).total);
    expect(r.kvTransfer.bytes).toBe(d.request({ prompt: 4096, output: 256 }).kvTransfer.bytes);
    expect(d.request({ prompt: 4096, output: 256, cached: 0 }).prefill).toBe(d.request({ prompt: 4096, output: 256 }).prefill);
    for (const bad of [1, -0.1, Number.NaN, "half"]) expect(errorOf(() => d.throughput({ prompt: 4096, output: 256, cached: bad as number })).message).toMatch(/cached must be .* in \[0, 1\), got/);
  });

  it("a prefill pass holds no more prompts than the prefill pool's memory fits, whatever its token budget", () => {
    // Llama-2-7B keeps 512 KiB of KV per token: one H100 holds about 25 prompts of 4k beside a
    // 256k-token workspace, which alone would take 64
    const l7 = model("llama2-7b");
    const wide = l7.on(gpu("H100")).maxTokens(1 << 18);
    const fit = wide.compile().maxBatch(4096);
    expect(fit).toBeGreaterThan(0);
    expect(fit).toBeLessThan(64);
    const t = disaggregated({ prefill: wide, decode: l7.on(gpu("H100")), link: "400 Gb/s" }).throughput({ prompt: 4096, output: 256, batch: 1 });
    expectClose(t.prefillRate, fit / wide.prefill({ batch: fit, prompt: 4096 }).time.value);
  });

  it("refuses pools of different models, a decode batch that does not fit, a bad link", () => {
    expect(errorOf(() => disaggregated({ prefill: pool(8), decode: model("llama3.1-8b").on(gpu("H100")), link: "400 Gb/s" })).message).toMatch(/both pools must serve the same model/);
    expect(errorOf(() => d.throughput({ prompt: 2048, output: 256, batch: 1e6 })).code).toBe("does-not-fit");
    expect(errorOf(() => disaggregated({ prefill: pool(8), decode: pool(8), link: "0 Gb/s" })).message).toMatch(/link must be a bandwidth > 0/);
  });
});

describe("prefillDecodeRatio(model, gpu, { gpus, link, prompt, output, slo })", () => {
  it("tries every split and picks the one with the most requests/s under the SLO", () => {
    const r = prefillDecodeRatio(m, gpu("H100"), { gpus: 32, link: "400 Gb/s", prompt: 2048, output: 256, slo: { ttftP99: 2, tpotP99: "50 ms" } });
    expect(r.rows.map((x) => x.prefill_gpus)).toEqual([8, 16, 24]);
    expect(r.best).not.toBeNull();
    for (const x of r.rows) if (x.meets_slo) expect(x.requests_s).toBeLessThanOrEqual(r.best!.requests_s);
    for (const x of r.rows) if (x.batch > 0) expect(x.tpot_ms).toBeLessThanOrEqual(50);
    expect(r.table.numRows()).toBe(3);
  });
});

describe("disaggregated pools on different GPUs", () => {
  it("prefill on H100, decode on H20: each pool priced on its own GPU", () => {
    const mixed = disaggregated({ prefill: m.on(cluster(gpu("H100"), 8).tp(8)), decode: m.on(cluster(gpu("H20"), 8).tp(8)), link: "400 Gb/s" });
    const r = mixed.request({ prompt: 2048, output: 256, batch: 16 });
    expectClose(r.prefill, m.on(cluster(gpu("H100"), 8).tp(8)).prefill({ prompt: 2048 }).time.value);
    expect(r.tpot).toBeGreaterThan(m.on(cluster(gpu("H100"), 8).tp(8)).decode({ batch: 16, context: 2048 + 128 }).time.value);
    expect(String(mixed)).toMatch(/prefill 8× H100.* decode 8× H20/);
  });
});

describe("disaggregated() checks its request options by name", () => {
  it("a misspelt option is refused with a did-you-mean instead of running uncached", async () => {
    const { cluster, gpu, model, disaggregated } = await import("../../src/index.js");
    const e = model("llama3.1-8b").on(cluster(gpu("H100"), 1));
    const pd = disaggregated({ prefill: e, decode: e, link: "400 Gb/s" });
    expect(() => pd.throughput({ prompt: 1024, output: 128, cache: 0.5 } as never)).toThrowError(/throughput: unknown option "cache" \(did you mean cached\?\)/);
    expect(() => pd.request({ prompt: 1024, output: 128, cache: 0.5 } as never)).toThrowError(/request: unknown option "cache"/);
  });
});

describe("disaggregated() without a link", () => {
  it("says what the link is and what to give", async () => {
    const { cluster, gpu, model, disaggregated } = await import("../../src/index.js");
    const e = model("llama3.1-8b").on(cluster(gpu("H100"), 1));
    expect(() => disaggregated({ prefill: e, decode: e } as never)).toThrowError(/disaggregated\(\) needs link: the bandwidth the KV cache crosses between the pools/);
  });
});

describe("serving results print as sentences", () => {
  it("disaggregated throughput and request, and a speculative point, have a readable toString", async () => {
    const { cluster, gpu, model, disaggregated, speculative } = await import("../../src/index.js");
    const c = cluster(gpu("H100"), 8).tp(8);
    const l70 = model("llama3.1-70b").on(c);
    const pd = disaggregated({ prefill: l70, decode: l70, link: "400 Gb/s" });
    expect(String(pd.throughput({ prompt: 4096, output: 256, batch: 64 }))).toMatch(/req\/s, .* output tok\/s .* binds \(prefill .* busy\)/);
    expect(String(pd.request({ prompt: 4096, output: 256 }))).toMatch(/^TTFT .* \(prefill .* \+ KV hand-off .* in .*\), TPOT .*, latency /);
    const s = speculative(l70, { draft: model("llama3.1-8b").on(c), accept: 0.8, tokens: 4 });
    expect(String(s.speedup({ batch: 8, context: 2048 }))).toMatch(/^speedup \d+\.\d\d× at batch 8, context 2048: /);
  });
});
