import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { cluster, gpu, model } from "../../src/index.js";
import { gpuSpecs } from "../../src/hardware/gpus.js";
import { modelEntries } from "../../src/model/models.js";
import { SuanliError } from "../../src/errors.js";
import { resetWarnings } from "../../src/warnings.js";
import type { Gpu } from "../../src/hardware/gpu.js";
import type { Model } from "../../src/model/model.js";
import { figures } from "../helpers.js";

const read = (p: string) => JSON.parse(readFileSync(new URL(`../../datasets/${p}`, import.meta.url), "utf8")) as Record<string, unknown>;
const gpusJson = read("gpus.json") as { gpus: Record<string, unknown>[] };
const modelsJson = read("models/index.json") as { models: { id: string; config: string; configSource: string }[] };

/** Refusals a model × GPU pairing may end in: each names what does not fit or is missing. */
const REFUSALS = ["does-not-fit", "bad-parallelism"];

/** The largest tensor-parallel degree ≤ n that the model's heads (and KV heads) allow and that divides n. */
function bestTp(m: Model, n: number): number {
  const a = m.arch;
  for (let t = n; t > 1; t--) {
    if (n % t !== 0 || a.heads % t !== 0) continue;
    if (!a.mla && a.kvHeads % t !== 0 && t % a.kvHeads !== 0) continue;
    return t;
  }
  return 1;
}

/**
 * Decode one step on one GPU, else on one node (one NVLink domain where it is larger) split
 * tp × pp: the best tensor-parallel degree, the rest of the node as pipeline stages.
 */
function serve(m: Model, g: Gpu): { gpus: number; tps: number } {
  try {
    return { gpus: 1, tps: m.on(g).decode({ batch: 1, context: 1024 }).tokensPerSecond };
  } catch (e) {
    if (!(e instanceof SuanliError) || e.code !== "does-not-fit") throw e;
  }
  const n = cluster(g, 1).gpusPerNode;
  const tp = bestTp(m, n);
  const c = cluster(g, n).tp(tp).pp(Math.min(n / tp, m.arch.layers));
  return { gpus: n, tps: m.on(c).decode({ batch: 1, context: 1024 }).tokensPerSecond };
}

describe("the catalog: every model on every part", () => {
  const gs = gpuSpecs().map((s) => gpu(s.id));
  const ms = modelEntries().map((e) => model(e.id));
  const outcome = new Map<string, { gpus: number; tps: number } | SuanliError>();
  beforeAll(() => {
    resetWarnings({ silent: true });
    for (const m of ms) {
      for (const g of gs) {
        try {
          outcome.set(`${m.id} ${g.id}`, serve(m, g));
        } catch (e) {
          if (!(e instanceof SuanliError)) throw e;
          outcome.set(`${m.id} ${g.id}`, e);
        }
      }
    }
  });

  it(`holds at least 30 parts and 40 models`, () => {
    expect(gs.length).toBeGreaterThanOrEqual(30);
    expect(ms.length).toBeGreaterThanOrEqual(40);
  });
  it("each pair decodes (finite, positive tokens/s) or refuses with a SuanliError saying why", () => {
    for (const [pair, r] of outcome) {
      if (r instanceof SuanliError) {
        expect(REFUSALS, `${pair}: ${r.message}`).toContain(r.code);
        expect(r.message.length, pair).toBeGreaterThan(20);
        if (r.code === "does-not-fit") expect(r.message, pair).toMatch(/needs .* per GPU .* over/);
      } else {
        expect(Number.isFinite(r.tps) && r.tps > 0, pair).toBe(true);
      }
    }
  });
  it("every model runs on some part, every part runs some model", () => {
    for (const m of ms) expect(gs.some((g) => !(outcome.get(`${m.id} ${g.id}`) instanceof SuanliError)), m.id).toBe(true);
    for (const g of gs) expect(ms.some((m) => !(outcome.get(`${m.id} ${g.id}`) instanceof SuanliError)), g.id).toBe(true);
  });
  it("a trillion-parameter MoE fits an NVL72 domain but not an 8-GPU HGX board", () => {
    expect(outcome.get("kimi-k2 GB200")).toMatchObject({ gpus: 72 });
    expect(outcome.get("kimi-k2 H100-SXM")).toBeInstanceOf(SuanliError);
  });
  it("small models fit one GPU, even a 16 GB T4", () => {
    expect(outcome.get("qwen3-0.6b T4")).toMatchObject({ gpus: 1 });
    expect(outcome.get("llama3.1-8b H100-SXM")).toMatchObject({ gpus: 1 });
  });
});

describe("the catalog's data", () => {
  it("every GPU figure carries a source URL and says how it was checked", () => {
    let n = 0;
    for (const g of gpusJson.gpus) {
      for (const [path, f] of figures(g, String(g.id))) {
        expect(f.source, path).toMatch(/^https?:\/\//);
        expect(typeof f.note === "string" && f.note.length > 10, `${path} has a note`).toBe(true);
        n++;
      }
    }
    expect(n).toBeGreaterThan(30 * 8);
  });
  it("dense peaks are consistent across precisions (a dense/sparse slip would break these ratios)", () => {
    const near = (x: number, targets: number[]) => targets.some((t) => Math.abs(x / t - 1) < 0.06);
    for (const s of gpuSpecs()) {
      const half = s.peak.fp16 ?? s.peak.bf16;
      if (half === undefined) continue;
      if (s.peak.fp16 !== undefined && s.peak.bf16 !== undefined) expect(s.peak.bf16 / s.peak.fp16, `${s.id} bf16/fp16`).toBeCloseTo(1, 6);
      if (s.peak.fp8 !== undefined) expect(near(s.peak.fp8 / half, [1, 2]), `${s.id} fp8/16-bit`).toBe(true);
      if (s.peak.fp4 !== undefined) expect(near(s.peak.fp4 / s.peak.fp8!, [2]), `${s.id} fp4/fp8`).toBe(true);
      if (s.peak.tf32 !== undefined) expect(near(s.peak.tf32 / half, [0.5]), `${s.id} tf32/16-bit`).toBe(true);
    }
  });
  it("every part's scale-up link names its domain; parts without one have a PCIe path with generation and lanes", () => {
    for (const s of gpuSpecs()) {
      const up = (["nvlink", "xgmi", "hccs", "roce"] as const).map((k) => s.links[k]).find((l) => l);
      if (up) expect(up.domain, s.id).toBeGreaterThanOrEqual(2);
      else expect([s.links.pcie?.generation, s.links.pcie?.lanes], s.id).toEqual([expect.any(Number), 16]);
    }
  });
  it("every model names its config's source, and every stored config belongs to one model", () => {
    const files = readdirSync(new URL("../../datasets/models/", import.meta.url)).filter((f) => f.endsWith(".config.json"));
    expect(modelsJson.models.map((m) => m.config).sort()).toEqual(files.sort());
    for (const m of modelsJson.models) expect(m.configSource, m.id).toMatch(/^https?:\/\/|arXiv:/);
  });
  it("every id and alias finds its own entry", () => {
    for (const g of gpusJson.gpus) for (const a of [g.id, ...((g.aliases as string[]) ?? [])] as string[]) expect(gpu(a).id, a).toBe(g.id);
    for (const m of read("models/index.json").models as { id: string; aliases?: string[] }[]) for (const a of [m.id, ...(m.aliases ?? [])]) expect(model(a).id, a).toBe(m.id);
  });
});
