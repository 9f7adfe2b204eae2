/**
 * `plan(model, gpu, { gpus, workload, slo })` — every way to serve a model on `gpus` GPUs that
 * the engine accepts, priced in steady state, and the Pareto frontier of tokens/s per GPU
 * against tokens/s per user (1 ÷ TPOT) among the layouts that meet the SLO.
 *
 * Candidates:
 * - aggregated: every tp (inside a node) × pp with tp·pp dividing `gpus` (dp = the rest), for
 *   MoE models every ep (a multiple of tp dividing the experts and a stage's GPUs), each decode batch
 *   1, 2, 4, … up to the largest that fits at prompt + output tokens. In-flight batching makes
 *   every replica also prefill the prompts of the sequences that replace finished ones — batch ÷
 *   output prompts per decode step on average — so
 *     TPOT = t_decode(batch, prompt + output/2) + (batch ÷ output) × t_prefill(1, prompt)
 *     TTFT = t_prefill(1, prompt)
 *   (the interference disaggregation removes: DistServe, Zhong et al. OSDI 2024,
 *   arXiv:2401.09670 §2.2);
 * - disaggregated: a prefill pool and a decode pool (pp 1, tp inside a node each), every split
 *   of the GPUs, the same batches; rates, TTFT (with the KV hand-off) and TPOT from
 *   disaggregated.ts.
 * Steady state, no queueing: capacity() simulates queueing for one chosen layout. Every row
 * carries `why`, the arithmetic of its TPOT.
 */
import type { ColumnTable } from "arquero";
import { arquero } from "../util/lazy.js";
import { SuanliError } from "../errors.js";
import { cluster } from "../hardware/cluster.js";
import type { Gpu } from "../hardware/gpu.js";
import type { Model } from "../model/model.js";
import { paretoFrontier } from "../charts/frontier.js";
import type { Row } from "../charts/spec.js";
import { positiveInt } from "../validate.js";
import { disaggregated } from "./disaggregated.js";
import { readSlo, type SloOptions } from "./slo.js";

export interface PlanOptions {
  gpus: number;
  /** Mean prompt and output tokens of a request. */
  workload: { prompt: number; output: number };
  slo: SloOptions;
  /** Which deployments to try (default both). */
  modes?: readonly ("aggregated" | "disaggregated")[];
  /** Network between nodes, per GPU (default "400 Gb/s", InfiniBand NDR); also the KV hand-off link. */
  network?: string | number;
  /** Largest decode batch tried (default 1024). */
  maxBatch?: number;
}

/** One candidate: layout, batch, latencies and rates. */
export interface PlanRow {
  mode: "aggregated" | "disaggregated";
  layout: string;
  tp: number;
  pp: number;
  dp: number;
  /** Expert-parallel degree (1 without). */
  ep: number;
  prefill_gpus: number;
  decode_gpus: number;
  batch: number;
  ttft_s: number;
  tpot_ms: number;
  tokens_s_per_gpu: number;
  tokens_s_per_user: number;
  meets_slo: boolean;
  frontier: boolean;
  why: string;
}

export interface PlanResult {
  /** Every candidate, one row per layout and batch (arquero). */
  readonly table: ColumnTable;
  /** The Pareto-optimal rows meeting the SLO, by tokens/s per user. */
  readonly frontier: ColumnTable;
  readonly rows: readonly PlanRow[];
  /** Distinct layouts tried (a layout × its batches are its rows). */
  readonly layouts: number;
}

const divisors = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);

/** Batches 1, 2, 4, … below `max`, and `max`. */
function batches(max: number): number[] {
  const out: number[] = [];
  for (let b = 1; b < max; b *= 2) out.push(b);
  if (max > 0) out.push(max);
  return out;
}

const ms = (s: number) => `${(s * 1e3).toPrecision(3)} ms`;

/**
 * Enumerate the layouts and return every candidate and the frontier (see the module comment).
 * @example plan(model("llama3.1-70b"), gpu("H100"), { gpus: 8, workload: { prompt: 2048, output: 256 }, slo: { ttftP99: 2 } }).frontier
 */
