/**
 * `gpu(name)` — a GPU from the catalog, viewed at a compute precision and over a link.
 * Immutable: `.fp8()`, `.nvlink()` each return a new frozen Gpu.
 *
 * @example
 * gpu("H20").peak().format()              // returns "148 TFLOPS" (dense FP16)
 * gpu("H20").fp8().nvlink().toString()    // returns "Gpu H20 · fp8 · nvlink · 96 GiB"
 */
import type { Unit } from "mathjs";
import { SuanliError, show } from "../errors.js";
import { quantity, type Quantity } from "../quantity.js";
import { div, qty } from "../derive/term.js";
import { format, parseQuantity } from "../units.js";
import { gpuCatalog, parseGpuEntry, LINK_KINDS, SCALE_UP_LINKS, type GpuSpec, type LinkKind, type LinkSpec } from "./catalog.js";
import { COMPUTE_PRECISIONS, type Precision } from "./precision.js";
import { checkKeys, positiveInt } from "../validate.js";
import type { GpuName } from "../data/names.js";

export interface GpuState {
  readonly spec: GpuSpec;
  readonly precision: Precision;
  readonly link: LinkKind | undefined;
}

/** A link as a user sees it: kind, generation and bandwidths as Quantities. */
export interface Link {
  readonly kind: LinkKind;
  readonly generation?: number | string;
  readonly total: Quantity<"bandwidth">;
  readonly perDirection: Quantity<"bandwidth">;
  /** GPUs the link joins all-to-all (8 on HGX, 72 on GB200 NVL72), where the catalog says. */
  readonly domain?: number;
  readonly lanes?: number;
}

function defaultLink(spec: GpuSpec): LinkKind | undefined {
  return [...SCALE_UP_LINKS, "pcie" as const, "network" as const].find((k) => spec.links[k]);
}

export class Gpu {
  readonly state: GpuState;

  constructor(state: GpuState) {
    this.state = state;
    Object.freeze(this);
  }

  private with(patch: Partial<GpuState>): Gpu {
    return new Gpu({ ...this.state, ...patch });
  }

  get id(): string {
    return this.state.spec.id;
  }
  get name(): string {
    return this.state.spec.name;
  }
  get spec(): GpuSpec {
    return this.state.spec;
  }
  get precisionName(): Precision {
    return this.state.precision;
  }
  /** The precisions this part computes in (dense peaks known). */
  get precisions(): Precision[] {
    return COMPUTE_PRECISIONS.filter((p) => this.state.spec.peak[p] !== undefined);
  }
  has(p: Precision): boolean {
    return this.state.spec.peak[p] !== undefined;
  }

  /** View at compute precision `p`; refused, listing what the part has, if it lacks it. */
  precision(typed: Precision | string): Gpu {
    // case does not matter ("FP8", "fp8"), as with GPU and model names
    const p = COMPUTE_PRECISIONS.find((k) => typeof typed === "string" && k.toLowerCase() === typed.toLowerCase());
    if (p === undefined) {
      throw new SuanliError("unknown-precision", `unknown precision ${show(typed)}; accepted: ${COMPUTE_PRECISIONS.join(", ")}`, { value: typed });
    }
    if (!this.has(p as Precision)) {
      throw new SuanliError(
        "unsupported-precision",
        `${this.id} has no ${p} (it has: ${this.precisions.join(", ")})`,
        { value: p, expected: this.precisions.join(", ") },
      );
    }
    return this.with({ precision: p as Precision });
  }
  fp64(): Gpu { return this.precision("fp64"); }
  fp32(): Gpu { return this.precision("fp32"); }
  tf32(): Gpu { return this.precision("tf32"); }
  bf16(): Gpu { return this.precision("bf16"); }
  fp16(): Gpu { return this.precision("fp16"); }
  fp8(): Gpu { return this.precision("fp8"); }
  int8(): Gpu { return this.precision("int8"); }
  fp4(): Gpu { return this.precision("fp4"); }

  /** View over link `kind`; refused, listing the part's links, if it has none of that kind. */
  via(kind: LinkKind | string): Gpu {
    if (!(LINK_KINDS as readonly string[]).includes(kind)) {
      throw new SuanliError("unknown-link", `unknown link ${show(kind)}; accepted: ${LINK_KINDS.join(", ")}`, { value: kind });
    }
    if (!this.state.spec.links[kind as LinkKind]) {
      const has = Object.keys(this.state.spec.links);
      throw new SuanliError("unknown-link", `${this.id} has no ${kind} link (it has: ${has.join(", ") || "none"})`, { value: kind, expected: has.join(", ") });
    }
    return this.with({ link: kind as LinkKind });
  }
  nvlink(): Gpu { return this.via("nvlink"); }
  pcie(): Gpu { return this.via("pcie"); }
  xgmi(): Gpu { return this.via("xgmi"); }
  hccs(): Gpu { return this.via("hccs"); }
  roce(): Gpu { return this.via("roce"); }

