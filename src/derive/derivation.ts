/**
 * A derivation: the symbolic formula, the same formula with the operands substituted, the
 * result, and the source of the formula — printable as text, Markdown and LaTeX.
 */
import { evaluate, render, type Term } from "./term.js";

export interface DerivationSpec {
  /** What is computed, e.g. "KV cache of llama2-70b". */
  readonly title: string;
  /** Symbolic formula, e.g. "2 × L × n_kv × d_head × T × B × s". */
  readonly formula?: string;
  /** The formula with operands substituted, in base-unit arithmetic. */
  readonly term: Term;
  /** The formatted result, e.g. "80 GiB". */
  readonly result: string;
  /** Where the formula comes from (paper, datasheet, article). */
  readonly source?: string;
  /** Extra lines: assumptions, caveats. */
  readonly notes?: readonly string[];
}

export class Derivation {
  constructor(readonly spec: DerivationSpec) {
    Object.freeze(this);
  }

  /** The value the substituted formula evaluates to, in base units (tests compare it to the result). */
  evaluate(): number {
    return evaluate(this.spec.term);
  }

  /** One line: `2 (K, V) × 80 layers × … = 80 GiB`. */
  get line(): string {
    return `${render(this.spec.term, "text")} = ${this.spec.result}`;
  }

  get text(): string {
    const s = this.spec;
    return [
      `${s.title}:`,
      ...(s.formula ? [`  ${s.formula}`] : []),
      `  = ${render(s.term, "text")}`,
      `  = ${s.result}`,
      ...(s.notes ?? []).map((n) => `  note: ${n}`),
      ...(s.source ? [`  source: ${s.source}`] : []),
    ].join("\n");
  }

  get markdown(): string {
    const s = this.spec;
    return [
      `**${s.title}**`,
      "",
      ...(s.formula ? [`\`${s.formula}\``, ""] : []),
      `\`${render(s.term, "text")}\` = **${s.result}**`,
      ...(s.notes?.length ? ["", ...s.notes.map((n) => `- ${n}`)] : []),
      ...(s.source ? ["", `Source: ${s.source}`] : []),
    ].join("\n");
  }

  get latex(): string {
    const r = this.spec.result.replace(/ /g, "\\,").replace(/([A-Za-zµ/]+)/g, "\\mathrm{$1}");
    return `${render(this.spec.term, "latex")} = ${r}`;
  }

  toString(): string {
    return this.text;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.text;
  }
}
