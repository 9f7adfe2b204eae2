/** `suanli gpus`, `suanli models` — the catalogs, filtered. */
import { gpus } from "../hardware/gpus.js";
import { models } from "../model/models.js";
import { flag, str, type Parsed } from "./args.js";
import { print } from "./output.js";
import { textTable } from "./text.js";

export async function runGpus(p: Parsed): Promise<number> {
  // the library's own search (hardware/gpus.ts): words match id, name, aliases, vendor, architecture
  const rows = gpus({ ...(p.positionals[0] !== undefined ? { filter: p.positionals[0] } : {}) }).objects() as Record<string, unknown>[];
  if (flag(p, "json")) print(JSON.stringify(rows, null, 2));
  else {
    print(
      textTable(rows, ["id", "memory_GiB", "memory_type", "bandwidth_TB_s", "fp32_TFLOPS", "bf16_TFLOPS", "fp16_TFLOPS", "fp8_TFLOPS", "int8_TFLOPS", "nvlink_GB_s", "pcie_GB_s", "tdp_W"]) +
        "\n\nTFLOPS are dense (no 2:4 sparsity); memory in GiB (vendors write GB); bandwidths in decimal GB/s, TB/s; links: both directions. Sources: datasets/gpus.json",
    );
  }
  return 0;
}

export async function runModels(p: Parsed): Promise<number> {
  // the library's own search (model/models.ts): FILTER words and the catalog's family field
  const family = str(p, "family");
  const rows = models({ ...(p.positionals[0] !== undefined ? { filter: p.positionals[0] } : {}), ...(family !== undefined ? { family } : {}) }).objects() as Record<string, unknown>[];
  if (flag(p, "json")) print(JSON.stringify(rows, null, 2));
  else {
    print(
      textTable(rows, ["id", "attention", "layers", "hidden", "heads", "kv_heads", "params_B", "active_params_B", "published_params_B", "checkpoint", "checkpoint_GB", "kv_fp16_KiB_per_token", "max_position"]) +
        "\n\nparams counted from each published config.json; published figures and sources: datasets/models/index.json",
    );
  }
  return 0;
}
