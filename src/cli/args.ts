/**
 * The one flag parser of the command line. Every verb declares its flags in a `VerbSpec`;
 * `parseVerb` reads argv token by token (so "-1" is a value, never Node's "argument is
 * ambiguous"), refuses unknown, duplicate and other verbs' flags, stray positionals and empty
 * values, and checks numbers as typed: decimal or scientific notation only (no hex, no
 * "Infinity"), finite, within range, integers where an integer is meant and at most 2^53 − 1.
 * The verb's help text is generated from the same spec, so the defaults it states are the
 * defaults that run.
 */
import { SuanliError, show } from "../errors.js";
import { didYouMean } from "../validate.js";

/**
 * string: any non-empty text; bool: a switch; int: integer ≥ min (default 1); num: finite
 * number > 0 (or ≥ min); list: "1,8,64", "1..64" or "1024..131072*2" of positive integers.
 */
export type FlagKind = "string" | "bool" | "int" | "num" | "list";

export interface FlagSpec {
  kind: FlagKind;
  /** e.g. "N", "GPU", "LIST" in the help text */
  arg?: string;
  help: string;
  /** the default as the verb applies it (shown in help); omitted: none */
  default?: string | number | boolean;
  /** other spellings of the flag */
  alias?: readonly string[];
  /** smallest accepted value (int default 1; num: exclusive 0 unless given) */
  min?: number;
  max?: number;
  /** accepted keywords for a string flag */
  choices?: readonly string[];
  /** the value may be left out (`--interval` alone): then it is this; a value is taken only when the next argument is a number or given as --flag=X */
  bare?: number;
}

export interface VerbSpec {
  name: string;
  /** positional arguments, in order; a trailing "?" marks one optional */
  positionals: readonly string[];
  summary: string;
  flags: Readonly<Record<string, FlagSpec>>;
  /** text after the flag list */
  notes?: string;
}

export type FlagValue = string | boolean | number | number[];

export interface Parsed {
  help: boolean;
  positionals: string[];
  values: Record<string, FlagValue | undefined>;
  /** the flags as typed (e.g. "--seq" when the alias was used), for messages */
  typed: Record<string, string>;
}

/** Flags every verb takes. */
export const COMMON_FLAGS: Readonly<Record<string, FlagSpec>> = Object.freeze({
  json: { kind: "bool", help: "machine-readable output" },
  help: { kind: "bool", alias: ["h"], help: "this help" },
});

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** A number as typed on the command line: decimal or scientific, finite. */
export function readNumber(raw: string, flag: string, f: Pick<FlagSpec, "kind" | "min" | "max">): number {
  const int = f.kind === "int" || f.kind === "list";
  const min = f.min ?? (int ? 1 : 0);
  const what = int ? (min === 1 ? "a positive integer" : `an integer ≥ ${min}`) : f.min === undefined ? "a number > 0" : `a number ≥ ${min}`;
  const range = f.max === undefined ? "" : ` up to ${f.max.toLocaleString("en-US")}`;
  const bad = (why = "") => new SuanliError("bad-argument", `${flag} must be ${what}${range}, got ${show(raw)}${why}`, { value: raw, expected: what });
  const s = raw.trim();
  if (!NUMBER.test(s)) throw bad(/^[+-]?0x/i.test(s) ? " (hexadecimal is not accepted)" : "");
  const v = Number(s);
  if (!Number.isFinite(v)) throw bad(" (too large)");
  if (int && !Number.isInteger(v)) throw bad("");
  if (int && !Number.isSafeInteger(v)) throw bad(" (beyond 2^53 − 1, the largest exact integer)");
  if (f.kind === "num" && f.min === undefined ? !(v > 0) : v < min) throw bad("");
  if (f.max !== undefined && v > f.max) throw bad("");
  return v;
}

