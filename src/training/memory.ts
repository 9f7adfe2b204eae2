/**
 * Per-GPU training memory, term by term, on the most loaded pipeline stage:
 *
 *   total = weights + FP8 copies + gradients + optimizer states + ZeRO-3 gathered layer
 *         + activations × layers × micro-batches in flight + recompute working set
 *         + embedding and logits activations + runtime reserve
 *
 * Model states: states.ts (ZeRO, Rajbhandari et al. 2020); activations: activations.ts
 * (Korthikanti et al. 2022, Table 2). Only the activation terms grow with the micro-batch.
 *
 * @example
 * model("llama2-70b").train({ seq: 4096, tp: 8, zero: 1, dp: 8 }).memory().breakdown()
 */
import type { ColumnTable } from "arquero";
import { arquero } from "../util/lazy.js";
import { Quantity } from "../quantity.js";
import { add, div, mul, num, qty, type Term } from "../derive/term.js";
import type { Architecture } from "../model/architecture.js";
import type { ParamBreakdown } from "../model/params.js";
import { format } from "../units.js";
import {
  embeddingActivationBytes, inFlight, layerActivationBytes, logitsActivationBytes, recomputeWorkingSet,
} from "./activations.js";
import type { TrainConfig } from "./options.js";
import { stagePeak } from "./peak.js";
import { expertLayerParams, gpuParams, layerParams, layersPerStage, stateBytes, zeroDivisors, type GpuParams, type Stage } from "./states.js";

export const MEMORY_TERMS = [
  "weights", "fp8Copies", "gradients", "optimizer", "zero3Gather",
  "activations", "recomputeWorkingSet", "embeddingActivations", "logitsActivations", "reserve",
] as const;
export type MemoryTerm = (typeof MEMORY_TERMS)[number];

const LABELS: Record<MemoryTerm, string> = {
  weights: "weights", fp8Copies: "FP8 weight copies", gradients: "gradients", optimizer: "optimizer states",
  zero3Gather: "ZeRO-3 gathered layer", activations: "activations (layers)", recomputeWorkingSet: "recompute working set",
  embeddingActivations: "embedding activations", logitsActivations: "logits / loss activations", reserve: "runtime reserve",
};
const KORTHIKANTI = "Korthikanti et al. 2022 (arXiv:2205.05198) §4, Table 2";

/** Plain per-term bytes for one stage (the fast path: no Quantities). */
export function memoryTerms(a: Architecture, p: ParamBreakdown, c: TrainConfig, stage: Stage): Record<MemoryTerm, number> {
  const sb = stateBytes(c);
  const z = zeroDivisors(c.zero, c.dp);
  const P = gpuParams(p, a, c, stage);
  const ze = zeroDivisors(c.zero, P.edp);
  const L = layersPerStage(a, c.pp);
  const state = (bytes: number, k: "weights" | "grads" | "optimizer") => (P.dense * bytes) / z[k] + (P.expert * bytes) / ze[k];
  const perLayer = layerActivationBytes(a, c);
  const grads = state(sb.grads, "grads");
  const { flight, gradShare } = atPeak(c, stage, L * perLayer, grads);
  return {
    weights: state(sb.weights, "weights"),
    fp8Copies: state(sb.fp8Copies, "weights"),
    gradients: grads * gradShare,
    optimizer: state(sb.optimizer, "optimizer"),
    zero3Gather: c.zero === 3 ? zero3Gathered(p, a, c, P) * (sb.weights + sb.fp8Copies) : 0,
    activations: L * flight * perLayer,
    recomputeWorkingSet: recomputeWorkingSet(a, c),
    embeddingActivations: stage === "last" ? 0 : flight * embeddingActivationBytes(a, c),
    logitsActivations: stage === "first" ? 0 : logitsActivationBytes(a, c),
    reserve: c.reserve,
  };
}

/**
 * Micro-batches in flight on `stage`: the first stage's (rank 0) or the last's (rank p − 1: one
 * under 1F1B, (v − 1)·N + 1 chunks under interleaving; activations.ts inFlight). DualPipe's
 * p + 1 is counted on the first stage only.
 */
function stageFlight(c: TrainConfig, stage: Stage): number {
  if (stage !== "last") return inFlight(c);
  return c.schedule === "dualpipe" ? 1 : inFlight(c, c.pp - 1);
}

/**
 * Micro-batches of activations and the share of the stage's gradients held at the stage's memory
 * peak: all gradients and the most micro-batches in flight with a persistent gradient buffer (and
 * under DualPipe); the largest sum over the step's operations with gradBuffer "step" (peak.ts).
 */
export function atPeak(c: TrainConfig, stage: Stage, stageActivations: number, stageGradients: number): { flight: number; gradShare: number } {
  if (c.gradBuffer === "persistent" || c.schedule === "dualpipe") return { flight: stageFlight(c, stage), gradShare: 1 };
  const v = Math.max(1, c.interleave);
  const pk = stagePeak(c, stage === "last" ? c.pp - 1 : 0, stageActivations / v, stageGradients / v);
  return { flight: pk.chunks / v, gradShare: pk.gradChunks / v };
}

