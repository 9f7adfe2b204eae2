/**
 * The kit's one mathjs instance and its unit vocabulary.
 *
 * Formulas run on plain numbers in base units (B, FLOP, FLOP/s, B/s, s, param, token);
 * mathjs Units are made only at the edges: parsing user input ("900 GB/s") and handing a
 * result back as a Unit. Formatting picks a readable prefix and never mixes GB and GiB:
 * memory sizes print in binary prefixes (GiB) unless decimal is asked for, rates in decimal.
 */
import { createRequire } from "node:module";
import type { MathJsInstance, Unit, create as Create, all as All } from "mathjs";
import { SuanliError, show } from "./errors.js";

/** The kinds of quantity the kit computes with, each with one base unit. */
export const BASE_UNITS = {
  bytes: "B",
  flop: "FLOP",
  flops: "FLOPS",
  bandwidth: "B/s",
  time: "s",
  params: "param",
  tokens: "token",
  intensity: "FLOP/B",
  power: "W",
  count: "",
} as const;
export type Kind = keyof typeof BASE_UNITS;

/**
 * Register the kit's units on a mathjs instance. Idempotent: units already there are left
 * alone, so calling it again (a re-run notebook cell) never throws "unit already exists".
 */
export function registerUnits(m: MathJsInstance): void {
  const define = (name: string, def: { definition?: string; prefixes?: string; aliases?: string[] }) => {
    if (!m.Unit.isValuelessUnit(name)) m.createUnit(name, def as Parameters<MathJsInstance["createUnit"]>[1]);
  };
  define("FLOP", { prefixes: "short", aliases: ["flop", "FLOPs"] });
  define("FLOPS", { definition: "1 FLOP/s", prefixes: "short", aliases: ["flops"] });
  define("OPS", { definition: "1 FLOP/s", prefixes: "short" });
  define("token", { aliases: ["tokens"], prefixes: "short" });
  define("param", { aliases: ["params"], prefixes: "short" });
}

function makeMath(): MathJsInstance {
  // mathjs's single-file bundle (an exported entry point of the package) loads ~10× faster than
  // its ESM module graph (≈ 0.1 s vs ≈ 1.1 s), which is most of the kit's import time.
  const { create, all } = createRequire(import.meta.url)("mathjs/lib/browser/math.js") as { create: typeof Create; all: typeof All };
  const m = create(all!, {});
  registerUnits(m);
  return m;
}

let instance: MathJsInstance | undefined;

/**
 * The private mathjs instance, created on first use (so code that never touches a unit does
 * not pay for loading mathjs). Nothing else in the kit creates units.
 */
export const math: MathJsInstance = new Proxy({} as MathJsInstance, {
  get(_, key) {
    const m = (instance ??= makeMath());
    return Reflect.get(m, key, m) as unknown;
  },
});

/** A mathjs Unit for `value` in the kind's base unit (or in `unit`). */
export function toUnit(value: number, kind: Kind, unit?: string): Unit {
  const base = BASE_UNITS[kind];
  if (base === "") throw new SuanliError("unit-mismatch", `a ${kind} has no unit`, { value: kind });
  const u = math.unit(value, base);
  return unit ? u.to(unit) : u;
}

/** Parse a string unit, refusing names mathjs does not know with a clear error. */
function parseUnitString(input: string, name: string): Unit {
  try {
    return math.unit(input.replace(/TOPS\b/, "TFLOPS"));
  } catch {
    throw new SuanliError("unknown-unit", `${name}: cannot read ${show(input)} as a quantity (e.g. "96 GiB", "900 GB/s", "148 TFLOPS")`, {
      value: input,
    });
  }
}

/**
 * Read a user quantity as a plain number in the kind's base unit.
 * Accepts a number (already in the base unit), a string like "900 GB/s", or a mathjs Unit.
 * @example parseQuantity("900 GB/s", "bandwidth", "nvlink") // returns 9e11
 */
export function parseQuantity(input: number | string | Unit, kind: Kind, name: string): number {
  let value: number;
  if (typeof input === "number") {
    value = input;
  } else {
    const u = typeof input === "string" ? parseUnitString(input, name) : input;
    const base = BASE_UNITS[kind];
    try {
      value = base === "" ? (u.toNumber() as number) : u.toNumber(base);
    } catch {
      throw new SuanliError("unit-mismatch", `${name}: ${show(String(u))} is not a ${kind} (expected something in ${base || "no unit"})`, {
        value: String(u),
        expected: base,
      });
    }
  }
  if (!Number.isFinite(value) || value < 0) {
    throw new SuanliError("bad-argument", `${name} must be a finite non-negative ${kind}, got ${show(input)}`, { value: input });
  }
  return value;
}