/** Read "1,8,64", "1..64" or "1024..131072*2" (each value a positive integer). */
export function readList(raw: string, flag: string, f: Pick<FlagSpec, "max"> = {}, maxItems = 10_000_000): number[] {
  const spec = { kind: "list" as const, ...(f.max !== undefined ? { max: f.max } : {}) };
  const bad = () => new SuanliError("bad-argument", `${flag}: cannot read ${show(raw)}; write 1,8,64 or 1..64 or 1024..131072*2 (positive integers)`, { value: raw });
  const range = /^([^.]+)\.\.([^*]+)(?:\*(.+))?$/.exec(raw.trim());
  if (range) {
    const lo = readNumber(range[1]!, flag, spec);
    const hi = readNumber(range[2]!, flag, spec);
    const f2 = range[3] === undefined ? null : readNumber(range[3], `${flag} factor`, { kind: "int", min: 2 });
    if (hi < lo) throw bad();
    const count = f2 === null ? hi - lo + 1 : Math.floor(Math.log(hi / lo) / Math.log(f2) + 1e-9) + 1;
    if (count > maxItems) throw new SuanliError("bad-argument", `${flag}: ${show(raw)} has ${count.toLocaleString("en-US")} values, over the limit of ${maxItems.toLocaleString("en-US")}`, { value: raw });
    const out: number[] = [];
    for (let v = lo; v <= hi; v = f2 === null ? v + 1 : v * f2) out.push(v);
    return out;
  }
  const parts = raw.split(",");
  if (parts.some((p) => p.trim() === "")) throw bad();
  return parts.map((p) => readNumber(p, flag, spec));
}

function allFlags(spec: VerbSpec): Record<string, FlagSpec> {
  return { ...spec.flags, ...COMMON_FLAGS };
}

/** Every verb's spec, registered by cli.ts, so a flag of another verb is named as such. */
const registry: VerbSpec[] = [];
export function registerVerbs(specs: readonly VerbSpec[]): void {
  registry.push(...specs);
}

function unknownFlag(spec: VerbSpec, token: string, names: string[]): SuanliError {
  const bare = token.replace(/^-+/, "").split("=")[0]!;
  const owners = registry.filter((v) => v !== spec && Object.entries(v.flags).some(([k, f]) => k === bare || f.alias?.includes(bare))).map((v) => v.name);
  if (owners.length) {
    return new SuanliError("bad-argument", `${spec.name} does not take ${token.split("=")[0]} (it is an option of ${owners.join(", ")}); see suanli ${spec.name} --help`, { value: token });
  }
  const hint = didYouMean(bare, names);
  return new SuanliError("bad-argument", `${spec.name} does not take ${show(token)}${hint ? ` (did you mean --${hint}?)` : ""}; see suanli ${spec.name} --help`, { value: token });
}