/** Parameters ZeRO-3 gathers for one layer: the dense part over dp, the routed experts over edp (each × (1 − 1/group)). */
function zero3Gathered(p: ParamBreakdown, a: Architecture, c: TrainConfig, P: GpuParams): number {
  const routed = P.expert > 0 ? expertLayerParams(p, a) : 0;
  return ((layerParams(p, a) - routed) / c.tp) * (1 - 1 / c.dp) + (routed / c.ep) * (1 - 1 / P.edp);
}

const sum = (t: Record<MemoryTerm, number>) => MEMORY_TERMS.reduce((s, k) => s + t[k], 0);

/** The stage that holds the most: the first (embedding, p micro-batches in flight) or the last (LM head, logits). */
export function heaviestStage(a: Architecture, p: ParamBreakdown, c: TrainConfig): { stage: Stage; terms: Record<MemoryTerm, number> } {
  if (c.pp === 1) return { stage: "only", terms: memoryTerms(a, p, c, "only") };
  const f = memoryTerms(a, p, c, "first");
  const l = memoryTerms(a, p, c, "last");
  return sum(l) > sum(f) ? { stage: "last", terms: l } : { stage: "first", terms: f };
}

export class TrainingMemory {
  /** Bytes per term, plain numbers. */
  readonly bytes: Readonly<Record<MemoryTerm, number>>;
  readonly stage: Stage;
  /** GPU capacity in bytes, when a cluster is known. */
  readonly capacity: number | undefined;
  private readonly a: Architecture;
  private readonly p: ParamBreakdown;
  private readonly c: TrainConfig;
  private readonly modelId: string;

  constructor(modelId: string, a: Architecture, p: ParamBreakdown, c: TrainConfig, capacity?: number) {
    const h = heaviestStage(a, p, c);
    this.bytes = Object.freeze(h.terms);
    this.stage = h.stage;
    this.capacity = capacity;
    this.a = a;
    this.p = p;
    this.c = c;
    this.modelId = modelId;
    Object.freeze(this);
  }

  /** Per-GPU total. */
  get total(): Quantity<"bytes"> {
    const v = sum(this.bytes);
    return new Quantity(v, "bytes", () => ({
      title: `training memory per GPU, ${this.modelId} (${this.stage} stage)`,
      formula: MEMORY_TERMS.map((k) => LABELS[k]).join(" + "),
      term: add(...MEMORY_TERMS.map((k) => qty(this.bytes[k] / 2 ** 30, "GiB"))),
    }));
  }

  /** Whether the total fits the GPU (undefined without a cluster). */
  get fits(): boolean | undefined {
    return this.capacity === undefined ? undefined : sum(this.bytes) <= this.capacity;
  }

  /** One term as a Quantity with its derivation. */
  term(name: MemoryTerm): Quantity<"bytes"> {
    const v = this.bytes[name];
    return new Quantity(v, "bytes", () => ({ title: `${LABELS[name]} per GPU, ${this.modelId}`, ...this.how(name) }));
  }

  /** Every term as a Quantity. */
  get terms(): Readonly<Record<MemoryTerm, Quantity<"bytes">>> {
    const out = {} as Record<MemoryTerm, Quantity<"bytes">>;
    for (const k of MEMORY_TERMS) out[k] = this.term(k);
    return Object.freeze(out);
  }

  /** One row per term: term, memory_GiB, share of the total, formula, source. */
  breakdown(): ColumnTable {
    const total = sum(this.bytes);
    return arquero().from(
      MEMORY_TERMS.map((k) => {
        const d = this.how(k);
        return { term: LABELS[k], key: k, memory_GiB: this.bytes[k] / 2 ** 30, share: total > 0 ? this.bytes[k] / total : 0, formula: d.formula, source: d.source ?? "" };
      }),
    );
  }

