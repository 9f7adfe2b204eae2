/**
 * `sweep(grid, fn)` — run `fn` on every row of a grid and collect the results as an arquero
 * table: the grid's axes first, then the keys `fn` returns.
 *
 * Units: a column's unit is the suffix of its name (see analysis/columns.ts). `fn` may return
 * plain numbers under unit-suffixed keys (`{ kv_GiB: bytes / 2 ** 30 }`, the fast path) or
 * Quantities: `{ kv: m.kv(o) }` becomes column `kv_GiB` (bytes → GiB, time → ms, FLOP →
 * TFLOP, FLOP/s → TFLOPS, B/s → GB/s), and `{ kv_GB: m.kv(o) }` converts to the unit the key
 * names. Inside the table every column is plain numbers (Float64Array where numeric), so
 * arquero's verbs (filter, derive, groupby, rollup, pivot) work on them unchanged.
 *
 * @example
 * const m = model("llama2-70b");
 * sweep({ batch: [1, 8, 64], seq: [4096, 32768] }, ({ batch, seq }) => ({ kv: m.kv({ batch, seq }) }))
 * // table: batch, seq, kv_GiB (6 rows)
 */
import type { ColumnTable } from "arquero";
import { arquero } from "../util/lazy.js";
import { SuanliError, show } from "../errors.js";
import { checkKeys } from "../validate.js";
import { Quantity } from "../quantity.js";
import { convert, type Kind } from "../units.js";
import { columnName, columnUnit, unitFactor } from "./columns.js";
import { planGrid, type Grid, type GridRow, type GridValue, type ZipGrid } from "./grid.js";

/** What `fn` may return per key. */
export type SweepValue = number | string | boolean | null | Quantity;

export interface SweepOptions {
  /** refuse grids with more rows than this (default 10,000,000) */
  maxRows?: number;
  /** called about every 1 % of rows and at the end, e.g. to draw a progress bar */
  onProgress?: (done: number, total: number) => void;
}

/** The unit each kind of Quantity lands in when its key names none. */
export const DEFAULT_COLUMN_UNITS: Readonly<Record<Kind, string | null>> = Object.freeze({
  bytes: "GiB", flop: "TFLOP", flops: "TFLOPS", bandwidth: "GB/s", time: "ms",
  params: "param", tokens: "token", intensity: "FLOP/B", power: "W", count: null,
});

interface OutColumn {
  name: string;
  /** multiply a Quantity's base-unit value by this; null: the key takes plain values */
  factor: number | null;
  data: Float64Array | unknown[];
  /** rows of a numeric column that hold null (the column becomes an array with nulls at the end) */
  nulls: Uint8Array | null;
}

function outColumn(key: string, first: SweepValue, rows: number): OutColumn {
  if (first instanceof Quantity) {
    const { unit } = columnUnit(key);
    const target = unit ?? DEFAULT_COLUMN_UNITS[first.kind];
    const name = unit ? key : target ? columnName(key, target) : key;
    const factor = target === null ? 1 : unit ? unitFactor(first.baseUnit, unit, `sweep column ${show(key)}`) : convert(1, first.kind, target);
    return { name, factor, data: new Float64Array(rows), nulls: null };
  }
  const numeric = typeof first === "number" || first === null;
  return { name: key, factor: null, data: numeric ? new Float64Array(rows) : new Array<unknown>(rows), nulls: null };
}

function badValue(key: string, v: unknown, row: object): never {
  throw new SuanliError("bad-argument", `sweep: fn returned ${show(v)} for ${show(key)} at row ${show(row)}; columns hold finite numbers, strings, booleans, null or Quantities`, {
    value: v,
  });
}

function store(col: OutColumn, i: number, key: string, v: SweepValue | undefined, row: object): void {
  if (col.factor !== null) {
    if (!(v instanceof Quantity)) badValue(key, v, row);
    (col.data as Float64Array)[i] = v.value * col.factor;
    return;
  }
  if (typeof v === "number") {
    if (!Number.isFinite(v)) badValue(key, v, row);
    col.data[i] = v;
    return;
  }
  if (v instanceof Quantity || (v !== null && v !== undefined && typeof v === "object")) badValue(key, v, row);
  if (col.data instanceof Float64Array) {
    if (v === null || v === undefined) {
      (col.nulls ??= new Uint8Array(col.data.length))[i] = 1;
      return;
    }
    col.data = Array.from(col.data, (x, j) => (col.nulls?.[j] ? null : x));
    col.nulls = null;
  }
  col.data[i] = v ?? null;
}

/**
 * Fill the axis columns of a product grid (first key slowest, last fastest) or a zipped one
 * (row i takes element i of each list): the values `sweep` passed to `fn`, row by row.
 */
function fillAxes(cols: (Float64Array | GridValue[])[], lists: (readonly GridValue[])[], zip: boolean): void {
  let repeat = 1;
  for (let k = cols.length - 1; k >= 0; k--) {
    const col = cols[k]!;
    const list = lists[k]!;
    const L = list.length;
    if (zip) for (let i = 0; i < col.length; i++) col[i] = list[i]!;
    else for (let i = 0; i < col.length; i++) col[i] = list[Math.floor(i / repeat) % L]!;
    repeat *= L;
  }
}

/** A function making a grid row `{ key0: v[0], key1: v[1], … }` with one object shape. */
function rowMaker(keys: readonly string[]): (v: readonly GridValue[]) => Record<string, GridValue> {
  const body = `return { ${keys.map((k, i) => `${JSON.stringify(k)}: v[${i}]`).join(", ")} };`;
  return new Function("v", body) as (v: readonly GridValue[]) => Record<string, GridValue>;
}

