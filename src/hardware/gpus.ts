/**
 * `gpus()` — the GPU catalog as an arquero table, one row per part. Quantity columns are
 * plain numbers with the unit in the column name (`memory_GiB`, `bandwidth_TB_s`,
 * `fp16_TFLOPS`, …); absent precisions are null (the part lacks them), never 0.
 * `link` is the part's scale-up link (nvlink, xgmi, hccs, roce; pcie where it has none),
 * `link_domain` the GPUs it joins all-to-all, `ridge_fp16_FLOP_B` / `ridge_fp8_FLOP_B` the
 * roofline ridge points (dense peak ÷ memory bandwidth; Williams et al., CACM 2009).
 *
 * @example
 * gpus({ filter: "h100" }).array("id")   // returns ["H100-SXM", "H100-PCIe", "H100-NVL"]
 * gpus({ vendor: "amd" }).numRows()      // the AMD parts
 */
import type { ColumnTable } from "arquero";
import { arquero } from "../util/lazy.js";
import { gpuCatalog, SCALE_UP_LINKS, type GpuSpec } from "./catalog.js";
import { COMPUTE_PRECISIONS } from "./precision.js";
import { filterText, matchesFilter, nothingFound } from "../util/filter.js";

export function gpuRow(g: GpuSpec): Record<string, string | number | null> {
  const row: Record<string, string | number | null> = {
    id: g.id,
    name: g.name,
    vendor: g.vendor,
    architecture: g.architecture,
    form_factor: g.formFactor,
    memory_GiB: g.memory / 2 ** 30,
    memory_type: g.memoryType,
    bandwidth_TB_s: g.bandwidth / 1e12,
  };
  for (const p of COMPUTE_PRECISIONS) row[`${p}_TFLOPS`] = g.peak[p] !== undefined ? g.peak[p]! / 1e12 : null;
  const up = SCALE_UP_LINKS.map((k) => g.links[k]).find((l) => l !== undefined) ?? g.links.pcie;
  row.link = up?.kind ?? null;
  row.link_GB_s = up ? up.total / 1e9 : null;
  row.link_domain = up?.domain ?? null;
  row.nvlink_GB_s = g.links.nvlink ? g.links.nvlink.total / 1e9 : null;
  row.pcie_GB_s = g.links.pcie ? g.links.pcie.total / 1e9 : null;
  row.pcie_gen = g.links.pcie?.generation !== undefined ? Number(g.links.pcie.generation) : null;
  row.ridge_fp16_FLOP_B = g.peak.fp16 !== undefined ? g.peak.fp16 / g.bandwidth : null;
  row.ridge_fp8_FLOP_B = g.peak.fp8 !== undefined ? g.peak.fp8 / g.bandwidth : null;
  row.tdp_W = g.tdp ?? null;
  row.sms = g.sms ?? null;
  return row;
}

export interface GpusOptions {
  /** Words that must each appear in the part's id, name, aliases, vendor or architecture. */
  filter?: string;
  /** Vendor, case-insensitive: "nvidia", "amd", "intel", "huawei". */
  vendor?: string;
}

/** The catalog's parts matching the options (all by default); refused, with suggestions, when none match. */
export function gpuSpecs(o: GpusOptions = {}): GpuSpec[] {
  const filter = filterText(o.filter, "filter");
  const vendor = filterText(o.vendor, "vendor");
  const list = gpuCatalog().list.filter(
    (g) => matchesFilter([g.id, g.name, g.vendor, g.architecture, ...g.aliases], filter) && (vendor === "" || g.vendor.toLowerCase() === vendor.toLowerCase()),
  );
  if (list.length === 0) {
    const all = gpuCatalog().list;
    throw nothingFound("GPU", "unknown-gpu", [vendor, filter].filter((x) => x).join(" "), vendor && !filter ? [...new Set(all.map((g) => g.vendor))] : all.map((g) => g.id));
  }
  return list;
}

/** The catalog (or the parts matching `filter` / `vendor`) as a table. */
export function gpus(o: GpusOptions = {}): ColumnTable {
  return arquero().from(gpuSpecs(o).map(gpuRow));
}
