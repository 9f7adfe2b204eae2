/**
 * `gpus()` — the GPU catalog as an arquero table, one row per part. Quantity columns are
 * plain numbers with the unit in the column name (`memory_GiB`, `bandwidth_TB_s`,
 * `fp16_TFLOPS`, …); absent precisions are null (the part lacks them), never 0.
 */
import type { ColumnTable } from "arquero";
import { arquero } from "../util/lazy.js";
import { gpuCatalog, type GpuSpec } from "./catalog.js";
import { COMPUTE_PRECISIONS } from "./precision.js";

export function gpuRow(g: GpuSpec): Record<string, string | number | null> {
  const row: Record<string, string | number | null> = {
    id: g.id,
    name: g.name,
    vendor: g.vendor,
    architecture: g.architecture,
    memory_GiB: g.memory / 2 ** 30,
    memory_type: g.memoryType,
    bandwidth_TB_s: g.bandwidth / 1e12,
  };
  for (const p of COMPUTE_PRECISIONS) row[`${p}_TFLOPS`] = g.peak[p] !== undefined ? g.peak[p]! / 1e12 : null;
  row.nvlink_GB_s = g.links.nvlink ? g.links.nvlink.total / 1e9 : null;
  row.pcie_GB_s = g.links.pcie ? g.links.pcie.total / 1e9 : null;
  row.tdp_W = g.tdp ?? null;
  row.sms = g.sms ?? null;
  return row;
}

/** The whole catalog as a table. */
export function gpus(): ColumnTable {
  return arquero().from(gpuCatalog().list.map(gpuRow));
}
