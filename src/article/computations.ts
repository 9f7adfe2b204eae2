/**
 * The DSL computations the article's claims are checked with. Each takes the arguments named in
 * datasets/article/h20-claims.json and returns the kit's value through the public surface
 * (gpu(), model(), tensorParallelBound(), …) — nothing here knows what the article says.
 */
import { SuanliError } from "../errors.js";
import { Quantity } from "../quantity.js";
import { div, mul, num, qty } from "../derive/term.js";
import { gpu, type Gpu } from "../hardware/gpu.js";
import { model, type Model } from "../model/model.js";
import { tensorParallelBound } from "../inference/tpBound.js";
import { recomputeReadTime } from "../inference/recompute.js";
import { format, roundSig, type Kind } from "../units.js";
import type { ComputeSpec } from "./claims.js";

export interface Computed {
  /** Base-unit number (or a yes/no). */
  readonly value: number | boolean;
  readonly kind: Kind;
  /** The value formatted for reading. */
  readonly text: string;
  /** One line of arithmetic: operands substituted, with units. */
  readonly derivation: string;
  readonly markdown: string;
}

const str = (s: ComputeSpec, k: string): string => {
  const v = s[k];
  if (typeof v !== "string") throw new SuanliError("bad-dataset", `claim computation ${s.fn} needs a string "${k}"`, { value: v });
  return v;
};
const int = (s: ComputeSpec, k: string, dflt?: number): number => {
  const v = s[k] ?? dflt;
  if (typeof v !== "number") throw new SuanliError("bad-dataset", `claim computation ${s.fn} needs a number "${k}"`, { value: v });
  return v;
};

function theModel(s: ComputeSpec): Model {
  const m = model(str(s, "model"));
  return s.assumption === "mha" ? m.mha() : m;
}

function theGpu(s: ComputeSpec): Gpu {
  const g = gpu(str(s, "gpu"));
  return typeof s.precision === "string" ? g.precision(s.precision) : g;
}

/** Show a quantity in the unit the article used (`show`), with the kit's readable form beside it. */
function fromQuantity(q: Quantity, show?: string): Computed {
  const d = q.explain();
  let text = q.format();
  if (show && show !== "%") {
    const inShow = `${roundSig(q.to(show), 6)} ${show}`;
    const sameUnit = text.endsWith(` ${show}`);
    text = sameUnit ? inShow : `${inShow} (${text})`;
  }
  return { value: q.value, kind: q.kind, text, derivation: d.line, markdown: d.markdown };
}

function ratioOf(a: Quantity, b: Quantity, minusOne: boolean, show?: string): Computed {
  const r = a.value / b.value - (minusOne ? 1 : 0);
  const text = show === "%" ? `${roundSig(r * 100, 4)} %` : `${roundSig(r, 4)}×`;
  const line = `${a.format()} ÷ ${b.format()}${minusOne ? " − 1" : ""} = ${text}`;
  return { value: r, kind: "count", text, derivation: line, markdown: `\`${line}\`` };
}

type Fn = (s: ComputeSpec) => Computed;

const quantityOf: Record<string, (s: ComputeSpec) => Quantity> = {
  peak: (s) => theGpu(s).peak(),
  memory: (s) => theGpu(s).memory,
  bandwidth: (s) => theGpu(s).bandwidth,
  link: (s) => theGpu(s).link.total,
};