/** Parse argv after the verb name. */
export function parseVerb(spec: VerbSpec, argv: readonly string[]): Parsed {
  const flags = allFlags(spec);
  const lookup = new Map<string, string>();
  for (const [k, f] of Object.entries(flags)) {
    lookup.set(k, k);
    for (const a of f.alias ?? []) lookup.set(a, k);
  }
  const names = [...lookup.keys()];
  const out: Parsed = { help: false, positionals: [], values: {}, typed: {} };
  // "-1", "-5 Gb/s", "-.5" are values (negative quantities, refused later naming them); flags start with a letter
  const isFlag = (t: string) => t.startsWith("-") && t !== "-" && !/^-[\d.]/.test(t);
  let rest = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (rest || !isFlag(token)) {
      out.positionals.push(token);
      continue;
    }
    if (token === "--") {
      rest = true;
      continue;
    }
    const long = token.startsWith("--");
    const body = token.slice(long ? 2 : 1);
    const eq = long ? body.indexOf("=") : -1;
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const key = lookup.get(name);
    if (key === undefined || (!long && name.length !== 1)) throw unknownFlag(spec, token, names);
    if (key === "help") {
      out.help = true;
      continue;
    }
    const f = flags[key]!;
    const typed = long ? `--${name}` : `-${name}`;
    if (key in out.values) {
      const first = out.typed[key]!;
      throw new SuanliError("bad-argument", `${typed} given twice${first !== typed ? ` (as ${first} and ${typed})` : ""}; give it once`, { value: token });
    }
    out.typed[key] = typed;
    if (f.kind === "bool") {
      if (eq >= 0) throw new SuanliError("bad-argument", `${typed} is a switch and takes no value, got ${show(body.slice(eq + 1))}`, { value: token });
      out.values[key] = true;
      continue;
    }
    let raw: string;
    if (eq >= 0) raw = body.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (f.bare !== undefined && (next === undefined || !NUMBER.test(next.trim()))) {
        out.values[key] = f.bare;
        continue;
      }
      if (next === undefined || (isFlag(next) && next !== "-")) {
        throw new SuanliError("bad-argument", `${typed} needs a value${f.arg ? ` (${f.arg})` : ""}; see suanli ${spec.name} --help`, { value: token });
      }
      raw = next;
      i++;
    }
    if (raw.trim() === "") throw new SuanliError("bad-argument", `${typed} needs a value${f.arg ? ` (${f.arg})` : ""}, got an empty string`, { value: raw });
    out.values[key] = readValue(raw, typed, f);
  }
  if (out.help) return out;
  const max = spec.positionals.length;
  const required = spec.positionals.filter((p) => !p.endsWith("?")).length;
  if (out.positionals.length > max) {
    const extra = out.positionals.slice(max);
    throw new SuanliError("bad-argument", `${spec.name}: unexpected argument ${show(extra[0])}${max ? `; it takes ${spec.positionals.map((p) => (p.endsWith("?") ? `[${p.slice(0, -1)}]` : p)).join(" ")}` : "; it takes no positional arguments"} (see suanli ${spec.name} --help)`, { value: extra[0] });
  }
  if (out.positionals.length < required && !("config" in out.values)) {
    const missing = spec.positionals[out.positionals.length]!;
    throw new SuanliError("bad-argument", `${spec.name} needs ${missing}${missing === "MODEL" && "config" in spec.flags ? " (a catalog id, or --config path/config.json)" : ""}; see suanli ${spec.name} --help`, { value: out.positionals });
  }
  return out;
}

function readValue(raw: string, flag: string, f: FlagSpec): FlagValue {
  switch (f.kind) {
    case "int":
    case "num":
      return readNumber(raw, flag, f);
    case "list":
      return readList(raw, flag, f);
    default:
      if (f.choices && !f.choices.includes(raw)) {
        const hint = didYouMean(raw, [...f.choices]);
        throw new SuanliError("bad-argument", `${flag} must be one of ${f.choices.join(", ")}; got ${show(raw)}${hint ? ` (did you mean ${hint}?)` : ""}`, { value: raw, expected: f.choices.join(", ") });
      }
      return raw;
  }
}

/** The verb's help text, generated from its spec. */
export function helpText(spec: VerbSpec): string {
  const pos = spec.positionals.map((p) => (p.endsWith("?") ? `[${p.slice(0, -1)}]` : p)).join(" ");
  const rows = Object.entries(allFlags(spec)).map(([k, f]) => {
    const spell = [`--${k}`, ...(f.alias ?? []).map((a) => (a.length === 1 ? `-${a}` : `--${a}`))].join(", ");
    const left = `  ${spell}${f.kind === "bool" ? "" : f.bare !== undefined ? ` [${f.arg ?? "X"}]` : ` ${f.arg ?? "X"}`}`;
    const dflt = f.default === undefined ? "" : ` (default ${f.default})`;
    return [left, `${f.help}${dflt}`] as const;
  });
  const w = Math.max(...rows.map(([l]) => l.length)) + 2;
  return [`usage: suanli ${spec.name}${pos ? ` ${pos}` : ""} [options]`, "", spec.summary, "", "options:", ...rows.map(([l, r]) => l.padEnd(w) + r), ...(spec.notes ? ["", spec.notes] : [])].join("\n");
}

/** Typed accessors for parsed values. */
export const str = (p: Parsed, k: string): string | undefined => p.values[k] as string | undefined;
export const num = (p: Parsed, k: string): number | undefined => p.values[k] as number | undefined;
export const list = (p: Parsed, k: string): number[] | undefined => p.values[k] as number[] | undefined;
export const flag = (p: Parsed, k: string): boolean => p.values[k] === true;
