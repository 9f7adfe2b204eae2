/**
 * Time to read the K/V projection weights once per earlier token — the cost of generating
 * without a KV cache when each earlier token's K and V are recomputed one at a time
 * (the article's "tens of seconds" for the last token on H100 / RTX 4090):
 *
 *   t = T × L × P_kv × s ÷ memory bandwidth
 */
import { Quantity } from "../quantity.js";
import { div, qty } from "../derive/term.js";
import type { Gpu } from "../hardware/gpu.js";
import type { Model } from "../model/model.js";
import type { Dtype } from "../hardware/precision.js";

export function recomputeReadTime(m: Model, g: Gpu, opts: { seq: number; dtype?: Dtype | string }): Quantity<"time"> {
  const bytes = m.kvRecompute({ seq: opts.seq, dtype: opts.dtype ?? "fp16" }).readBytes;
  const bw = g.bandwidth;
  return new Quantity(bytes.value / bw.value, "time", () => ({
    title: `reading K/V weights for ${opts.seq} earlier tokens of ${m.id} on ${g.id}`,
    formula: "T × L × P_kv × s ÷ memory bandwidth",
    term: div(qty(bytes.value / 1e12, "TB"), qty(bw.value / 1e12, "TB/s")),
  }));
}
