/** `suanli gpus`, `suanli models` — the catalogs, filtered. */
import { SuanliError, show } from "../errors.js";
import { gpus } from "../hardware/gpus.js";
import { models } from "../model/models.js";
import { foldName } from "../util/names.js";
import { flag, str, type Parsed } from "./args.js";
import { print } from "./output.js";
import { textTable } from "./text.js";

/** Rows whose `keys` contain FILTER (case, spaces, hyphens and dots ignored); none: a refusal listing all ids. */
function filterRows(rows: Record<string, unknown>[], filter: string | undefined, keys: string[], what: string): Record<string, unknown>[] {
  if (filter === undefined) return rows;
  const f = foldName(filter);
  const out = rows.filter((r) => keys.some((k) => foldName(String(r[k] ?? "")).includes(f)));
  if (out.length === 0) {
    throw new SuanliError("bad-argument", `no ${what} matches ${show(filter)}; known: ${rows.map((r) => r.id).join(", ")}`, { value: filter });
  }
  return out;
}

export async function runGpus(p: Parsed): Promise<number> {
  const rows = filterRows(gpus().objects() as Record<string, unknown>[], p.positionals[0], ["id", "name"], "GPU");
  if (flag(p, "json")) print(JSON.stringify(rows, null, 2));
  else {
    print(
      textTable(rows, ["id", "memory_GiB", "memory_type", "bandwidth_TB_s", "fp32_TFLOPS", "bf16_TFLOPS", "fp16_TFLOPS", "fp8_TFLOPS", "int8_TFLOPS", "nvlink_GB_s", "pcie_GB_s", "tdp_W"]) +
        "\n\nTFLOPS are dense (no 2:4 sparsity); memory in GiB (vendors write GB); bandwidths in decimal GB/s, TB/s; links: both directions. Sources: datasets/gpus.json",
    );
  }
  return 0;
}

/** A model's family: the leading letters of its id (llama2-70b → llama). */
export const familyOf = (id: string) => /^[a-z]+/i.exec(id)?.[0]?.toLowerCase() ?? id;

export async function runModels(p: Parsed): Promise<number> {
  let rows = filterRows(models().objects() as Record<string, unknown>[], p.positionals[0], ["id", "name"], "model");
  const family = str(p, "family");
  if (family !== undefined) {
    const known = [...new Set((models().objects() as { id: string }[]).map((r) => familyOf(r.id)))];
    if (!known.includes(family.toLowerCase())) throw new SuanliError("bad-argument", `--family ${show(family)} is not a family of the catalog; known: ${known.join(", ")}`, { value: family, expected: known.join(", ") });
    rows = rows.filter((r) => familyOf(String(r.id)) === family.toLowerCase());
  }
  if (flag(p, "json")) print(JSON.stringify(rows, null, 2));
  else {
    print(
      textTable(rows, ["id", "attention", "layers", "hidden", "heads", "kv_heads", "params_B", "active_params_B", "published_params_B", "kv_fp16_KiB_per_token", "max_position"]) +
        "\n\nparams counted from each published config.json; published figures and sources: datasets/models/index.json",
    );
  }
  return 0;
}