  /**
   * GPUs the chosen link joins all-to-all — its NVLink (or Infinity Fabric, HCCS, RoCE)
   * domain — or undefined where the catalog does not say (PCIe).
   * @example gpu("GB200").domain // returns 72
   */
  get domain(): number | undefined {
    const k = this.state.link;
    return k ? this.state.spec.links[k]?.domain : undefined;
  }

  /** Dense peak at the chosen precision (FP16 unless one is chosen). Source: the vendor datasheet. */
  peak(): Quantity<"flops"> {
    const { spec, precision } = this.state;
    const v = spec.peak[precision]!;
    return quantity(v, "flops", () => ({
      title: `${spec.id} dense ${precision} peak`,
      term: qty(v / 1e12, "TFLOPS"),
      ...(spec.sources[`tflops.${precision}`] ? { source: spec.sources[`tflops.${precision}`] } : {}),
      ...(spec.vendorQuotes[precision]?.quotes === "sparse"
        ? { notes: [`vendor headline ${spec.vendorQuotes[precision]!.value} TFLOPS is with 2:4 sparsity; dense is half`] }
        : {}),
    }));
  }

  /** Memory capacity (binary: an "80 GB" HBM part holds 80 GiB). */
  get memory(): Quantity<"bytes"> {
    const { spec } = this.state;
    return quantity(spec.memory, "bytes", () => ({ title: `${spec.id} memory (${spec.memoryType})`, term: qty(spec.memory / 2 ** 30, "GiB"), source: spec.sources.memory! }));
  }

  /** Memory bandwidth (decimal B/s, as vendors quote it). */
  get bandwidth(): Quantity<"bandwidth"> {
    const { spec } = this.state;
    return quantity(spec.bandwidth, "bandwidth", () => ({ title: `${spec.id} memory bandwidth`, term: qty(spec.bandwidth / 1e12, "TB/s"), source: spec.sources.memoryBandwidth! }));
  }

  /** The chosen link (NVLink by default where the part has it). */
  get link(): Link {
    const kind = this.state.link;
    const l: LinkSpec | undefined = kind ? this.state.spec.links[kind] : undefined;
    if (!l) throw new SuanliError("unknown-link", `${this.id} has no interconnect in the catalog`, { value: this.id });
    const bw = (v: number, which: string) =>
      quantity(v, "bandwidth", () => ({ title: `${this.id} ${l.kind} ${which}`, term: qty(v / 1e9, "GB/s"), source: this.state.spec.sources[`${this.id}.interconnects.${l.kind}.total`] ?? "" }));
    return Object.freeze({
      kind: l.kind,
      ...(l.generation !== undefined ? { generation: l.generation } : {}),
      total: bw(l.total, "total (both directions)"),
      perDirection: bw(l.perDirection, "per direction"),
      ...(l.domain !== undefined ? { domain: l.domain } : {}),
      ...(l.lanes !== undefined ? { lanes: l.lanes } : {}),
    });
  }

  /**
   * Ridge point of the roofline: peak FLOP/s ÷ memory B/s — the arithmetic intensity at
   * which compute time and memory time meet (Williams, Waterman & Patterson, CACM 2009).
   */
  ridge(): Quantity<"intensity"> {
    const p = this.state.spec.peak[this.state.precision]!;
    const b = this.state.spec.bandwidth;
    return quantity(p / b, "intensity", () => ({
      title: `${this.id} ${this.state.precision} ridge point`,
      formula: "peak FLOPS ÷ memory bandwidth",
      term: div(qty(p / 1e12, "TFLOPS"), qty(b / 1e12, "TB/s")),
      source: "Williams, Waterman, Patterson, Roofline, CACM 52(4) 2009",
    }));
  }

