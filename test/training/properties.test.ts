import { describe, it, expect } from "vitest";
import { cluster, gpu, model, MEMORY_TERMS, type TrainOptions } from "../../src/index.js";
import { layersPerStage } from "../../src/training/states.js";
import { stepTimes } from "../../src/training/time.js";
import { matmulParams } from "../../src/model/params.js";
import { expectClose } from "../helpers.js";
import { pick, prng } from "./fixtures.js";

// Property tests over random valid configurations (seeded, so failures reproduce).
const MODELS = ["llama2-7b", "llama2-70b", "llama3-8b", "mistral-7b", "mixtral-8x7b", "gpt3-175b", "gemma2-9b", "qwen2.5-7b", "deepseek-v2-lite", "falcon-7b"];
const N = 150;

function randomConfig(r: () => number): { id: string; opts: TrainOptions } {
  const id = pick(r, MODELS);
  const a = model(id).arch;
  const tps = [1, 2, 4, 8].filter((t) => a.heads % t === 0);
  const pps = [1, 2, 4, 8].filter((p) => Math.ceil(a.layers / p) >= 2 && p <= a.layers);
  return {
    id,
    opts: {
      seq: pick(r, [512, 2048, 4096, 8192]),
      microBatch: 1 + Math.floor(r() * 8),
      accumulation: 1 + Math.floor(r() * 16),
      tp: pick(r, tps),
      pp: pick(r, pps),
      dp: pick(r, [1, 2, 4, 16, 64]),
      precision: pick(r, ["bf16", "fp16", "fp8", "fp32"]),
      fp8Recipe: pick(r, ["transformer-engine", "deepseek-v3"]),
      optimizer: pick(r, ["adam", "sgd"]),
      zero: pick(r, [0, 1, 2, 3]),
      recompute: pick(r, ["none", "selective", "full"]),
      sequenceParallel: r() < 0.5,
      flashAttention: r() < 0.5,
      dropout: r() < 0.3,
      interleave: pick(r, [1, 1, 2]),
    },
  };
}

const total = (id: string, o: TrainOptions) => model(id).train(o).memory().total.value;

describe("train(opts).memory() — properties over random configurations", () => {
  it("ZeRO-3 ≤ ZeRO-2 ≤ ZeRO-1 ≤ ZeRO-0 per GPU", () => {
    const r = prng(1);
    for (let i = 0; i < N; i++) {
      const { id, opts } = randomConfig(r);
      const m = [0, 1, 2, 3].map((zero) => total(id, { ...opts, zero }));
      for (let z = 1; z < 4; z++) expect(m[z]!, `${id} ${JSON.stringify(opts)} zero ${z}`).toBeLessThanOrEqual(m[z - 1]!);
    }
  });
  it("gradients freed between steps (gradBuffer step): at most the persistent total, at least it less the gradients", () => {
    const r = prng(7);
    for (let i = 0; i < N; i++) {
      const { id, opts } = randomConfig(r);
      const persistent = model(id).train(opts).memory();
      const step = total(id, { ...opts, gradBuffer: "step" });
      const why = `${id} ${JSON.stringify(opts)}`;
      expect(step, why).toBeLessThanOrEqual(persistent.total.value * (1 + 1e-12));
      expect(step, why).toBeGreaterThanOrEqual((persistent.total.value - persistent.bytes.gradients) * (1 - 1e-12));
    }
  });
  it("more recomputation → less memory and more FLOPs", () => {
    const r = prng(2);
    for (let i = 0; i < N; i++) {
      const { id, opts } = randomConfig(r);
      const mem = (recompute: string) => total(id, { ...opts, recompute });
      const why = `${id} ${JSON.stringify(opts)}`;
      expect(mem("selective"), why).toBeLessThanOrEqual(mem("none"));
      expect(mem("full"), why).toBeLessThanOrEqual(mem("selective"));
    }
  });
  it("only the activation terms grow with microBatch, and linearly", () => {
    const r = prng(3);
    const grows = new Set(["activations", "recomputeWorkingSet", "embeddingActivations", "logitsActivations"]);
    for (let i = 0; i < N; i++) {
      const { id, opts } = randomConfig(r);
      const at = (microBatch: number) => model(id).train({ ...opts, microBatch }).memory().bytes;
      const [m1, m2, m5] = [at(1), at(2), at(5)];
      for (const k of MEMORY_TERMS) {
        if (grows.has(k)) expectClose(m5[k] - m1[k], 4 * (m2[k] - m1[k]), 1e-9);
        else expect(m5[k], `${k} ${id}`).toBe(m1[k]);
      }
      expect(m2.activations).toBeGreaterThan(m1.activations);
    }
  });
  it("every term is finite and ≥ 0", () => {
    const r = prng(4);
    for (let i = 0; i < N; i++) {
      const { id, opts } = randomConfig(r);
      const b = model(id).train(opts).memory().bytes;
      for (const k of MEMORY_TERMS) {
        expect(Number.isFinite(b[k])).toBe(true);
        expect(b[k]).toBeGreaterThanOrEqual(0);
      }
      expect(layersPerStage(model(id).arch, opts.pp!)).toBeGreaterThanOrEqual(2);
    }
  });
});

describe("stepTimes(...) — properties (no memory check: the time model alone)", () => {
  it("more recomputation → more FLOPs per token and a longer step; everything finite, MFU ≤ 1", () => {
    const r = prng(5);
    for (let i = 0; i < N; i++) {
      const { id, opts } = randomConfig(r);
      const { tp, pp, dp, ...rest } = opts;
      const c = cluster(gpu("H100"), tp! * pp! * dp!).tp(tp!).pp(pp!).network("400 Gb/s");
      const m = model(id);
      const at = (recompute: string) => stepTimes(m.arch, m.paramBreakdown(), matmulParams(m.arch), m.train({ ...rest, recompute }).on(c).config, c);
      const [none, sel, full] = [at("none"), at("selective"), at("full")];
      const why = `${id} ${JSON.stringify(opts)}`;
      expect(sel.flops.hardware, why).toBeGreaterThanOrEqual(none.flops.hardware);
      expect(full.flops.hardware, why).toBeGreaterThan(sel.flops.hardware);
      expect(full.step, why).toBeGreaterThan(sel.step);
      for (const x of [none, sel, full]) {
        for (const v of [x.step, x.compute, x.bubble, x.tp, x.pp, x.dp, x.mfu, x.volume.tp, x.volume.dp, x.volume.pp]) expect(Number.isFinite(v), why).toBe(true);
        expect(x.mfu).toBeGreaterThan(0);
        expect(x.mfu).toBeLessThanOrEqual(1);
        expect(x.flops.model).toBe(none.flops.model);
      }
    }
  });
});
