/**
 * The GPU catalog: datasets/gpus.json, validated once on first use and turned into plain
 * specs in base units (B, B/s, FLOP/s, W). Every figure in the file carries its source URL;
 * TFLOPS are dense (the file records what the vendor quotes, dense or 2:4 sparse).
 */
import { SuanliError } from "../errors.js";
import { readJson } from "../data/paths.js";
import { parseQuantity, type Kind } from "../units.js";
import { NameIndex } from "../util/names.js";
import { COMPUTE_PRECISIONS, type Precision } from "./precision.js";

/**
 * nvlink (NVIDIA), xgmi (AMD Infinity Fabric), hccs (Huawei Cache Coherence System), roce (Intel
 * Gaudi's on-die RoCE ports used as the scale-up fabric), pcie, network (a part's own
 * scale-out ports, where it has them).
 */
export type LinkKind = "nvlink" | "pcie" | "xgmi" | "hccs" | "roce" | "network";
export const LINK_KINDS: readonly LinkKind[] = ["nvlink", "pcie", "xgmi", "hccs", "roce", "network"];
/** Scale-up links, preferred in this order as a part's default link; then pcie, then network. */
export const SCALE_UP_LINKS: readonly LinkKind[] = ["nvlink", "xgmi", "hccs", "roce"];

export interface LinkSpec {
  readonly kind: LinkKind;
  readonly generation?: number | string;
  /** Both directions together, as vendors quote NVLink (B/s). */
  readonly total: number;
  /** One direction (B/s): what a ring all-reduce step can send while it receives. */
  readonly perDirection: number;
  /**
   * GPUs this link joins all-to-all — the NVLink domain: 8 on an HGX board, 72 in a GB200
   * NVL72 rack, 2 for bridged PCIe pairs. Absent when the catalog does not say.
   */
  readonly domain?: number;
  /** PCIe lanes (x16). */
  readonly lanes?: number;
}

export interface GpuSpec {
  readonly id: string;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly vendor: string;
  readonly architecture: string;
  readonly formFactor: string;
  /** Capacity in bytes. */
  readonly memory: number;
  readonly memoryType: string;
  /** HBM/GDDR bandwidth in B/s. */
  readonly bandwidth: number;
  /** Dense peak per precision in FLOP/s (int8: OP/s). Absent where the hardware lacks it. */
  readonly peak: Readonly<Partial<Record<Precision, number>>>;
  readonly links: Readonly<Partial<Record<LinkKind, LinkSpec>>>;
  readonly tdp?: number;
  readonly sms?: number;
  /** Fixed seconds a small-M GEMM launch takes beyond its roofline, where measured (inference/kernels.ts gemmLatency). */
  readonly gemmLatency?: number;
  /**
   * The same per launch for GEMMs whose activations are quantized (W8A8 FP8 per-tensor, FP8
   * block-scale, NVFP4), where measured: the quantize kernel plus the narrow GEMM (gpus.json
   * gemmLatency.formats; inference/launches.ts).
   */
  readonly gemmLatencyFormats?: Readonly<Partial<Record<QuantizedGemm, number>>>;
  /** The part of the same die whose measured GEMM launch latency this part takes, where it has none of its own. */
  readonly gemmLatencyFrom?: string;
  /** figure path → source URL, e.g. "tflops.fp8" → datasheet. */
  readonly sources: Readonly<Record<string, string>>;
  /** What the vendor quotes per precision: dense or sparse headline. */
  readonly vendorQuotes: Readonly<Partial<Record<Precision, { quotes: "dense" | "sparse"; value: number }>>>;
  readonly notes: readonly string[];
}

interface Figure {
  value: number;
  unit?: string;
  source: string;
  note?: string;
  vendorQuotes?: "dense" | "sparse";
  vendorValue?: number;
}

type Raw = Record<string, unknown>;