/** Convert a base-unit number to `unit` (checked by mathjs): convert(85899345920, "bytes", "GiB") → 80. */
export function convert(value: number, kind: Kind, unit: string): number {
  const base = BASE_UNITS[kind];
  const target = parseUnitString(`1 ${unit}`, "unit");
  if (base === "" || !math.unit(1, base).equalBase(target)) {
    throw new SuanliError("unit-mismatch", `cannot convert a ${kind} (${base || "no unit"}) to ${show(unit)}`, { value: unit, expected: base });
  }
  return math.unit(value, base).toNumber(unit);
}

const DECIMAL = ["", "k", "M", "G", "T", "P", "E", "Z"];
const BINARY = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi"];
const COUNT = ["", "K", "M", "B", "T"];

export interface FormatOptions {
  /** significant digits (default 4; trailing zeros dropped) */
  digits?: number;
  /** prefix system: binary (Ki, Mi, Gi…) or decimal (k, M, G…). Default: binary for bytes, decimal otherwise. */
  system?: "binary" | "decimal";
}

/** Round to `digits` significant digits and drop trailing zeros: 85.8993 → "85.9" (digits 3). */
export function roundSig(x: number, digits: number): string {
  if (x === 0) return "0";
  const s = Number(x.toPrecision(digits));
  return Math.abs(s) >= 1e21 || Math.abs(s) < 1e-6 ? s.toExponential(digits - 1) : String(s);
}

function withPrefix(value: number, step: number, prefixes: string[], digits: number): [string, string] {
  let i = 0;
  let v = value;
  while (Math.abs(v) >= step && i < prefixes.length - 1) {
    v /= step;
    i++;
  }
  // rounding can carry to the next prefix (999.96 → 1000)
  if (Math.abs(Number(v.toPrecision(digits))) >= step && i < prefixes.length - 1) {
    v /= step;
    i++;
  }
  return [roundSig(v, digits), prefixes[i]!];
}

function formatTime(s: number, digits: number): string {
  const abs = Math.abs(s);
  if (abs === 0) return "0 s";
  if (abs < 1e-6) return `${roundSig(s * 1e9, digits)} ns`;
  if (abs < 1e-3) return `${roundSig(s * 1e6, digits)} µs`;
  if (abs < 1) return `${roundSig(s * 1e3, digits)} ms`;
  if (abs < 120) return `${roundSig(s, digits)} s`;
  if (abs < 7200) return `${roundSig(s / 60, digits)} min`;
  if (abs < 172800) return `${roundSig(s / 3600, digits)} h`;
  return `${roundSig(s / 86400, digits)} days`;
}

/**
 * Format a base-unit number with a readable prefix and its unit.
 * @example format(85899345920, "bytes") // returns "80 GiB"
 * @example format(85899345920, "bytes", { system: "decimal" }) // returns "85.9 GB"
 */
export function format(value: number, kind: Kind, opts: FormatOptions = {}): string {
  const digits = opts.digits ?? 4;
  const system = opts.system ?? (kind === "bytes" ? "binary" : "decimal");
  const [step, prefixes] = system === "binary" ? [1024, BINARY] : [1000, DECIMAL];
  switch (kind) {
    case "time":
      return formatTime(value, digits);
    case "count":
      return roundSig(value, digits);
    case "params":
    case "tokens": {
      const [v, p] = withPrefix(value, 1000, COUNT, digits);
      return `${v}${p} ${kind === "params" ? "params" : "tokens"}`;
    }
    case "intensity":
      return `${roundSig(value, digits)} FLOP/B`;
    case "power":
      return `${roundSig(value, digits)} W`;
    default: {
      const [v, p] = withPrefix(value, step, prefixes, digits);
      const unit = { bytes: "B", flop: "FLOP", flops: "FLOPS", bandwidth: "B/s" }[kind];
      return `${v} ${p}${unit}`;
    }
  }
}

/**
 * Which unit an ambiguous "GB"/"TB" written by an article or a vendor means for a number of
 * bytes (or FLOP): the decimal (10^9) or the binary (2^30) reading, whichever the stated
 * value matches to its written precision; null when neither does.
 * @example readingOf(85899345920, 80, "G") // returns "binary" (80 GiB, not 80 GB)
 */
export function readingOf(value: number, stated: number, prefix: "k" | "M" | "G" | "T" | "P"): "decimal" | "binary" | null {
  const i = DECIMAL.indexOf(prefix);
  const dec = value / 1000 ** i;
  const bin = value / 1024 ** i;
  const tol = (x: number) => Math.abs(x - stated) <= Math.max(0.5 * 10 ** (Math.floor(Math.log10(Math.abs(stated) || 1)) - 1), 1e-9 * stated);
  if (Math.abs(dec - stated) <= 1e-9 * stated) return "decimal";
  if (Math.abs(bin - stated) <= 1e-9 * stated) return "binary";
  if (tol(dec) && !tol(bin)) return "decimal";
  if (tol(bin) && !tol(dec)) return "binary";
  if (tol(bin) && tol(dec)) return Math.abs(bin - stated) < Math.abs(dec - stated) ? "binary" : "decimal";
  return null;
}
