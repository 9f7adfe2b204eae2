/**
 * Derivation terms: the arithmetic behind a result, kept as a small tree so it can be
 * printed as text, Markdown or LaTeX and evaluated back to check it equals the result.
 *
 * @example
 * mul(num(2, "(K, V)"), num(80, "layers"), qty(2, "B")) // "2 (K, V) × 80 layers × 2 B"
 */
import { SuanliError } from "../errors.js";
import { BASE_UNITS, math } from "../units.js";

export type Term =
  | { readonly op: "n"; readonly value: number; readonly base: number; readonly unit?: string; readonly note?: string }
  | { readonly op: "*"; readonly terms: readonly Term[] }
  | { readonly op: "/"; readonly num: Term; readonly den: Term }
  | { readonly op: "+"; readonly terms: readonly Term[] }
  | { readonly op: "-"; readonly left: Term; readonly right: Term }
  | { readonly op: "min"; readonly terms: readonly Term[] }
  | { readonly op: "named"; readonly name: string; readonly term: Term };

/** A plain factor, optionally annotated: num(80, "layers") prints "80 layers". */
export function num(value: number, note?: string): Term {
  return note === undefined ? { op: "n", value, base: value } : { op: "n", value, base: value, note };
}

/** A physical amount written in `unit`: qty(3.35, "TB/s") evaluates to 3.35e12 (B/s). */
export function qty(value: number, unit: string): Term {
  const base = unitScale(unit) * value;
  return { op: "n", value, base, unit };
}

const scales = new Map<string, number>();

/** SI and IEC prefixes (BIPM SI Brochure 2019 Table 7; IEC 80000-13). */
const PREFIX: Readonly<Record<string, number>> = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, m: 1e-3, u: 1e-6, "µ": 1e-6, n: 1e-9 };

/** A prefix on one of the base units (GiB, TB/s, ms, TFLOPS): its scale without loading mathjs; otherwise undefined. */
function prefixed(unit: string): number | undefined {
  for (const base of Object.values(BASE_UNITS)) {
    if (base === "" || !unit.endsWith(base)) continue;
    const p = PREFIX[unit.slice(0, unit.length - base.length)];
    if (p !== undefined) return p;
  }
  return undefined;
}
/** How many base units (B, FLOP, FLOP/s, B/s, s, …) one `unit` is: GiB → 2^30, TB/s → 1e12, TFLOPS → 1e12. */
export function unitScale(unit: string): number {
  let s = scales.get(unit) ?? prefixed(unit);
  if (s === undefined) {
    const u = math.unit(1, unit.replace(/TOPS\b/, "TFLOPS"));
    const base = Object.values(BASE_UNITS).find((b) => b !== "" && u.equalBase(math.unit(1, b)));
    if (base === undefined) throw new SuanliError("unknown-unit", `no base unit for ${JSON.stringify(unit)}`, { value: unit });
    s = u.toNumber(base);
    scales.set(unit, s);
  }
  return s;
}

export const mul = (...terms: Term[]): Term => ({ op: "*", terms });
export const div = (num: Term, den: Term): Term => ({ op: "/", num, den });
export const add = (...terms: Term[]): Term => ({ op: "+", terms });
export const sub = (left: Term, right: Term): Term => ({ op: "-", left, right });
export const min = (...terms: Term[]): Term => ({ op: "min", terms });
/** A named sub-expression: prints as "name (= …)" in text. */
export const named = (name: string, term: Term): Term => ({ op: "named", name, term });

/** Evaluate a term in base units. */
export function evaluate(t: Term): number {
  switch (t.op) {
    case "n":
      return t.base;
    case "*":
      return t.terms.reduce((p, x) => p * evaluate(x), 1);
    case "/":
      return evaluate(t.num) / evaluate(t.den);
    case "+":
      return t.terms.reduce((p, x) => p + evaluate(x), 0);
    case "-":
      return evaluate(t.left) - evaluate(t.right);
    case "min":
      return Math.min(...t.terms.map(evaluate));
    case "named":
      return evaluate(t.term);
  }
}

/** Thousands are written plainly (8192, not 8.192e3); very large or small numbers in e-notation. */
export function plainNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e15 || a < 1e-4)) return v.toExponential(4).replace(/\.?0+e/, "e");
  return String(Number(v.toPrecision(6)));
}

type Style = "text" | "markdown" | "latex";

const latexEscape = (s: string) => s.replace(/\\/g, "\\textbackslash ").replace(/([%&#_{}$])/g, "\\$1").replace(/µ/g, "$\\mu$").replace(/×/g, "$\\times$");

function leaf(t: Extract<Term, { op: "n" }>, style: Style): string {
  const n = plainNumber(t.value);
  if (style === "latex") {
    const u = t.unit ? `\\,\\mathrm{${latexEscape(t.unit).replace(/\//g, "/")}}` : "";
    const note = t.note ? `_{\\text{${latexEscape(t.note)}}}` : "";
    return `${n}${u}${note}`;
  }
  return [n, t.unit, t.note].filter((x) => x !== undefined && x !== "").join(" ");
}

const needsParens = (t: Term) => t.op === "+" || t.op === "-";

/** Render a term in the given style. */
export function render(t: Term, style: Style): string {
  const times = style === "latex" ? " \\times " : " × ";
  const wrap = (x: Term) => (needsParens(x) ? (style === "latex" ? `\\left(${render(x, style)}\\right)` : `(${render(x, style)})`) : render(x, style));
  switch (t.op) {
    case "n":
      return leaf(t, style);
    case "*":
      return t.terms.map(wrap).join(times);
    case "/": {
      if (style === "latex") return `\\frac{${render(t.num, style)}}{${render(t.den, style)}}`;
      const den = t.den.op === "*" || needsParens(t.den) ? `(${render(t.den, style)})` : render(t.den, style);
      return `${wrap(t.num)} ÷ ${den}`;
    }
    case "+":
      return t.terms.map((x) => render(x, style)).join(" + ");
    case "-":
      return `${render(t.left, style)} − ${wrap(t.right)}`;
    case "min":
      return `${style === "latex" ? "\\min" : "min"}(${t.terms.map((x) => render(x, style)).join(", ")})`;
    case "named":
      return style === "latex" ? `\\underbrace{${render(t.term, style)}}_{\\text{${latexEscape(t.name)}}}` : `${t.name} [${render(t.term, style)}]`;
  }
}