export const COMPUTATIONS: Record<string, Fn> = {
  peak: (s) => fromQuantity(quantityOf.peak!(s), s.show),
  memory: (s) => fromQuantity(quantityOf.memory!(s), s.show),
  bandwidth: (s) => fromQuantity(quantityOf.bandwidth!(s), s.show),
  link: (s) => fromQuantity(quantityOf.link!(s), s.show),

  hasPrecision: (s) => {
    const g = gpu(str(s, "gpu"));
    const p = str(s, "precision");
    const has = g.precisions.includes(p as never);
    const line = `${g.id} computes in: ${g.precisions.join(", ")}`;
    return { value: has, kind: "count", text: has ? `has ${p}` : `no ${p}`, derivation: line, markdown: line };
  },

  ratio: (s) => ratioOf(measure(s.of as ComputeSpec), measure(s.to as ComputeSpec), false, s.show),
  excess: (s) => ratioOf(measure(s.of as ComputeSpec), measure(s.to as ComputeSpec), true, s.show),

  tpBound: (s) => {
    const b = tensorParallelBound(theModel(s), theGpu(s), { convention: s.convention === "ring" ? "ring" : "article" });
    const d = b.exact.explain();
    const text = `${b.gpus.value} GPUs (${roundSig(b.exact.value, 4)} before rounding down)`;
    return { value: b.gpus.value, kind: "count", text, derivation: `${d.line} → ${b.gpus.value}`, markdown: d.markdown };
  },

  arch: (s) => {
    const m = theModel(s);
    const field = str(s, "field") as "layers" | "hidden" | "maxPosition";
    const v = m.arch[field];
    const line = `config.json of ${m.id}: ${field} = ${v}`;
    return { value: v, kind: "count", text: String(v), derivation: line, markdown: line };
  },

  kv: (s) => fromQuantity(theModel(s).kv({ batch: int(s, "batch"), seq: int(s, "seq") }), s.show),
  weights: (s) => fromQuantity(theModel(s).weights({ dtype: str(s, "dtype") }).with({ system: "decimal" }), s.show),

  kvExceedsWeights: (s) => {
    const m = theModel(s);
    const w = model(str(s, "model")).weights({ dtype: "fp16" });
    const perSeq = m.kv({ batch: 1, seq: int(s, "seq") });
    const batch = Math.floor(w.value / perSeq.value) + 1;
    const line = `smallest batch with KV > weights: ⌊${format(w.value, "bytes", { system: "decimal" })} ÷ ${format(perSeq.value, "bytes", { system: "decimal" })} per sequence⌋ + 1 = ${batch}`;
    return { value: batch, kind: "count", text: `batch ≥ ${batch}`, derivation: line, markdown: line };
  },

  recomputeFlops: (s) => fromQuantity(theModel(s).kvRecompute({ batch: int(s, "batch"), seq: int(s, "seq") }).flops, s.show),
  flopsPerKvByte: (s) => fromQuantity(theModel(s).kvRecompute({ batch: int(s, "batch"), seq: int(s, "seq") }).perKvByte),
  recomputeReads: (s) => {
    const r = theModel(s).kvRecompute({ seq: int(s, "seq") }).readElements;
    const d = r.explain();
    const text = `${roundSig(r.value / 1e12, 5)} T (= ${roundSig(r.value / 2 ** 40, 5)} Ti) elements`;
    return { value: r.value, kind: "count", text, derivation: `${d.line.replace(/ = .*$/, "")} = ${r.value}`, markdown: d.markdown };
  },
  recomputeTime: (s) => fromQuantity(recomputeReadTime(theModel(s), gpu(str(s, "gpu")), { seq: int(s, "seq") })),

  recomputeGemmTime: (s) => {
    const g = gpu(str(s, "gpu"));
    const f = theModel(s).kvRecompute({ seq: int(s, "seq") }).flops;
    const t = f.value / g.peak().value;
    const q = new Quantity(t, "time", () => ({
      title: `K/V recompute of ${int(s, "seq")} tokens as one GEMM on ${g.id}`,
      formula: "FLOPs ÷ dense peak (weights read once: compute-bound)",
      term: div(qty(f.value / 1e12, "TFLOP"), qty(g.peak().value / 1e12, "TFLOPS")),
    }));
    return fromQuantity(q);
  },

  recomputeGrowth: (s) => {
    const T = int(s, "seq");
    const per = recomputeReadTime(theModel(s), gpu(str(s, "gpu")), { seq: 1 }).value;
    // generating T tokens without a cache: step t re-reads weights for t earlier tokens → Σ t = T(T+1)/2
    const total = (n: number) => (per * n * (n + 1)) / 2;
    const r = total(2 * T) / total(T);
    const term = div(mul(num(2 * T), num(2 * T + 1)), mul(num(T), num(T + 1)));
    const q = new Quantity(r, "count", () => ({ title: "time(2T) ÷ time(T), no KV cache", formula: "Σ_{t≤2T} t ÷ Σ_{t≤T} t", term }));
    const d = q.explain();
    return { value: r, kind: "count", text: `${roundSig(r, 5)}× (output ${T} → ${2 * T} tokens: ${format(total(T), "time")} → ${format(total(2 * T), "time")})`, derivation: d.line, markdown: d.markdown };
  },
};

/** A quantity-valued computation, for ratios. */
function measure(s: ComputeSpec): Quantity {
  const f = quantityOf[s?.fn];
  if (!f) throw new SuanliError("bad-dataset", `ratio operands must be one of ${Object.keys(quantityOf).join(", ")}; got ${JSON.stringify(s?.fn)}`, { value: s?.fn });
  return f(s);
}

/** Run the computation a claim names. */
export function compute(s: ComputeSpec): Computed {
  const f = COMPUTATIONS[s.fn];
  if (!f) throw new SuanliError("bad-dataset", `unknown claim computation ${JSON.stringify(s.fn)} (known: ${Object.keys(COMPUTATIONS).join(", ")})`, { value: s.fn });
  return f(s);
}
