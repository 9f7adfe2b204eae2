/** `models()` — the model catalog as an arquero table with parameter counts from the configs. */
import type { ColumnTable } from "arquero";
import { arquero } from "../util/lazy.js";
import { modelCatalog } from "./catalog.js";
import { countParams } from "./params.js";
import { kvElementsPerToken } from "./kv.js";

export function models(): ColumnTable {
  return arquero().from(
    modelCatalog().list.map((m) => {
      const p = countParams(m.arch);
      const a = m.arch;
      return {
        id: m.id,
        name: m.name,
        attention: a.attention,
        layers: a.layers,
        hidden: a.hidden,
        heads: a.heads,
        kv_heads: a.kvHeads,
        params_B: p.total / 1e9,
        active_params_B: p.active / 1e9,
        published_params_B: m.publishedParams ? m.publishedParams.value / 1e9 : null,
        kv_fp16_KiB_per_token: (a.layers * kvElementsPerToken(a) * 2) / 1024,
        max_position: a.maxPosition,
      };
    }),
  );
}