function figure(raw: unknown, where: string): Figure {
  const f = raw as Partial<Figure> | undefined;
  if (!f || typeof f.value !== "number" || !Number.isFinite(f.value) || f.value < 0) {
    throw new SuanliError("bad-dataset", `gpus.json: ${where} needs a finite non-negative "value"`, { value: raw });
  }
  if (typeof f.source !== "string" || !/^https?:\/\//.test(f.source)) {
    throw new SuanliError("bad-dataset", `gpus.json: ${where} needs a "source" URL, got ${JSON.stringify(f.source)}`, { value: raw });
  }
  return f as Figure;
}

function amount(raw: unknown, kind: Kind, where: string, sources: Record<string, string>): number {
  const f = figure(raw, where);
  sources[where] = f.source;
  return f.unit ? parseQuantity(`${f.value} ${f.unit}`, kind, `gpus.json ${where}`) : f.value;
}

/** GEMMs with quantized activations that gpus.json gemmLatency.formats may time (inference/launches.ts). */
export const QUANTIZED_GEMMS = ["fp8", "fp8Block", "fp4"] as const;
export type QuantizedGemm = (typeof QUANTIZED_GEMMS)[number];

function gemmFormats(raw: Raw, id: string, sources: Record<string, string>): Partial<Record<QuantizedGemm, number>> {
  const out: Partial<Record<QuantizedGemm, number>> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!(QUANTIZED_GEMMS as readonly string[]).includes(k)) {
      throw new SuanliError("bad-dataset", `gpus.json: ${id}.gemmLatency.formats has unknown format "${k}" (known: ${QUANTIZED_GEMMS.join(", ")})`, { value: k });
    }
    out[k as QuantizedGemm] = amount(v, "time", `gemmLatency.${k}`, sources);
  }
  return out;
}

function link(kind: LinkKind, raw: Raw, id: string, sources: Record<string, string>): LinkSpec {
  const where = `${id}.interconnects.${kind}`;
  const total = amount(raw.total, "bandwidth", `${where}.total`, sources);
  const perDirection = raw.perDirection ? amount(raw.perDirection, "bandwidth", `${where}.perDirection`, sources) : total / 2;
  const generation = raw.generation as number | string | undefined;
  const domain = raw.domain === undefined ? undefined : amount(raw.domain, "count", `${where}.domain`, sources);
  if (domain !== undefined && (!Number.isInteger(domain) || domain < 1)) {
    throw new SuanliError("bad-dataset", `gpus.json: ${where}.domain must be a whole number of GPUs ≥ 1, got ${domain}`, { value: domain });
  }
  const lanes = typeof raw.lanes === "number" ? raw.lanes : undefined;
  return {
    kind, total, perDirection,
    ...(generation !== undefined ? { generation } : {}),
    ...(domain !== undefined ? { domain } : {}),
    ...(lanes !== undefined ? { lanes } : {}),
  };
}

