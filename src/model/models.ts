/**
 * `models()` — the model catalog as an arquero table with parameter counts from the configs and
 * the published checkpoint's weight format (`checkpoint`: bf16, or what its quantization_config or
 * hf_quant_config.json says: fp8, nvfp4, "mxfp4 experts") and size (`checkpoint_GB`).
 * `family` is the catalog's family ("llama", "qwen3", "deepseek", …); the `family` option
 * matches its start, so `models({ family: "qwen" })` lists Qwen2, 2.5 and 3.
 *
 * @example
 * models({ family: "qwen" }).array("id")       // every Qwen model
 * models({ filter: "moe" })                     // words match id, name, aliases, family and attention/MoE kind
 */
import type { ColumnTable } from "arquero";
import { arquero } from "../util/lazy.js";
import { modelCatalog, type ModelEntry } from "./catalog.js";
import { checkpointBytes, countParams } from "./params.js";
import { kvElementsPerToken } from "./kv.js";
import { moeLayerCount } from "./architecture.js";
import { filterText, matchesFilter, nothingFound } from "../util/filter.js";
import { foldName } from "../util/names.js";

export interface ModelsOptions {
  /** Words that must each appear in the model's id, name, aliases, family, attention kind or "moe"/"dense". */
  filter?: string;
  /** Family prefix, case- and punctuation-insensitive: "qwen", "llama", "deepseek", "gpt-oss". */
  family?: string;
}

/** Words a filter can match for a model: its names, family, attention kind, moe/dense. */
function searchable(m: ModelEntry): string[] {
  return [m.id, m.name, m.family, m.arch.attention, m.arch.moe ? "moe" : "dense", ...m.aliases];
}

/** The catalog's models matching the options; refused, with suggestions, when none match. */
export function modelEntries(o: ModelsOptions = {}): ModelEntry[] {
  const filter = filterText(o.filter, "filter");
  const family = foldName(filterText(o.family, "family"));
  const all = modelCatalog().list;
  const list = all.filter((m) => matchesFilter(searchable(m), filter) && foldName(m.family).startsWith(family));
  if (list.length === 0) {
    if (family && !all.some((m) => foldName(m.family).startsWith(family))) {
      throw nothingFound("model family", "unknown-model", o.family!, [...new Set(all.map((m) => m.family))]);
    }
    throw nothingFound("model", "unknown-model", filter, all.map((m) => m.id));
  }
  return list;
}

export function modelRow(m: ModelEntry): Record<string, string | number | null> {
  const p = countParams(m.arch);
  const a = m.arch;
  return {
    id: m.id,
    name: m.name,
    family: m.family,
    model_type: a.modelType,
    attention: a.attention,
    layers: a.layers,
    hidden: a.hidden,
    heads: a.heads,
    kv_heads: a.kvHeads,
    experts: a.moe ? a.moe.experts : null,
    active_experts: a.moe ? a.moe.active + a.moe.shared : null,
    moe_layers: a.moe ? moeLayerCount(a) : null,
    windowed_layers: a.windows.filter((w) => w !== null).length,
    params_B: p.total / 1e9,
    active_params_B: p.active / 1e9,
    published_params_B: m.publishedParams ? m.publishedParams.value / 1e9 : null,
    checkpoint: a.quantization ? `${a.quantization.method}${a.quantization.scope === "experts" ? " experts" : ""}` : "bf16",
    checkpoint_GB: checkpointBytes(a, p) / 1e9,
    kv_fp16_KiB_per_token: (a.layers * kvElementsPerToken(a) * 2) / 1024,
    max_position: a.maxPosition,
  };
}

/** The catalog (or the models matching `filter` / `family`) as a table. */
export function models(o: ModelsOptions = {}): ColumnTable {
  return arquero().from(modelEntries(o).map(modelRow));
}
