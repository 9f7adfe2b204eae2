/**
 * The unit convention for table columns: a quantity column is a plain number whose unit is
 * the suffix of its name, after the last underscore — `kv_GiB`, `decode_ms`, `peak_TFLOPS`.
 * A rate writes its slash as an underscore: `bandwidth_TB_s` is TB/s, `throughput_tokens_s`
 * is tokens/s (`_per_` is read the same: `tokens_per_s`). The suffix survives every arquero
 * verb (filter, derive, groupby, rollup, pivot keep or derive names), which table metadata
 * would not; charts read it back for axis titles and `convertColumn` for conversions.
 *
 * Recognised unit words: B, FLOP, FLOPS, W, tok, token(s), param(s) with a decimal (k M G T P E)
 * or binary (Ki Mi Gi Ti Pi Ei) prefix, the times s, ms, us, ns, min, h, and req (`rate_req_s`).
 * A rate per GPU or user (`tokens_s_per_gpu`, `tokens_per_s_per_gpu`) is titled "tokens/s per
 * GPU" and carries no convertible unit. A count column
 * whose stem ends in "params" or "tokens" reads K, M, B, T as thousands … trillions
 * (`params_B` is billions of parameters, unit Gparam — not bytes).
 */
import type { ColumnTable } from "arquero";
import { arquero } from "../util/lazy.js";
import { SuanliError, show } from "../errors.js";
import { math } from "../units.js";

const PREFIX = "(?:|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)";
const NUMERATOR = new RegExp(`^${PREFIX}(?:B|FLOP|FLOPS|W|tok|tokens?|params?)$|^(?:s|ms|us|ns|min|h|req)$`);
/** A rate per entity, `tokens_s_per_gpu`: tokens/s for each GPU (not tokens in s/gpu). */
const PER_ENTITY = new RegExp(`^(?:(.+)_)?(${PREFIX}(?:B|FLOP|tok|tokens?|req))_(?:per_)?(s|ms|min|h)_per_(gpu|GPU|user|request|req)$`);
const DENOMINATOR = /^(?:s|ms|us|ns|min|h|B|tok|token|tokens|GPU|gpu)$/;

/** A column name split into its stem and unit (`"kv_GiB"` → `{ stem: "kv", unit: "GiB" }`); unit null when it has none. */
const COUNT_SCALE: Record<string, string> = { K: "k", M: "M", B: "G", T: "T" };

export function columnUnit(name: string): { stem: string; unit: string | null } {
  if (PER_ENTITY.test(name)) return { stem: name, unit: null };
  const segs = name.split("_");
  const n = segs.length;
  const count = /(?:^|_)(params?|tokens?)$/.exec(segs.slice(0, n - 1).join("_"));
  if (n >= 2 && count && COUNT_SCALE[segs[n - 1]!] !== undefined) {
    return { stem: segs.slice(0, n - 1).join("_"), unit: `${COUNT_SCALE[segs[n - 1]!]}${count[1]!.startsWith("param") ? "param" : "token"}` };
  }
  if (n >= 3 && NUMERATOR.test(segs[n - 2]!) && DENOMINATOR.test(segs[n - 1]!) && segs.slice(0, n - 2).join("_") !== "") {
    return { stem: segs.slice(0, n - 2).join("_"), unit: `${segs[n - 2]}/${segs[n - 1]}` };
  }
  if (n >= 4 && segs[n - 2] === "per" && NUMERATOR.test(segs[n - 3]!) && DENOMINATOR.test(segs[n - 1]!)) {
    return { stem: segs.slice(0, n - 3).join("_"), unit: `${segs[n - 3]}/${segs[n - 1]}` };
  }
  if (n >= 2 && NUMERATOR.test(segs[n - 1]!)) return { stem: segs.slice(0, n - 1).join("_"), unit: segs[n - 1]! };
  return { stem: name, unit: null };
}

/** The column name for a stem and a unit: `columnName("bw", "TB/s")` → `"bw_TB_s"`. */
export function columnName(stem: string, unit: string): string {
  return `${stem}_${unit.replace(/\//g, "_")}`;
}

/** An axis or table title for a column: `"kv_GiB"` → `"kv (GiB)"`, `"batch"` → `"batch"`. */
export function columnTitle(name: string): string {
  const per = PER_ENTITY.exec(name);
  if (per) {
    const rate = `${per[2]}/${per[3]} per ${per[4]!.toLowerCase() === "gpu" ? "GPU" : per[4]}`;
    return per[1] ? `${per[1].replace(/_/g, " ")} (${rate})` : rate;
  }
  const { stem, unit } = columnUnit(name);
  if (!unit) return name;
  const written = name.slice(stem.length + 1).replace(/_per_/, "/").replace(/_/g, "/");
  return `${stem.replace(/_/g, " ")} (${written})`;
}

function mathUnit(unit: string, what: string) {
  try {
    return math.unit(1, unit);
  } catch {
    throw new SuanliError("unknown-unit", `${what}: cannot read unit ${show(unit)} (e.g. "GB", "GiB", "ms", "TB/s", "tokens/s")`, { value: unit });
  }
}

/** The factor that turns a number in `from` into one in `to`, refusing incompatible units. */
export function unitFactor(fromUnit: string, toUnit: string, what = "convert"): number {
  const a = mathUnit(fromUnit, what);
  const b = mathUnit(toUnit, what);
  if (!a.equalBase(b)) {
    throw new SuanliError("unit-mismatch", `${what}: cannot convert ${show(fromUnit)} to ${show(toUnit)}: they measure different things`, {
      value: toUnit,
      expected: `a unit of the same dimension as ${fromUnit}`,
    });
  }
  return a.toNumber(toUnit);
}

/**
 * Convert a unit-suffixed column to another unit of the same dimension; the column is renamed
 * to carry its new unit and keeps its position. Incompatible units (GB → FLOPS) are refused.
 * @example convertColumn(t, "kv_GiB", "GB") // column kv_GB, values × 1.073741824
 */
export function convertColumn(table: ColumnTable, column: string, unit: string): ColumnTable {
  const names = table.columnNames();
  if (!names.includes(column)) {
    throw new SuanliError("bad-argument", `convertColumn: no column ${show(column)}; columns: ${names.join(", ")}`, { value: column, expected: names.join(", ") });
  }
  const { stem, unit: from0 } = columnUnit(column);
  if (!from0) {
    throw new SuanliError("unit-mismatch", `convertColumn: column ${show(column)} carries no unit suffix (name it like "kv_GiB", "decode_ms")`, { value: column });
  }
  const f = unitFactor(from0, unit, `convertColumn(${show(column)})`);
  const target = columnName(stem, unit);
  const t = table.reify();
  const data: Record<string, unknown> = {};
  for (const c of names) {
    if (c === column) {
      const src = t.array(c) as ArrayLike<number>;
      const out = new Float64Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = src[i]! * f;
      data[target] = out;
    } else if (c !== target) data[c] = t.array(c);
  }
  return from0 === unit ? table : arquero().table(data as Record<string, ArrayLike<unknown>>);
}
