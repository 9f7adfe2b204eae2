import { describe, it, expect } from "vitest";
import { op } from "arquero";
import { sweep, zip, model, SuanliError, DEFAULT_MAX_ROWS } from "../../src/index.js";

const llama = model("llama2-70b");

describe("sweep(grid, fn)", () => {
  it("takes the Cartesian product, last key fastest", () => {
    const t = sweep({ batch: [1, 8], seq: [10, 20, 30] }, ({ batch, seq }) => ({ tokens: batch * seq }));
    expect(t.numRows()).toBe(6);
    expect(t.columnNames()).toEqual(["batch", "seq", "tokens"]);
    expect(Array.from(t.array("seq"))).toEqual([10, 20, 30, 10, 20, 30]);
    expect(Array.from(t.array("tokens"))).toEqual([10, 20, 30, 80, 160, 240]);
  });
  it("turns Quantities into unit-suffixed plain columns (bytes → GiB)", () => {
    const t = sweep({ batch: [8], seq: [4096] }, ({ batch, seq }) => ({ kv: llama.kv({ batch, seq }), kv_GB: llama.kv({ batch, seq }) }));
    expect(t.columnNames()).toEqual(["batch", "seq", "kv_GiB", "kv_GB"]);
    expect(t.get("kv_GiB", 0)).toBe(10);
    expect(t.get("kv_GB", 0)).toBeCloseTo(10.73741824, 9);
  });
  it("keeps strings and booleans, and arquero verbs work on the result", () => {
    const t = sweep({ gpu: ["H20", "H100"], batch: [1, 2, 4] }, ({ gpu, batch }) => ({ ok: batch > 1, label: `${gpu}/${batch}` }));
    const r = t.filter((d: { ok: boolean }) => d.ok).groupby("gpu").rollup({ n: op.count() }).objects();
    expect(r).toEqual([{ gpu: "H20", n: 2 }, { gpu: "H100", n: 2 }]);
  });
  it("zip(lists) pairs rows instead of crossing them", () => {
    const t = sweep(zip({ gpu: ["H20", "H100"], tp: [8, 4] }), ({ gpu, tp }) => ({ s: `${gpu}x${tp}` }));
    expect(t.objects()).toEqual([{ gpu: "H20", tp: 8, s: "H20x8" }, { gpu: "H100", tp: 4, s: "H100x4" }]);
  });
  it("takes an explicit list of rows", () => {
    const t = sweep([{ batch: 1, seq: 2 }, { batch: 3, seq: 4 }], ({ batch, seq }) => ({ p: batch * seq }));
    expect(Array.from(t.array("p"))).toEqual([2, 12]);
  });
  it("reports progress to the end", () => {
    const seen: number[] = [];
    sweep({ i: Array.from({ length: 250 }, (_, i) => i) }, ({ i }) => ({ j: i }), { onProgress: (d) => seen.push(d) });
    expect(seen.at(-1)).toBe(250);
    expect(seen.length).toBeGreaterThan(50);
  });
});

describe("sweep(bad input)", () => {
  const f = () => ({ x: 1 });
  it("refuses an empty grid, an empty axis and an empty row list", () => {
    expect(() => sweep({}, f)).toThrowError(/the grid is empty; give at least one axis/);
    expect(() => sweep({ batch: [] }, f)).toThrowError(/axis "batch" is empty/);
    expect(() => sweep([], f)).toThrowError(/list of rows is empty/);
  });
  it("refuses a grid over the row limit, saying how many and how to raise it", () => {
    const big = { a: Array.from({ length: 5000 }, (_, i) => i), b: Array.from({ length: 5000 }, (_, i) => i) };
    expect(DEFAULT_MAX_ROWS).toBe(10_000_000);
    expect(() => sweep(big, f)).toThrowError(
      'sweep: the grid has 25,000,000 rows (a: 5000 × b: 5000), over the limit of 10,000,000; narrow an axis or raise the limit with { maxRows: 25000000 }',
    );
    expect(() => sweep({ a: [1, 2, 3] }, f, { maxRows: 2 })).toThrowError(SuanliError);
  });
  it("refuses NaN results, naming the row", () => {
    expect(() => sweep({ a: [1, 0] }, ({ a }) => ({ r: 1 / a - Infinity }))).toThrowError(/fn returned -Infinity for "r" at row \{"a":1\}/);
  });
  it("refuses zips of unequal length and bad axis values", () => {
    expect(() => sweep(zip({ a: [1, 2], b: [1] }), f)).toThrowError(/zip needs lists of one length/);
    expect(() => sweep({ a: [1, NaN] }, f)).toThrowError(/axis "a" holds NaN/);
  });
});
