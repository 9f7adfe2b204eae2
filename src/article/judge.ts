/**
 * The verdict on one claim: does the kit's value match what the article states, and if not,
 * is the gap rounding, a unit slip (binary prefix written as decimal: GiB as "GB", 2^40 as "T"),
 * a different assumption (the row re-checks the claim under a realistic assumption) or an
 * arithmetic error (the article's own formula gives another number)?
 */
import { unitScale } from "../derive/term.js";
import { roundSig } from "../units.js";
import type { Stated, Verdict } from "./claims.js";
import type { Computed } from "./computations.js";

const COUNT_PREFIX: Record<string, [number, number]> = { K: [1e3, 2 ** 10], M: [1e6, 2 ** 20], G: [1e9, 2 ** 30], T: [1e12, 2 ** 40], P: [1e15, 2 ** 50] };
const BINARY_OF: Record<string, string> = { k: "Ki", K: "Ki", M: "Mi", G: "Gi", T: "Ti", P: "Pi" };

/** [decimal scale, binary-reading scale] of a stated unit: "GB" → [1e9, 2^30]; "TFLOP" → [1e12, 2^40]; "T" → [1e12, 2^40]. */
export function statedScales(unit: string | undefined): [number, number | null] {
  if (!unit || unit === "%") return [unit === "%" ? 0.01 : 1, null];
  const bare = COUNT_PREFIX[unit];
  if (bare) return bare;
  const dec = unitScale(unit);
  const m = /^([kKMGTP])(?!i)(.+)$/.exec(unit);
  if (!m) return [dec, null];
  const binPrefix = BINARY_OF[m[1]!]!;
  const rest = m[2]!;
  // mathjs knows binary prefixes for bytes only; FLOP-like units scale by hand.
  const bin = /^B(\/s)?$/.test(rest) ? unitScale(`${binPrefix}${rest}`) : (dec / COUNT_PREFIX[m[1]!.toUpperCase()]![0]) * COUNT_PREFIX[m[1]!.toUpperCase()]![1];
  return [dec, bin];
}

/** Significant digits the article wrote: "140" → 2, "3.35" → 3, "148" → 3, "1" → 1. */
export function writtenDigits(x: number): number {
  const s = String(Math.abs(x));
  if (s.includes(".")) return s.replace(".", "").replace(/^0+/, "").length;
  return s.replace(/0+$/, "").length || 1;
}

function agrees(kit: number, stated: number, digits: number): "exact" | "rounded" | null {
  if (Math.abs(kit - stated) <= 1e-9 * Math.abs(stated)) return "exact";
  return Number(roundSig(kit, digits)) === Number(roundSig(stated, digits)) ? "rounded" : null;
}

export interface Judgement {
  readonly verdict: Verdict;
  readonly reason: string;
}

export function judge(kit: Computed, stated: Stated, variant?: string, qualitative = false): Judgement {
  const fail = (why: string): Judgement =>
    variant ? { verdict: "different assumption", reason: `${variant}: ${kit.text}, not ${stated.text}` }
    : kit.typoOf ? { verdict: "typo", reason: `${kit.text}: a typo for ${kit.typoOf}` }
    : { verdict: qualitative ? "does not hold" : "arithmetic error", reason: why };
  if ((stated.op === "=" && typeof stated.value === "boolean") || typeof kit.value === "boolean") {
    return stated.op === "=" && kit.value === stated.value ? { verdict: "matches", reason: kit.text } : fail(`the kit finds ${kit.text}`);
  }
  const v = kit.value;
  const [dec, bin] = statedScales(stated.unit);
  switch (stated.op) {
    case ">":
      return v > stated.value * dec ? { verdict: "matches", reason: `${kit.text} > ${stated.value}` } : fail(`${kit.text} is not > ${stated.value}`);
    case "≈":
      return Math.abs(v / (stated.value * dec) - 1) <= stated.tolerance
        ? { verdict: "matches", reason: `${kit.text} ≈ ${stated.value} (within ${stated.tolerance * 100} %)` }
        : fail(`${kit.text} is not within ${stated.tolerance * 100} % of ${stated.value}`);
    case "range":
      return v >= stated.min * dec && v <= stated.max * dec
        ? { verdict: "matches", reason: `${kit.text} lies in ${stated.min}–${stated.max} ${stated.unit ?? ""}`.trim() }
        : fail(`${kit.text} is outside ${stated.min}–${stated.max} ${stated.unit ?? ""}`.trim());
    case "=": {
      if (typeof stated.value !== "number") return fail(`${kit.text} is not ${stated.text}`);
      const digits = writtenDigits(stated.value);
      const asDecimal = agrees(v / dec, stated.value, digits);
      const asBinary = bin === null ? null : agrees(v / bin, stated.value, digits);
      const slip = (): Judgement => {
        const binUnit = stated.unit!.replace(/^([kKMGTP])/, (p) => BINARY_OF[p]!);
        return {
          verdict: "unit slip",
          reason: `${stated.value} ${binUnit} = ${roundSig(v / dec, 4)} ${stated.unit}: the article writes a binary (2^${Math.round(Math.log2(bin!))}) amount with the decimal ${stated.unit}`,
        };
      };
      if (asDecimal === "exact") return { verdict: "matches", reason: `${kit.text} = ${stated.text}` };
      if (asBinary === "exact") return slip();
      if (asDecimal === "rounded") return { verdict: "rounding", reason: `${kit.text} rounds to the article's ${stated.text}` };
      if (asBinary === "rounded") return slip();
      return fail(`the same formula gives ${kit.text}, not ${stated.text}`);
    }
  }
}