  private how(name: MemoryTerm): { formula: string; term: Term; source?: string; notes?: string[] } {
    const { a, p, c } = this;
    const sb = stateBytes(c);
    const z = zeroDivisors(c.zero, c.dp);
    const G = gpuParams(p, a, c, this.stage);
    const ze = zeroDivisors(c.zero, G.edp);
    const Pt = num(G.dense, "params on this GPU");
    const Et = num(G.expert, "expert params on this GPU");
    const part = (P: Term, bytes: number, divisor: number, name: string) => (divisor > 1 ? div(mul(P, qty(bytes, "B")), num(divisor, name)) : mul(P, qty(bytes, "B")));
    const state = (bytes: number, key: "weights" | "grads" | "optimizer", what: string) => {
      const divisor = z[key];
      const ed = ze[key];
      const dense = `params / (tp·pp stage) × ${what} B${divisor > 1 ? ` ÷ dp (ZeRO-${c.zero})` : ""}`;
      if (G.expert === 0) return { formula: dense, term: part(Pt, bytes, divisor, "dp"), source: sb.source };
      return {
        formula: `non-expert ${dense} + routed experts / (ep·pp stage) × ${what} B${ed > 1 ? ` ÷ edp (ZeRO-${c.zero})` : ""}`,
        term: add(part(Pt, bytes, divisor, "dp"), part(Et, bytes, ed, "edp")),
        source: `${sb.source}; expert parallelism: states.ts (Megatron-Core MoE parallel folding, arXiv:2504.14960)`,
      };
    };
    const L = layersPerStage(a, c.pp);
    const gradBytes = (G.dense * sb.grads) / z.grads + (G.expert * sb.grads) / ze.grads;
    const { flight, gradShare } = atPeak(c, this.stage, L * layerActivationBytes(a, c), gradBytes);
    switch (name) {
      case "weights":
        return state(sb.weights, "weights", `${sb.weights}`);
      case "fp8Copies":
        return { ...state(sb.fp8Copies, "weights", `${sb.fp8Copies}`), notes: ["FP8 weight + FP8 transpose cached by Transformer Engine"] };
      case "gradients": {
        const g = state(sb.grads, "grads", `${sb.grads}`);
        if (gradShare === 1) return g;
        return {
          ...g,
          formula: `${g.formula} × share of the stage's model chunks whose gradients exist at the memory peak (gradBuffer "step")`,
          term: mul(g.term, num(gradShare, "gradients allocated at the peak")),
          notes: ["the stage's peak walked over the step's forwards and backwards: peak.ts"],
        };
      }
      case "optimizer":
        return { ...state(sb.optimizer, "optimizer", `${sb.optimizer} (${sb.optimizerParts})`) };
      case "zero3Gather":
        return {
          formula: "layer params ÷ tp × weight bytes × (1 − 1/dp): one layer gathered at a time under ZeRO-3 (routed experts ÷ ep, × (1 − 1/edp), under ep > 1)",
          term: mul(num(c.zero === 3 ? zero3Gathered(p, a, c, G) : 0, "gathered layer params"), qty(sb.weights + sb.fp8Copies, "B")),
          source: "Rajbhandari et al. 2020 (arXiv:1910.02054) §5.3",
        };
      case "activations": {
        const per = layerActivationBytes(a, c);
        return {
          formula: `layers per stage × micro-batches in flight${c.gradBuffer === "step" && c.schedule !== "dualpipe" ? " at the memory peak" : ""} × per-layer activations (${c.recompute} recompute, SP ${c.sequenceParallel ? "on" : "off"}, flash ${c.flashAttention ? "on" : "off"})`,
          term: mul(num(L, "layers"), num(flight, "in flight"), qty(per / 2 ** 20, "MiB")),
          source: KORTHIKANTI,
          notes: [`per layer: s·b·h = ${c.seq}·${c.microBatch}·${a.hidden} × ${format(per / (c.seq * c.microBatch * a.hidden), "count")} B`],
        };
      }
      case "recomputeWorkingSet":
        return { formula: "one layer's activations rebuilt during backward (full recompute only)", term: qty(this.bytes.recomputeWorkingSet / 2 ** 20, "MiB"), source: KORTHIKANTI };
      case "embeddingActivations":
        return {
          formula: "s·b·h (÷ t with SP) dropout mask × micro-batches in flight; 0 without dropout",
          term: mul(num(flight, "in flight"), qty(embeddingActivationBytes(a, c) * (this.stage === "last" ? 0 : 1), "B")),
          source: `${KORTHIKANTI}, §4.3`,
        };
      case "logitsActivations":
        return {
          formula: "s·b·(2e·h + 4·V) / t: final-norm and LM-head inputs, fp32 logits",
          term: div(mul(num(c.seq, "s"), num(c.microBatch, "b"), add(num(2 * c.activationBytes * a.hidden, "2e·h"), num(4 * a.vocab, "4·V")), qty(this.stage === "first" ? 0 : 1, "B")), num(c.tp, "t")),
          source: `${KORTHIKANTI}, §4.3`,
        };
      case "reserve":
        return { formula: "CUDA context, NCCL and cuBLAS workspaces, allocator fragmentation (option `reserve`)", term: qty(c.reserve / 2 ** 30, "GiB") };
    }
  }

  toString(): string {
    const parts = MEMORY_TERMS.filter((k) => this.bytes[k] > 0).map((k) => `${LABELS[k]} ${format(this.bytes[k], "bytes")}`);
    const cap = this.capacity === undefined ? "" : ` of ${format(this.capacity, "bytes")}${this.fits ? "" : " (OOM)"}`;
    return `TrainingMemory ${format(sum(this.bytes), "bytes")}${cap}: ${parts.join(", ")}`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