export function plan(m: Model, g: Gpu, o: PlanOptions): PlanResult {
  const gpus = positiveInt(o?.gpus, "gpus");
  const prompt = positiveInt(o.workload?.prompt, "workload.prompt");
  const output = positiveInt(o.workload?.output, "workload.output");
  const slo = readSlo(o.slo);
  const cap = positiveInt(o.maxBatch ?? 1024, "maxBatch");
  const modes = o.modes ?? ["aggregated", "disaggregated"];
  const net = o.network ?? "400 Gb/s";
  const base = cluster(g, gpus).network(net);
  const mid = prompt + Math.max(1, Math.round(output / 2));
  const rows: PlanRow[] = [];
  let layouts = 0;
  // A layout the engine refuses (heads, layers, links) is no candidate.
  const attempt = <T>(make: () => T): T | null => {
    try {
      return make();
    } catch (err) {
      if (err instanceof SuanliError) return null;
      throw err;
    }
  };
  if (modes.includes("aggregated")) {
    for (const tp of divisors(gpus).filter((t) => t <= base.gpusPerNode)) {
      for (const pp of divisors(gpus / tp)) {
        const experts = m.arch.moe?.experts ?? 0;
        const eps = [1, ...divisors(gpus / pp).filter((k) => k > 1 && k % tp === 0 && experts % k === 0)];
        for (const ep of eps) {
          const c = attempt(() => m.on(base.tp(tp).pp(pp).ep(ep)).compile());
          if (!c) continue;
          const max = Math.min(cap, c.maxBatch(prompt + output));
          if (max === 0) continue;
          layouts++;
          const dp = gpus / (tp * pp);
          const pre = c.prefillStep(1, prompt);
          for (const b of batches(max)) {
            const dec = c.decodeStep(b, mid);
            const tpot = dec + (b / output) * pre;
            rows.push({
              mode: "aggregated", layout: `tp ${tp} · pp ${pp} · dp ${dp}${ep > 1 ? ` · ep ${ep}` : ""}`, tp, pp, dp, ep, prefill_gpus: 0, decode_gpus: 0, batch: b,
              ttft_s: pre, tpot_ms: tpot * 1e3, tokens_s_per_gpu: (dp * b) / tpot / gpus, tokens_s_per_user: 1 / tpot,
              meets_slo: pre <= slo.ttftP99 && tpot <= slo.tpotP99, frontier: false,
              why: `TPOT = decode ${ms(dec)} at batch ${b} + ${b}/${output} × prefill ${ms(pre)}`,
            });
          }
        }
      }
    }
  }
  if (modes.includes("disaggregated") && gpus > 1) {
    const tps = divisors(Math.min(gpus, base.gpusPerNode));
    for (const tpP of tps) {
      for (const tpD of tps) {
        for (let xP = tpP; xP <= gpus - tpD; xP += tpP) {
          const xD = gpus - xP;
          if (xD % tpD !== 0) continue;
          const d = attempt(() => disaggregated({ prefill: m.on(cluster(g, xP).tp(tpP)), decode: m.on(cluster(g, xD).tp(tpD)), link: net }));
          if (!d) continue;
          const max = Math.min(cap, d.compiled.decode.maxBatch(prompt + output));
          if (max === 0 || !d.compiled.prefill.fits(1, prompt)) continue;
          layouts++;
          const layout = `prefill ${xP / tpP}× tp ${tpP} + decode ${xD / tpD}× tp ${tpD}`;
          for (const b of batches(max)) {
            const r = d.request({ prompt, output, batch: b });
            const t = d.throughput({ prompt, output, batch: b });
            rows.push({
              mode: "disaggregated", layout, tp: tpD, pp: 1, dp: xD / tpD, ep: 1, prefill_gpus: xP, decode_gpus: xD, batch: b,
              ttft_s: r.ttft, tpot_ms: r.tpot * 1e3, tokens_s_per_gpu: t.tokensPerSecondPerGpu, tokens_s_per_user: 1 / r.tpot,
              meets_slo: r.ttft <= slo.ttftP99 && r.tpot <= slo.tpotP99, frontier: false,
              why: `TPOT = decode ${ms(r.tpot)} at batch ${b}; TTFT = prefill ${ms(r.prefill)} + KV ${ms(r.kvTransfer.time)}; ${t.bottleneck}-bound at ${t.requestsPerSecond.toPrecision(3)} req/s`,
            });
          }
        }
      }
    }
  }
  const ok = rows.filter((r) => r.meets_slo);
  const marked = paretoFrontier(ok as unknown as Row[], "tpot_ms", "tokens_s_per_gpu");
  marked.forEach((r, i) => (ok[i]!.frontier = r.frontier as boolean));
  const front = ok.filter((r) => r.frontier).sort((a, b) => b.tokens_s_per_user - a.tokens_s_per_user);
  return Object.freeze({ table: arquero().from(rows), frontier: arquero().from(front), rows, layouts });
}
