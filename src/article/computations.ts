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
import { cluster, type Cluster } from "../hardware/cluster.js";
import type { TrainOptions } from "../training/options.js";
import { gemmEfficiency } from "../training/efficiency.js";
import { DTYPES } from "../hardware/precision.js";
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
  /** For a name the kit does not know: the known name one edit away, if any. */
  readonly typoOf?: string;
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

/** A cluster named in the data: { gpu, precision, gpus, tp, network? }. */
function theCluster(s: ComputeSpec, k: "a" | "b"): Cluster {
  const c = s[k] as { gpu: string; precision?: string; gpus: number; tp?: number; network?: string } | undefined;
  if (!c) throw new SuanliError("bad-dataset", `claim computation ${s.fn} needs "${k}": { gpu, precision, gpus, tp }`, { value: s[k] });
  let g = gpu(c.gpu);
  if (c.precision) g = g.precision(c.precision);
  const cl = cluster(g, c.gpus).tp(c.tp ?? 1);
  return c.network ? cl.network(c.network) : cl;
}

const label = (c: Cluster) => `${c.size}×${c.gpu.id} ${c.gpu.precisionName}`;

function trainOptions(s: ComputeSpec, cl?: Cluster): TrainOptions {
  // sameFraction: both GPUs' matmuls at the bf16 fraction of their own dense peak (FP8 included) — the article's reading of peaks.
  const eff = s.sameFraction === true && cl ? { efficiency: gemmEfficiency(cl.gpu.spec.architecture, "bf16").value } : {};
  return { seq: int(s, "seq"), microBatch: int(s, "microBatch", 1), accumulation: int(s, "accumulation", 1), zero: int(s, "zero", 1) as 0 | 1 | 2 | 3, recompute: (s.recompute as "none" | "selective" | "full") ?? "selective", ...eff };
}

/** Known names at one edit (a deleted, inserted or changed letter) from `name`. */
function oneEditFrom(name: string, known: readonly string[]): string | undefined {
  const n = name.toLowerCase();
  const near = (a: string, b: string): boolean => {
    if (Math.abs(a.length - b.length) > 1) return false;
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return a.slice(i + 1) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i) || a.slice(i) === b.slice(i + 1);
  };
  return known.find((k) => k !== n && near(n, k));
}

const plain = (value: number, text: string, line: string): Computed => ({ value, kind: "count", text, derivation: line, markdown: line });