  toString(): string {
    const parts = [`Gpu ${this.id}`, this.state.precision, this.state.link ?? "no link", format(this.state.spec.memory, "bytes")];
    return parts.join(" · ");
  }
  toJSON(): { gpu: string; precision: Precision; link: LinkKind | undefined } {
    return { gpu: this.id, precision: this.state.precision, link: this.state.link };
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function fromSpec(spec: GpuSpec): Gpu {
  const precision: Precision = spec.peak.fp16 !== undefined ? "fp16" : (COMPUTE_PRECISIONS.find((p) => spec.peak[p] !== undefined) as Precision);
  return new Gpu({ spec, precision, link: defaultLink(spec) });
}

/** Look up a catalog GPU by id or alias, case- and punctuation-insensitively. */
export function gpu(name: GpuName | (string & {})): Gpu {
  return fromSpec(gpuCatalog().index.get(name));
}

/** Options for a hypothetical part: quantities as strings ("96 GiB"), Units, or base-unit numbers. */
export interface CustomGpuOptions {
  name: string;
  memory: string | number | Unit;
  bandwidth: string | number | Unit;
  /** Dense peak per precision, e.g. { fp16: "148 TFLOPS", fp8: "296 TFLOPS" }. */
  peak: Partial<Record<Precision, string | number | Unit>>;
  nvlink?: string | number | Unit;
  /** GPUs the NVLink joins all-to-all (default: the cluster's node size). */
  nvlinkDomain?: number;
  pcie?: string | number | Unit;
  network?: string | number | Unit;
  sms?: number;
}

/** Every key of CustomGpuOptions (the compiler checks the list is complete). */
const CUSTOM_KEY_SET: Readonly<Record<keyof CustomGpuOptions, true>> = { name: true, memory: true, bandwidth: true, peak: true, nvlink: true, nvlinkDomain: true, pcie: true, network: true, sms: true };
const CUSTOM_KEYS = Object.keys(CUSTOM_KEY_SET);

/** A hypothetical GPU; link figures are totals over both directions (as vendors quote NVLink). */
gpu.custom = function custom(o: CustomGpuOptions): Gpu {
  checkKeys(o, CUSTOM_KEYS, "gpu.custom");
  if (!o || typeof o.name !== "string" || o.name === "") throw new SuanliError("bad-argument", `gpu.custom needs a name`, { value: o?.name });
  if (o.sms !== undefined) positiveInt(o.sms, "gpu.custom: sms");
  const peak: Partial<Record<Precision, number>> = {};
  for (const [p, v] of Object.entries(o.peak ?? {})) {
    if (!(COMPUTE_PRECISIONS as readonly string[]).includes(p)) {
      throw new SuanliError("unknown-precision", `gpu.custom: unknown precision ${show(p)}; accepted: ${COMPUTE_PRECISIONS.join(", ")}`, { value: p });
    }
    peak[p as Precision] = parseQuantity(v as string, "flops", `peak.${p}`);
    if (!(peak[p as Precision]! > 0) || !Number.isFinite(peak[p as Precision]!)) throw new SuanliError("bad-argument", `gpu.custom: peak.${p} must be a finite rate > 0, got ${show(v)}`, { value: v, expected: '> 0, e.g. "148 TFLOPS"' });
  }
  if (Object.keys(peak).length === 0) throw new SuanliError("bad-argument", `gpu.custom: give at least one peak, e.g. peak: { fp16: "148 TFLOPS" }`);
  const links: Partial<Record<LinkKind, LinkSpec>> = {};
  for (const k of ["nvlink", "pcie", "network"] as const) {
    const v = o[k];
    if (v !== undefined) {
      const total = parseQuantity(v, "bandwidth", k);
      if (!(total > 0) || !Number.isFinite(total)) throw new SuanliError("bad-argument", `gpu.custom: ${k} must be a finite bandwidth > 0, got ${show(v)}`, { value: v });
      links[k] = { kind: k, total, perDirection: total / 2, ...(k === "nvlink" && o.nvlinkDomain !== undefined ? { domain: positiveInt(o.nvlinkDomain, "nvlinkDomain") } : {}) };
    }
  }
  const spec: GpuSpec = {
    id: o.name, name: o.name, aliases: [], vendor: "custom", architecture: "custom", formFactor: "",
    memory: parseQuantity(o.memory, "bytes", "memory"), memoryType: "", bandwidth: parseQuantity(o.bandwidth, "bandwidth", "bandwidth"),
    peak, links, ...(o.sms ? { sms: o.sms } : {}), sources: {}, vendorQuotes: {}, notes: ["hypothetical part (gpu.custom)"],
  };
  if (!(spec.memory > 0) || !(spec.bandwidth > 0) || !Number.isFinite(spec.memory) || !Number.isFinite(spec.bandwidth)) throw new SuanliError("bad-argument", `gpu.custom: memory and bandwidth must be finite and > 0, got ${show(o.memory)} and ${show(o.bandwidth)}`, { value: o });
  return fromSpec(spec);
};

/** Re-export for tests that validate raw entries. */
export { parseGpuEntry };
