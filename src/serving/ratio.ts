/**
 * The prefill : decode GPU split of a disaggregated deployment that serves the most requests
 * under an SLO (the search of DistServe, Zhong et al. OSDI 2024, arXiv:2401.09670 §4, here over
 * the closed-form pool rates of disaggregated.ts): for each split of `gpus` into a prefill pool
 * (multiples of its tp) and a decode pool (multiples of its tp), the decode batch is the
 * largest that fits and keeps TPOT within the SLO, TTFT (prefill + KV hand-off, no queueing)
 * must be within the SLO, and the deployment runs at the slowest of prefill, decode and link.
 */
import type { ColumnTable } from "arquero";
import { arquero } from "../util/lazy.js";
import { cluster } from "../hardware/cluster.js";
import type { Gpu } from "../hardware/gpu.js";
import { largest } from "../inference/memory.js";
import type { Model } from "../model/model.js";
import { positiveInt } from "../validate.js";
import { disaggregated, type DisaggregatedOptions } from "./disaggregated.js";
import { readSlo, type SloOptions } from "./slo.js";

export interface RatioOptions {
  /** GPUs to split between the pools. */
  gpus: number;
  /** Tensor-parallel degree of each replica (default 8 for both). */
  tp?: { prefill?: number; decode?: number };
  link: DisaggregatedOptions["link"];
  prompt: number;
  output: number;
  slo: SloOptions;
}

/** One split's row: GPUs per pool, decode batch, TTFT/TPOT, rates, the SLO verdict. */
export interface RatioRow {
  prefill_gpus: number;
  decode_gpus: number;
  ratio: string;
  batch: number;
  ttft_s: number;
  tpot_ms: number;
  kv_transfer_ms: number;
  requests_s: number;
  tokens_s_per_gpu: number;
  bottleneck: string;
  meets_slo: boolean;
}

/**
 * Every prefill:decode split of `gpus`, and the best under the SLO (null when none meets it).
 * @example prefillDecodeRatio(model("llama3.1-70b"), gpu("H100"), { gpus: 32, link: "400 Gb/s", prompt: 2048, output: 256, slo: { ttftP99: 2, tpotP99: 0.05 } }).best
 */
export function prefillDecodeRatio(m: Model, g: Gpu, o: RatioOptions): { table: ColumnTable; rows: RatioRow[]; best: RatioRow | null } {
  const gpus = positiveInt(o?.gpus, "gpus");
  const tpP = positiveInt(o.tp?.prefill ?? Math.min(8, gpus), "tp.prefill");
  const tpD = positiveInt(o.tp?.decode ?? Math.min(8, gpus), "tp.decode");
  const prompt = positiveInt(o.prompt, "prompt");
  const output = positiveInt(o.output, "output");
  const slo = readSlo(o.slo);
  const rows: RatioRow[] = [];
  for (let x = tpP; x <= gpus - tpD; x += tpP) {
    if ((gpus - x) % tpD !== 0) continue;
    const d = disaggregated({ prefill: m.on(cluster(g, x).tp(tpP)), decode: m.on(cluster(g, gpus - x).tp(tpD)), link: o.link });
    const dc = d.compiled.decode;
    const mid = prompt + Math.max(1, Math.round(output / 2));
    const max = dc.maxBatch(prompt + output);
    // A pool that cannot hold one request is no candidate.
    if (max === 0 || !d.compiled.prefill.fits(1, prompt)) continue;
    const batch = max === 0 ? 0 : largest((b) => b <= max && dc.decodeStep(b, mid) <= slo.tpotP99, max);
    const r = d.request({ prompt, output, batch: Math.max(1, batch) });
    const t = batch > 0 ? d.throughput({ prompt, output, batch }) : null;
    rows.push({
      prefill_gpus: x, decode_gpus: gpus - x, ratio: `${x / tpP}:${(gpus - x) / tpD}`, batch,
      ttft_s: r.ttft, tpot_ms: r.tpot * 1e3, kv_transfer_ms: r.kvTransfer.time * 1e3,
      requests_s: t?.requestsPerSecond ?? 0, tokens_s_per_gpu: t?.tokensPerSecondPerGpu ?? 0, bottleneck: t?.bottleneck ?? "decode",
      meets_slo: t !== null && r.ttft <= slo.ttftP99,
    });
  }
  let best: RatioRow | null = null;
  for (const r of rows) if (r.meets_slo && (best === null || r.requests_s > best.requests_s)) best = r;
  return { table: arquero().from(rows), rows, best };
}
