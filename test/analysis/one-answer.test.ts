/**
 * One answer from every door: the fast path (`estimators`, the CLI's `sweep`) and the engine
 * (`m.on(cluster).decode/prefill/memory`, the CLI's `decode`) give the same numbers and the
 * same refusals, over random configurations drawn from the whole catalog.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { cluster, estimators, gpu, model, resetWarnings } from "../../src/index.js";
import { gpuCatalog } from "../../src/hardware/catalog.js";
import { modelCatalog } from "../../src/model/catalog.js";
import { rng } from "../../src/util/random.js";

const CONFIGS = 2400;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

type Outcome = { ok: true; value: number } | { ok: false; message: string };
function outcome(f: () => number | null): Outcome | null {
  try {
    const v = f();
    return v === null ? null : { ok: true, value: v };
  } catch (e) {
    const err = e as Error;
    if (err.name !== "SuanliError") throw e;
    return { ok: false, message: err.message };
  }
}

describe("estimators ≡ engine over random catalog configurations", () => {
  resetWarnings({ silent: true });
  const gpus = gpuCatalog().list.map((g) => g.id);
  const models = modelCatalog().list.map((m) => m.id);
  const r = rng(20261129);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const logInt = (lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.round(Math.exp(Math.log(lo) + r() * (Math.log(hi) - Math.log(lo))))));

  it(`agrees to 1e-9 on decode/prefill time and tokens/s, and exactly on fits, for ${CONFIGS} configurations`, () => {
    const tally = { compared: 0, refusedLayout: 0, notFit: 0, fit: 0, ideal: 0 };
    for (let i = 0; i < CONFIGS; i++) {
      const m = model(pick(models));
      let g = gpu(pick(gpus));
      g = g.precision(pick(g.precisions));
      const tp = pick([1, 1, 2, 3, 4, 5, 8, 8, 16, 64]);
      const pp = pick([1, 1, 1, 2, 4, 7]);
      const over = r() < 0.3 ? { weights: pick(["fp16", "bf16", "fp8", "int8", "int4", "fp4"]), kv: pick(["fp16", "fp8", "int8"]) } : {};
      const ideal = r() < 0.2;
      const batch = logInt(1, 4096);
      const context = logInt(128, 131072);
      const prompt = logInt(1, context);

      const byEngine = () => {
        let e = m.on(cluster(g, tp * pp).tp(tp).pp(pp));
        if (over.weights) e = e.dtypes(over);
        return ideal ? e.ideal() : e;
      };
      const built = outcome(() => (byEngine(), 0));
      const fastBuilt = outcome(() => (estimators(m, g, { tp, pp, ...over, ideal }), 0));
      expect(fastBuilt).toEqual(built);
      if (!built!.ok) {
        tally.refusedLayout++;
        continue;
      }
      const e = byEngine();
      const f = estimators(m, g, { tp, pp, ...over, ideal });
      if (ideal) tally.ideal++;

      const mem = e.memory({ batch, context });
      expect(f.fits(batch, context)).toBe(mem.fits);
      expect(f.memoryPerGpu(batch, context)).toBe(mem.total.value);

      const d = outcome(() => e.decode({ batch, context }).time.value);
      const fd = f.decodeTime(batch, context);
      if (d!.ok) {
        tally.fit++;
        expect(rel(fd!, d!.value)).toBeLessThanOrEqual(1e-9);
        expect(rel(f.decodeTokensPerSecond(batch, context)!, e.decode({ batch, context }).tokensPerSecond)).toBeLessThanOrEqual(1e-9);
      } else {
        tally.notFit++;
        expect(d!.message).toMatch(/needs .* per GPU/);
        expect(fd).toBeNull();
        expect(f.decodeTokensPerSecond(batch, context)).toBeNull();
      }
      const p = outcome(() => e.prefill({ batch, prompt }).time.value);
      const fp = f.prefillTime(batch, prompt);
      if (p!.ok) {
        expect(rel(fp!, p!.value)).toBeLessThanOrEqual(1e-9);
        expect(rel(f.prefillTokensPerSecond(batch, prompt)!, e.prefill({ batch, prompt }).tokensPerSecond)).toBeLessThanOrEqual(1e-9);
      } else expect(fp).toBeNull();
      tally.compared++;
    }
    // The draw covers every outcome: impossible layouts, rows that do not fit, rows that do.
    expect(tally.refusedLayout).toBeGreaterThan(100);
    expect(tally.notFit).toBeGreaterThan(100);
    expect(tally.fit).toBeGreaterThan(100);
    expect(tally.ideal).toBeGreaterThan(50);
  });

  it("maxBatch agrees, and a layout that cannot exist is refused with the same words", () => {
    const m = model("llama2-70b");
    const e = m.on(cluster(gpu("H20").fp8(), 8).tp(8));
    expect(estimators(m, gpu("H20").fp8(), { tp: 8 }).maxBatch(4096)).toBe(e.maxBatch({ context: 4096 }));
    for (const tp of [3, 5, 1024]) {
      const a = outcome(() => (m.on(cluster(gpu("H20"), tp).tp(tp)), 0))!;
      const b = outcome(() => (estimators(m, gpu("H20"), { tp }), 0))!;
      expect(a.ok).toBe(false);
      expect(b).toEqual(a);
    }
  });

  it("fp8 compute stores fp8 weights and KV in both doors; overrides apply in both", () => {
    const m = model("llama2-70b");
    const f = estimators(m, gpu("H20").fp8(), { tp: 8 });
    expect(f.describe).toContain("weights fp8 · kv fp8");
    expect(f.kvBytes(8, 4096)).toBe(m.kv({ batch: 8, seq: 4096, dtype: "fp8" }).value);
    const o = estimators(m, gpu("H20").fp8(), { tp: 8, weights: "fp16", kv: "fp16" });
    expect(o.weightBytesPerGpu).toBeGreaterThan(1.9 * f.weightBytesPerGpu);
  });
});

describe("suanli sweep and suanli decode give the same decode time", () => {
  const cli = new URL("../../dist/cli.js", import.meta.url).pathname;
  const run = (...args: string[]) => {
    const p = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
    if (p.status !== 0) throw new Error(`suanli ${args.join(" ")}: ${p.stderr}`);
    return JSON.parse(p.stdout);
  };
  const setups: [string, string, number, string, number, number][] = [
    ["llama2-70b", "H20", 8, "fp8", 8, 4096],
    ["llama2-70b", "H20", 8, "fp16", 64, 4096],
    ["llama2-70b", "A800", 4, "fp16", 16, 2048],
    ["llama3-8b", "H100", 1, "fp8", 32, 8192],
    ["deepseek-v2-lite", "H100", 1, "fp16", 8, 16384],
    ["qwen2-72b", "L40S", 4, "fp8", 4, 4096],
    ["mixtral-8x7b", "H100", 2, "fp8", 16, 8192],
  ];
  for (const [m, g, tp, p, batch, context] of setups) {
    it(`${m} on ${tp}× ${g} ${p}, batch ${batch}, context ${context}`, () => {
      const common = [m, "--gpu", g, "--tp", String(tp), "--precision", p, "--batch", String(batch), "--context", String(context), "--json"];
      const d = run("decode", ...common);
      const [s] = run("sweep", ...common);
      expect(s.fits).toBe(true);
      expect(rel(s.decode_ms / 1e3, d.timePerToken_s)).toBeLessThanOrEqual(1e-12);
      expect(rel(s.throughput_tok_s, d.tokensPerSecond)).toBeLessThanOrEqual(1e-12);
    });
  }
  it("a point that does not fit is a row with fits false and empty timings, where decode refuses", () => {
    const rows = run("sweep", "deepseek-v2-lite", "--gpu", "H100", "--tp", "8", "--batch", "1,240", "--context", "63776", "--json");
    expect(rows.map((r: { fits: boolean }) => r.fits)).toEqual([true, false]);
    expect(rows[1].decode_ms).toBeNull();
    const p = spawnSync(process.execPath, [cli, "decode", "deepseek-v2-lite", "--gpu", "H100", "--tp", "8", "--batch", "240", "--context", "63776"], { encoding: "utf8" });
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/needs .* per GPU/);
  });
  it("a tensor-parallel degree that cannot exist is refused before the sweep starts", () => {
    const p = spawnSync(process.execPath, [cli, "sweep", "llama2-70b", "--gpu", "H20", "--tp", "3"], { encoding: "utf8" });
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/tp 3 does not divide the 64 attention heads/);
    expect(p.stdout).toBe("");
  });
});
