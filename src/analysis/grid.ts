/**
 * Sweep grids: what `sweep` iterates over. Three shapes:
 * - a product grid `{ batch: [1, 8], seq: [4096, 32768] }` — every combination (first key
 *   slowest, last key fastest, like nested for-loops in key order);
 * - a zipped grid `zip({ gpu: ["H20", "H100"], tp: [8, 4] })` — row i takes element i of each list;
 * - an explicit list of rows `[{ batch: 1, seq: 4096 }, …]`.
 */
import { SuanliError, show } from "../errors.js";

/** A value a grid axis may take. */
export type GridValue = string | number | boolean;
/** A product grid: each key lists its values. */
export type Grid = Readonly<Record<string, readonly GridValue[]>>;
/** The row a grid yields: one value per key. */
export type GridRow<G extends Grid> = { readonly [K in keyof G]: G[K][number] };

const ZIP = Symbol.for("suanli.zip");
/** A zipped grid (see `zip`). */
export interface ZipGrid<G extends Grid = Grid> {
  readonly [ZIP]: true;
  readonly lists: G;
}

/**
 * Zip equal-length lists into rows instead of taking their product.
 * @example sweep(zip({ gpu: ["H20", "H100"], tp: [8, 4] }), fn) // 2 rows, not 4
 */
export function zip<const G extends Grid>(lists: G): ZipGrid<G> {
  return Object.freeze({ [ZIP]: true as const, lists });
}

export function isZip(g: unknown): g is ZipGrid {
  return g !== null && typeof g === "object" && (g as Record<symbol, unknown>)[ZIP] === true;
}

/** Default ceiling on a sweep's rows: 10 million (≈ 10 s of the kit's fast estimators). */
export const DEFAULT_MAX_ROWS = 10_000_000;

/** The plan of a sweep: axis names, their value lists, and the row count. */
export interface GridPlan {
  keys: string[];
  lists: (readonly GridValue[])[];
  rows: number;
  mode: "product" | "zip" | "rows";
}

function checkAxis(key: string, list: unknown, what: string): readonly GridValue[] {
  if (!Array.isArray(list)) {
    throw new SuanliError("bad-argument", `${what}: axis ${show(key)} must be an array of values, got ${show(list)}`, { value: list, expected: "an array" });
  }
  if (list.length === 0) {
    throw new SuanliError("bad-argument", `${what}: axis ${show(key)} is empty, so the grid has no rows; give it at least one value`, { value: list });
  }
  for (const v of list) {
    const ok = typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
    if (!ok) throw new SuanliError("bad-argument", `${what}: axis ${show(key)} holds ${show(v)}; grid values are finite numbers, strings or booleans`, { value: v });
  }
  return list as readonly GridValue[];
}

/** Validate a grid and count its rows, refusing empty grids and grids over `maxRows`. */
export function planGrid(grid: unknown, maxRows = DEFAULT_MAX_ROWS, what = "sweep"): GridPlan {
  let plan: GridPlan;
  if (Array.isArray(grid)) {
    if (grid.length === 0) throw new SuanliError("bad-argument", `${what}: the list of rows is empty; give at least one row`, { value: grid });
    const keys = Object.keys(grid[0] ?? {});
    plan = { keys, lists: [], rows: grid.length, mode: "rows" };
  } else if (isZip(grid)) {
    const keys = Object.keys(grid.lists);
    if (keys.length === 0) throw new SuanliError("bad-argument", `${what}: the zipped grid has no axes`, { value: grid.lists });
    const lists = keys.map((k) => checkAxis(k, grid.lists[k], what));
    const n = lists[0]!.length;
    lists.forEach((l, i) => {
      if (l.length !== n) {
        throw new SuanliError("bad-argument", `${what}: zip needs lists of one length; ${show(keys[0])} has ${n}, ${show(keys[i])} has ${l.length}`, { value: l.length, expected: String(n) });
      }
    });
    plan = { keys, lists, rows: n, mode: "zip" };
  } else if (grid !== null && typeof grid === "object") {
    const keys = Object.keys(grid);
    if (keys.length === 0) {
      throw new SuanliError("bad-argument", `${what}: the grid is empty; give at least one axis, e.g. { batch: [1, 8, 64] }`, { value: grid });
    }
    const lists = keys.map((k) => checkAxis(k, (grid as Record<string, unknown>)[k], what));
    plan = { keys, lists, rows: lists.reduce((p, l) => p * l.length, 1), mode: "product" };
  } else {
    throw new SuanliError("bad-argument", `${what}: a grid is an object of value lists, zip({...}) or an array of rows, got ${show(grid)}`, { value: grid });
  }
  if (!Number.isSafeInteger(maxRows) || maxRows < 1) {
    throw new SuanliError("bad-argument", `${what}: maxRows must be a positive integer, got ${show(maxRows)}`, { value: maxRows });
  }
  if (plan.rows > maxRows) {
    const shape = plan.mode === "product" ? ` (${plan.keys.map((k, i) => `${k}: ${plan.lists[i]!.length}`).join(" × ")})` : "";
    throw new SuanliError(
      "bad-argument",
      `${what}: the grid has ${plan.rows.toLocaleString("en-US")} rows${shape}, over the limit of ${maxRows.toLocaleString("en-US")}; ` +
        `narrow an axis or raise the limit with { maxRows: ${plan.rows} }`,
      { value: plan.rows, expected: `≤ ${maxRows} rows` },
    );
  }
  return plan;
}
