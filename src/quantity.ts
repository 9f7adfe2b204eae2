/**
 * A computed value: a plain number in its kind's base unit, plus a lazily built derivation.
 * The mathjs Unit is made only when asked for (`.unit`), so sweeps stay plain arithmetic.
 *
 * @example
 * model("llama2-70b").kv({ batch: 8, seq: 4096 }).bytes.format() // returns "10 GiB"
 */
import type { Unit } from "mathjs";
import { SuanliError } from "./errors.js";
import { BASE_UNITS, convert, format, toUnit, type FormatOptions, type Kind } from "./units.js";
import { Derivation, type DerivationSpec } from "./derive/derivation.js";

export type DerivationBuilder = (result: string) => Omit<DerivationSpec, "result">;

export class Quantity<K extends Kind = Kind> {
  readonly value: number;
  readonly kind: K;
  /** Preferred prefix system when printing (bytes default to binary). */
  readonly system: FormatOptions["system"];
  private readonly how: DerivationBuilder | undefined;

  constructor(value: number, kind: K, how?: DerivationBuilder, system?: FormatOptions["system"]) {
    if (!Number.isFinite(value)) {
      // A safety net: inputs are validated where they enter, so this means a kit bug.
      throw new SuanliError("bad-argument", `internal: a ${kind} came out as ${value}; please report the call that produced it`, { value });
    }
    this.value = value;
    this.kind = kind;
    this.how = how;
    this.system = system;
    // Subclasses add fields, then freeze themselves.
    if (new.target === Quantity) Object.freeze(this);
  }

  /** The base unit of this kind ("B", "FLOP", "FLOPS", "B/s", "s", …). */
  get baseUnit(): string {
    return BASE_UNITS[this.kind];
  }

  /** As a mathjs Unit (made on demand). */
  get unit(): Unit {
    return toUnit(this.value, this.kind);
  }

  /** The number in `unit`, checked for compatibility: q.to("GiB"). */
  to(unit: string): number {
    return convert(this.value, this.kind, unit);
  }

  format(opts: FormatOptions = {}): string {
    return format(this.value, this.kind, { system: this.system, ...opts });
  }

  /** The formula with its operands substituted, as text, Markdown and LaTeX. */
  explain(): Derivation {
    const result = this.format();
    if (!this.how) return new Derivation({ title: "value", term: { op: "n", value: this.value, base: this.value }, result });
    return new Derivation({ ...this.how(result), result });
  }

  /** Sum of two quantities of the same kind (bytes + bytes); kinds that differ do not type-check. */
  plus(other: Quantity<K>): Quantity<K> {
    if (other.kind !== this.kind) throw new SuanliError("unit-mismatch", `cannot add a ${other.kind} to a ${this.kind}`, { value: other.kind, expected: this.kind });
    return new Quantity(this.value + other.value, this.kind, undefined, this.system);
  }

  /** Scaled by a plain factor: kv.times(2). */
  times(factor: number): Quantity<K> {
    if (!Number.isFinite(factor)) throw new SuanliError("bad-argument", `times() needs a finite factor, got ${factor}`, { value: factor });
    return new Quantity(this.value * factor, this.kind, undefined, this.system);
  }

  /** Same number, new derivation or print system. */
  with(patch: { how?: DerivationBuilder; system?: FormatOptions["system"] }): Quantity<K> {
    return new Quantity(this.value, this.kind, patch.how ?? this.how, patch.system ?? this.system);
  }

  toString(): string {
    return this.format();
  }

  toJSON(): { value: number; unit: string; text: string } {
    return { value: this.value, unit: this.baseUnit, text: this.format() };
  }

  valueOf(): number {
    return this.value;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.format();
  }
}

/** Shorthand factory. */
export function quantity<K extends Kind>(value: number, kind: K, how?: DerivationBuilder, system?: FormatOptions["system"]): Quantity<K> {
  return new Quantity(value, kind, how, system);
}
