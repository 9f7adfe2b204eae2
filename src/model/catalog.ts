/**
 * The model catalog: datasets/models/index.json names each model, its published config.json
 * (stored unchanged beside it), the config's source and the officially published parameter count.
 */
import { SuanliError } from "../errors.js";
import { readJson } from "../data/paths.js";
import { NameIndex } from "../util/names.js";
import { parseHFConfig, type HFConfig } from "./config.js";
import type { Architecture } from "./architecture.js";

export interface PublishedCount {
  readonly value: number;
  readonly source: string;
  readonly how?: string;
  readonly rounded?: boolean;
}

export interface ModelEntry {
  readonly id: string;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly family: string;
  readonly configSource: string;
  readonly config: HFConfig;
  readonly arch: Architecture;
  readonly publishedParams?: PublishedCount;
  readonly publishedActiveParams?: PublishedCount;
  readonly constructed: boolean;
  readonly notes: readonly string[];
}

type RawEntry = Record<string, unknown> & { id: string; config: string };

let cache: { list: ModelEntry[]; index: NameIndex<ModelEntry> } | undefined;

/** The catalog, loaded and validated once. */
export function modelCatalog(): { list: readonly ModelEntry[]; index: NameIndex<ModelEntry> } {
  if (cache) return cache;
  const raw = readJson("models", "index.json") as { models?: RawEntry[] };
  if (!Array.isArray(raw.models)) throw new SuanliError("bad-dataset", `models/index.json has no "models" array`);
  const list = raw.models.map((m): ModelEntry => {
    const cited = typeof m.configSource === "string" && (/^https?:\/\//.test(m.configSource) || (m.constructed === true && /arXiv:\d/.test(m.configSource)));
    if (!cited) {
      throw new SuanliError("bad-dataset", `models/index.json: ${m.id} needs a configSource URL (or, for a config constructed from a paper, an arXiv citation)`, { value: m.id });
    }
    const config = readJson("models", m.config) as HFConfig;
    if (m.quantConfig !== undefined && !(typeof m.quantConfigSource === "string" && /^https?:\/\//.test(m.quantConfigSource))) {
      throw new SuanliError("bad-dataset", `models/index.json: ${m.id} has a quantConfig but no quantConfigSource URL`, { value: m.id });
    }
    const quant = m.quantConfig === undefined ? undefined : readJson("models", String(m.quantConfig));
    return {
      id: m.id,
      name: String(m.name ?? m.id),
      aliases: (m.aliases as string[] | undefined) ?? [],
      family: String(m.family ?? ""),
      configSource: m.configSource as string,
      config,
      arch: parseHFConfig(config, m.id, quant),
      ...(m.publishedParams ? { publishedParams: m.publishedParams as PublishedCount } : {}),
      ...(m.publishedActiveParams ? { publishedActiveParams: m.publishedActiveParams as PublishedCount } : {}),
      constructed: m.constructed === true,
      notes: (m.notes as string[] | undefined) ?? [],
    };
  });
  const index = new NameIndex<ModelEntry>("model", "unknown-model", () => list.map((m) => m.id));
  for (const m of list) index.add([m.id, m.name, ...m.aliases], m);
  cache = { list, index };
  return cache;
}
