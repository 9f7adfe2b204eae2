/**
 * Latency targets of a serving deployment: p99 time to first token and p99 time per output
 * token. MLPerf Inference's Llama-2-70B Server scenario sets TTFT p99 ≤ 2 s and TPOT p99 ≤
 * 200 ms (MLPerf Inference rules, "Benchmarks" table, llama2-70b server latency constraints:
 * https://github.com/mlcommons/inference_policies/blob/master/inference_rules.adoc) —
 * `MLPERF_LLAMA2_70B_SLO`.
 */
import type { Unit } from "mathjs";
import { SuanliError, show } from "../errors.js";
import { parseQuantity } from "../units.js";

/** p99 targets in seconds, or "2 s" / "200 ms" strings or mathjs Units; either may be left out. */
export interface SloOptions {
  ttftP99?: number | string | Unit;
  tpotP99?: number | string | Unit;
}

/** Targets in seconds; an absent target is Infinity (no constraint). */
export interface Slo {
  readonly ttftP99: number;
  readonly tpotP99: number;
}

/** The MLPerf Inference Llama-2-70B Server latency constraints. */
export const MLPERF_LLAMA2_70B_SLO: Slo = Object.freeze({ ttftP99: 2, tpotP99: 0.2 });

/** Read and check an SLO: at least one target, each a time > 0. */
export function readSlo(o: SloOptions | undefined): Slo {
  if (o === null || typeof o !== "object" || (o.ttftP99 === undefined && o.tpotP99 === undefined)) {
    throw new SuanliError("bad-argument", `slo must give ttftP99 and/or tpotP99, e.g. { ttftP99: "2 s", tpotP99: "200 ms" }; got ${show(o)}`, { value: o, expected: "{ ttftP99, tpotP99 }" });
  }
  const one = (v: number | string | Unit | undefined, name: string) => {
    if (v === undefined) return Infinity;
    const s = parseQuantity(v, "time", name);
    if (!(s > 0)) throw new SuanliError("bad-argument", `${name} must be a time > 0, got ${show(v)}`, { value: v, expected: "e.g. \"2 s\"" });
    return s;
  };
  return Object.freeze({ ttftP99: one(o.ttftP99, "slo.ttftP99"), tpotP99: one(o.tpotP99, "slo.tpotP99") });
}