/** Claims about speed and memory, computed with the inference and training models. */
Object.assign(COMPUTATIONS, {
  decodeRatio: (s: ComputeSpec) => {
    const m = theModel(s);
    const [a, b] = [theCluster(s, "a"), theCluster(s, "b")];
    const o = { batch: int(s, "batch"), context: int(s, "context") };
    const [da, db] = [m.on(a).decode(o), m.on(b).decode(o)];
    const r = da.tokensPerSecond / db.tokensPerSecond;
    // The ratio's 80 % band from each side's band (uncertainty/): where it spans 1 the ranking is within the kit's error.
    const [ba, bb] = [da.interval().rate(da.tokensPerSecond), db.interval().rate(db.tokensPerSecond)];
    const [lo, hi] = [ba.low / bb.high, ba.high / bb.low];
    const band = `80 % band ${roundSig(lo, 3)}–${roundSig(hi, 3)}×${lo < 1 && hi > 1 ? ": within the kit's error, the two are on par" : ""}`;
    return plain(r, `${roundSig(r, 4)}× (${band})`, `decode ${m.id} batch ${o.batch} @ ${o.context}: ${label(a)} ${roundSig(da.tokensPerSecond, 5)} tok/s (${da.bound}-bound) ÷ ${label(b)} ${roundSig(db.tokensPerSecond, 5)} tok/s (${db.bound}-bound) = ${roundSig(r, 4)}× per GPU-hour (${band})`);
  },
  maxMicroBatchDiff: (s: ComputeSpec) => {
    const m = theModel(s);
    const [a, b] = [theCluster(s, "a"), theCluster(s, "b")];
    const [ma, mb] = [m.train(trainOptions(s)).on(a).maxMicroBatch(), m.train(trainOptions(s)).on(b).maxMicroBatch()];
    const d = ma.microBatch - mb.microBatch;
    return plain(d, `${label(a)} fits micro-batch ${ma.microBatch}, ${label(b)} ${mb.microBatch}`, `largest micro-batch before OOM (seq ${int(s, "seq")}, ZeRO-${int(s, "zero", 1)}): ${label(a)} ${ma.microBatch} (then ${ma.runsOutFirst}) − ${label(b)} ${mb.microBatch} (then ${mb.runsOutFirst}) = ${d}`);
  },
  trainRatio: (s: ComputeSpec) => {
    const m = theModel(s);
    const [a, b] = [theCluster(s, "a"), theCluster(s, "b")];
    const [sa, sb] = [m.train(trainOptions(s, a)).on(a).step(), m.train(trainOptions(s, b)).on(b).step()];
    const r = sa.throughput / sb.throughput;
    const eff = (x: typeof sa) => `matmuls at ${roundSig(x.times.efficiency * 100, 3)} % of peak`;
    return plain(r, `${roundSig(r, 4)}×`, `training throughput ${label(a)} ${roundSig(sa.throughput, 5)} tok/s (${eff(sa)}, MFU ${roundSig(sa.mfu.value * 100, 3)} %) ÷ ${label(b)} ${roundSig(sb.throughput, 5)} tok/s (${eff(sb)}, MFU ${roundSig(sb.mfu.value * 100, 3)} %) = ${roundSig(r, 4)}×`);
  },
  formatName: (s: ComputeSpec) => {
    const name = str(s, "name");
    const known = DTYPES as readonly string[];
    const ok = known.includes(name.toLowerCase());
    const typo = ok ? undefined : oneEditFrom(name, known);
    const line = `numeric formats: ${known.join(", ")}; ${ok ? `${name} is one` : typo ? `no "${name}"; "${typo}" is one letter away` : `no "${name}"`}`;
    return { value: ok, kind: "count", text: ok ? name : `no format "${name}"`, derivation: line, markdown: line, ...(typo ? { typoOf: typo.toUpperCase() } : {}) };
  },
  stepsRatio: (s: ComputeSpec) => {
    const m = theModel(s);
    const a = theCluster(s, "a");
    const tokens = int(s, "tokens");
    const small = int(s, "microBatch"), big = int(s, "largerMicroBatch");
    const run = (microBatch: number) => m.train({ ...trainOptions(s), microBatch, ...(s.globalBatch !== undefined ? { globalBatch: int(s, "globalBatch"), accumulation: undefined } : {}) }).on(a).time({ tokens, checkMemory: false });
    const [x, y] = [run(small), run(big)];
    const r = x.steps / y.steps;
    const how = s.globalBatch !== undefined ? `global batch fixed at ${int(s, "globalBatch")} sequences` : `accumulation fixed at ${int(s, "accumulation", 1)}, so the global batch grows with the micro-batch`;
    return plain(r, `${roundSig(r, 4)}× the steps`, `optimizer steps for ${format(tokens, "tokens")} on ${label(a)} (${how}): micro-batch ${small} → ${roundSig(x.steps, 6)}, micro-batch ${big} → ${roundSig(y.steps, 6)}; ratio ${roundSig(r, 4)}`);
  },
  decodeLinkShare: (s: ComputeSpec) => {
    const m = theModel(s);
    const a = theCluster(s, "a");
    const d = m.on(a).decode({ batch: int(s, "batch"), context: int(s, "context") });
    const t = d.split;
    const r = t.link / t.total;
    const ms = (x: number) => `${roundSig(x * 1e3, 3)} ms`;
    return plain(r, `${roundSig(r * 100, 3)} % of the step on the links`, `decode step of ${m.id}, batch ${d.batch} @ ${d.context} on ${label(a)}: ${ms(t.total)} = memory-bound ${ms(t.memory)} + compute-bound ${ms(t.compute)} + collectives ${ms(t.link)}${t.overhead ? ` + fixed overhead ${ms(t.overhead)}` : ""}; links ${roundSig(r * 100, 3)} %`);
  },
  computeShare: (s: ComputeSpec) => {
    const m = theModel(s);
    const a = theCluster(s, "a");
    const st = m.train(trainOptions(s)).on(a).step();
    const r = st.compute.value / st.time.value;
    return plain(r, `${roundSig(r * 100, 3)} % of the step`, `${label(a)}: compute ${st.compute.format()} ÷ step ${st.time.format()} (bubble ${st.bubble.format()}, exposed communication ${st.exposedCommunication.format()}) = ${roundSig(r * 100, 3)} %`);
  },
});

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