/** A function copying `out[key]` for each of `keys` into `into`, in order (constant-key reads). */
function resultReader(keys: readonly string[]): (out: Record<string, SweepValue>, into: (SweepValue | undefined)[]) => void {
  const body = keys.map((k, i) => `into[${i}] = out[${JSON.stringify(k)}];`).join("\n");
  return new Function("out", "into", body) as (out: Record<string, SweepValue>, into: (SweepValue | undefined)[]) => void;
}

/** A numeric column's values, with its null rows restored. */
function columnData(col: OutColumn): ArrayLike<unknown> {
  const { data, nulls } = col;
  if (nulls === null) return data;
  const d = data as Float64Array;
  const out = new Array<number | null>(d.length);
  for (let j = 0; j < d.length; j++) out[j] = nulls[j] ? null : d[j]!;
  return out;
}

/**
 * Sweep a grid: the Cartesian product of a `{ key: values[] }` grid, a `zip({...})` of
 * equal-length lists, or an explicit array of rows. `fn` runs once per row; its result's keys
 * become columns. Refuses an empty grid, a grid over `maxRows` (default 10 M; raise it with
 * `{ maxRows }`), and non-finite results.
 */
export function sweep<const G extends Grid>(grid: G | ZipGrid<G>, fn: (row: GridRow<G>) => Record<string, SweepValue>, o?: SweepOptions): ColumnTable;
export function sweep<R extends Record<string, GridValue>>(rows: readonly R[], fn: (row: R) => Record<string, SweepValue>, o?: SweepOptions): ColumnTable;
export function sweep(
  grid: Grid | ZipGrid | readonly Record<string, GridValue>[],
  fn: (row: never) => Record<string, SweepValue>,
  o: SweepOptions = {},
): ColumnTable {
  if (typeof fn !== "function") throw new SuanliError("bad-argument", `sweep: the second argument must be a function of a row, got ${show(fn)}`, { value: fn });
  checkKeys(o, ["maxRows", "onProgress"], "sweep");
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") throw new SuanliError("bad-argument", `sweep: onProgress must be a function (done, total) => void, got ${show(o.onProgress)}`, { value: o.onProgress });
  const plan = planGrid(grid, o.maxRows, "sweep");
  const { keys, lists, rows: n } = plan;
  const explicit = plan.mode === "rows" ? (grid as readonly Record<string, GridValue>[]) : null;
  const inCols: (Float64Array | GridValue[])[] = keys.map((_, k) =>
    explicit ? new Array<GridValue>(n) : lists[k]!.every((v) => typeof v === "number") ? new Float64Array(n) : new Array<GridValue>(n),
  );
  const idx = new Array<number>(keys.length).fill(0);
  const K = keys.length;
  let outKeys: string[] = [];
  let outCols: OutColumn[] = [];
  const every = Math.max(1, Math.floor(n / 100));
  // Rows and results are read through accessors compiled for the keys (constant-key property
  // access: one object shape, no per-row keyed lookups); values are checked as before.
  const vals = new Array<GridValue>(K);
  const zip = plan.mode === "zip";
  const makeRow = rowMaker(keys);
  let read: (out: Record<string, SweepValue>, into: (SweepValue | undefined)[]) => void = () => {};
  const got: (SweepValue | undefined)[] = [];
  for (let i = 0; i < n; i++) {
    if (explicit) {
      const src = explicit[i]!;
      for (let k = 0; k < K; k++) (inCols[k] as GridValue[])[i] = vals[k] = src[keys[k]!]!;
    } else {
      // the axis columns are filled after the loop (fillAxes), one monomorphic loop each
      for (let k = 0; k < K; k++) vals[k] = lists[k]![zip ? i : idx[k]!]!;
      if (!zip) for (let k = K - 1; k >= 0 && ++idx[k]! === lists[k]!.length; k--) idx[k] = 0;
    }
    const row = makeRow(vals);
    const out = fn(row as never);
    if (out === null || typeof out !== "object") badValue("(result)", out, row);
    if (i === 0) {
      outKeys = Object.keys(out);
      outCols = outKeys.map((key) => outColumn(key, out[key]!, n));
      read = resultReader(outKeys);
      got.length = outKeys.length;
    }
    read(out, got);
    for (let c = 0; c < outKeys.length; c++) {
      const col = outCols[c]!;
      const v = got[c];
      // the common case inline: a finite number into a numeric column (v - v is 0 only when finite)
      if (typeof v === "number" && col.factor === null && col.data instanceof Float64Array && v - v === 0) col.data[i] = v;
      else store(col, i, outKeys[c]!, v, row);
    }
    if (o.onProgress && (i + 1) % every === 0) o.onProgress(i + 1, n);
  }
  if (o.onProgress && n % every !== 0) o.onProgress(n, n);
  if (!explicit) fillAxes(inCols, lists, zip);
  const columns: Record<string, ArrayLike<unknown>> = {};
  keys.forEach((k, c) => (columns[k] = inCols[c]!));
  for (const c of outCols) {
    if (c.name in columns) throw new SuanliError("bad-argument", `sweep: fn returns ${show(c.name)}, which is already a grid axis; rename one`, { value: c.name });
    columns[c.name] = columnData(c);
  }
  return arquero().table(columns);
}
