/**
 * The band of a capacity under an SLO (serving/capacity.ts). The simulator's only clock is the
 * engine's step times: every arrival, wait and step is either a workload time divided by the
 * rate or an engine step. So if every step took s times as long, the run at rate r would be the
 * run of the true engine at rate r·s with every time stretched by s, and its p99s s times the
 * true ones. Hence, exactly (the probe lattice is anchored at the offline rate, which scales
 * the same way):
 *
 *   capacity under SLO, steps × s  =  capacity under SLO ÷ s, true steps  ÷ s
 *
 * (tokens/s alike). The band takes s at the two ends of the step-time band (interval.ts): the
 * envelope of the prefill band at batch 1 and the decode band at the largest batch in flight,
 * since both kinds of step set the rate. Two more capacity searches.
 */
import type { InferenceEngine } from "../inference/engine.js";
import type { Slo } from "../serving/slo.js";
import { checkLevel } from "./conformal.js";
import { bandFor, DEFAULT_LEVEL, withBand, type Band } from "./interval.js";
import { engineSetup } from "./setup.js";
import { format } from "../units.js";

/** What a capacity search reports that the band needs. */
interface Searched {
  readonly rate: number;
  readonly tokensPerSecond: number;
  readonly slo: Slo;
}

export interface CapacityInterval {
  readonly level: number;
  /** Requests/s: the capacity found, and its band. */
  readonly rate: { readonly value: number; readonly low: number; readonly high: number };
  /** Output tokens/s at that rate, and its band. */
  readonly tokensPerSecond: { readonly value: number; readonly low: number; readonly high: number };
  /** The step-time bands behind it: prefill (batch 1) and decode (largest batch). */
  readonly bands: { readonly prefill: Band; readonly decode: Band };
  toString(): string;
}

/**
 * The band of `found` (header): `search(slo)` reruns the capacity search of the same engine and
 * workload under another SLO (seconds; Infinity: none).
 */
export function capacityInterval(e: InferenceEngine, found: Searched, maxBatch: number, search: (slo: Slo) => Searched, level: number = DEFAULT_LEVEL): CapacityInterval {
  checkLevel(level);
  const prefill = bandFor(engineSetup(e, "prefill", 1), level);
  const decode = bandFor(engineSetup(e, "decode", maxBatch), level);
  const lo = Math.min(prefill.lo, decode.lo);
  const hi = Math.max(prefill.hi, decode.hi);
  // steps × s with s = e^(−r): r = lo is the slowest end of the band, r = hi the fastest
  const at = (r: number) => {
    if (r === 0) return found;
    const s = Math.exp(-r);
    const got = search({ ttftP99: found.slo.ttftP99 / s, tpotP99: found.slo.tpotP99 / s });
    return { rate: got.rate / s, tokensPerSecond: got.tokensPerSecond / s };
  };
  const slow = at(lo);
  const fast = at(hi);
  const band = (v: number, a: number, b: number) => Object.freeze({ value: v, low: Math.min(a, b, v), high: Math.max(a, b, v) });
  const rate = band(found.rate, slow.rate, fast.rate);
  const tokens = band(found.tokensPerSecond, slow.tokensPerSecond, fast.tokensPerSecond);
  return Object.freeze({
    level, rate, tokensPerSecond: tokens, bands: Object.freeze({ prefill, decode }),
    toString: () => `${withBand(rate.value, rate.low, rate.high, level, (x) => `${format(x, "count", { digits: 3 })} req/s`)}, ${withBand(tokens.value, tokens.low, tokens.high, level, (x) => `${format(x, "count", { digits: 3 })} tok/s`)}`,
  });
}