/** Turn one raw catalog entry into a validated spec. Exported for tests and gpu.custom. */
export function parseGpuEntry(raw: Raw): GpuSpec {
  const id = raw.id;
  if (typeof id !== "string" || id === "") throw new SuanliError("bad-dataset", `gpus.json: an entry has no "id"`, { value: raw });
  const sources: Record<string, string> = {};
  const mem = raw.memory as Raw | undefined;
  const peak: Partial<Record<Precision, number>> = {};
  const vendorQuotes: GpuSpec["vendorQuotes"] & Record<string, unknown> = {};
  const tflops = (raw.tflops ?? {}) as Record<string, unknown>;
  for (const [p, f] of Object.entries(tflops)) {
    if (!(COMPUTE_PRECISIONS as readonly string[]).includes(p)) {
      throw new SuanliError("bad-dataset", `gpus.json: ${id}.tflops has unknown precision "${p}" (known: ${COMPUTE_PRECISIONS.join(", ")})`, { value: p });
    }
    const fig = figure(f, `${id}.tflops.${p}`);
    peak[p as Precision] = amount(f, "flops", `tflops.${p}`, sources);
    if (fig.vendorQuotes) vendorQuotes[p] = { quotes: fig.vendorQuotes, value: fig.vendorValue ?? fig.value };
  }
  const links: Partial<Record<LinkKind, LinkSpec>> = {};
  const ic = (raw.interconnects ?? {}) as Record<string, Raw>;
  for (const [k, v] of Object.entries(ic)) {
    if (!(LINK_KINDS as readonly string[]).includes(k)) {
      throw new SuanliError("bad-dataset", `gpus.json: ${id}.interconnects has unknown link "${k}" (known: ${LINK_KINDS.join(", ")})`, { value: k });
    }
    links[k as LinkKind] = link(k as LinkKind, v, id, sources);
  }
  const spec: GpuSpec = {
    id,
    name: String(raw.name ?? id),
    aliases: (raw.aliases as string[] | undefined) ?? [],
    vendor: String(raw.vendor ?? ""),
    architecture: String(raw.architecture ?? ""),
    formFactor: String(raw.formFactor ?? ""),
    memory: amount(mem, "bytes", "memory", sources),
    memoryType: String(mem?.type ?? ""),
    bandwidth: amount(raw.memoryBandwidth, "bandwidth", "memoryBandwidth", sources),
    peak,
    links,
    ...(raw.tdp ? { tdp: amount(raw.tdp, "power", "tdp", sources) } : {}),
    ...(raw.sms ? { sms: amount(raw.sms, "count", "sms", sources) } : {}),
    ...(raw.gemmLatency ? { gemmLatency: amount(raw.gemmLatency, "time", "gemmLatency", sources) } : {}),
    ...((raw.gemmLatency as Raw | undefined)?.formats ? { gemmLatencyFormats: gemmFormats((raw.gemmLatency as Raw).formats as Raw, id, sources) } : {}),
    sources,
    vendorQuotes,
    notes: (raw.notes as string[] | undefined) ?? [],
  };
  if (Object.keys(peak).length === 0) throw new SuanliError("bad-dataset", `gpus.json: ${id} has no tflops`, { value: id });
  return spec;
}

/**
 * A part with `gemmLatencyFrom: { part, note }` and no measurement of its own takes the GEMM launch
 * latency (and its quantized formats) of the named part of the same die: a launch's start-up
 * is the die's and the software's, not its memory's. The sibling's sources are kept, so every
 * figure still names where it was measured; `gemmLatencyFrom` records the part.
 */
function inheritGemmLatency(g: GpuSpec, raw: Raw, all: readonly GpuSpec[]): GpuSpec {
  const from = raw.gemmLatencyFrom as Raw | undefined;
  if (from === undefined) return g;
  const sib = all.find((x) => x.id === from.part);
  if (g.gemmLatency !== undefined || sib?.gemmLatency === undefined || sib.architecture !== g.architecture || typeof from.note !== "string") {
    throw new SuanliError("bad-dataset", `gpus.json: ${g.id}.gemmLatencyFrom must name a measured part of the same architecture, with a note, and the part must have no gemmLatency of its own; got ${JSON.stringify(from)}`, { value: from });
  }
  const sources = { ...g.sources };
  for (const [k, v] of Object.entries(sib.sources)) if (k.startsWith("gemmLatency")) sources[k] = v;
  return {
    ...g,
    gemmLatency: sib.gemmLatency,
    ...(sib.gemmLatencyFormats ? { gemmLatencyFormats: sib.gemmLatencyFormats } : {}),
    gemmLatencyFrom: sib.id,
    sources,
    notes: [...g.notes, `GEMM launch latency from ${sib.id}: ${from.note}`],
  };
}

let cache: { list: GpuSpec[]; index: NameIndex<GpuSpec> } | undefined;

/** The catalog, loaded and validated once. */
export function gpuCatalog(): { list: readonly GpuSpec[]; index: NameIndex<GpuSpec> } {
  if (cache) return cache;
  const raw = readJson("gpus.json") as { gpus?: Raw[] };
  if (!Array.isArray(raw.gpus)) throw new SuanliError("bad-dataset", `gpus.json has no "gpus" array`);
  const list = raw.gpus.map(parseGpuEntry).map((g, i, all) => inheritGemmLatency(g, raw.gpus![i]!, all));
  const index = new NameIndex<GpuSpec>("gpu", "unknown-gpu", () => list.map((g) => g.id));
  for (const g of list) index.add([g.id, g.name, ...g.aliases], g);
  cache = { list, index };
  return cache;
}
