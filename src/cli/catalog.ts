/** `suanli gpus`, `suanli models`, `suanli kv` — catalog listings and a KV cache size. */
import { gpus } from "../hardware/gpus.js";
import { models } from "../model/models.js";
import { model } from "../model/model.js";
import { textTable } from "./text.js";

export function runGpus(flags: { json: boolean }): string {
  const rows = gpus().objects() as Record<string, unknown>[];
  if (flags.json) return JSON.stringify(rows, null, 2);
  return textTable(rows, ["id", "memory_GiB", "memory_type", "bandwidth_TB_s", "fp32_TFLOPS", "bf16_TFLOPS", "fp16_TFLOPS", "fp8_TFLOPS", "int8_TFLOPS", "nvlink_GB_s", "pcie_GB_s", "tdp_W"]) +
    "\n\nTFLOPS are dense (no 2:4 sparsity); memory in GiB (vendors write GB); bandwidths in decimal GB/s, TB/s; links: both directions. Sources: datasets/gpus.json";
}

export function runModels(flags: { json: boolean }): string {
  const rows = models().objects() as Record<string, unknown>[];
  if (flags.json) return JSON.stringify(rows, null, 2);
  return textTable(rows, ["id", "attention", "layers", "hidden", "heads", "kv_heads", "params_B", "active_params_B", "published_params_B", "kv_fp16_KiB_per_token", "max_position"]) +
    "\n\nparams counted from each published config.json; published figures and sources: datasets/models/index.json";
}

export function runKv(name: string, o: { batch: number; seq: number; dtype: string; mha: boolean; json: boolean }): string {
  let m = model(name);
  if (o.mha) m = m.mha();
  const kv = m.kv({ batch: o.batch, seq: o.seq, dtype: o.dtype });
  const d = kv.explain();
  if (o.json) {
    return JSON.stringify({ model: m.id, batch: o.batch, seq: o.seq, dtype: o.dtype, bytes: kv.value, text: kv.format(), perTokenBytes: kv.perToken.value, perLayerBytes: kv.perLayer, derivation: d.line }, null, 2);
  }
  return `${d.text}\n  = ${kv.format({ system: "decimal" })} (decimal)\n  per token: ${kv.perToken.format()} (${kv.perToken.format({ system: "decimal" })})`;
}
