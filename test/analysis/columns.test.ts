import { describe, it, expect } from "vitest";
import { table } from "arquero";
import { columnUnit, columnTitle, convertColumn, unitFactor, SuanliError } from "../../src/index.js";

describe("columnUnit(name)", () => {
  it("reads the unit after the last underscore", () => {
    expect(columnUnit("kv_GiB")).toEqual({ stem: "kv", unit: "GiB" });
    expect(columnUnit("decode_ms")).toEqual({ stem: "decode", unit: "ms" });
    expect(columnUnit("fp16_TFLOPS")).toEqual({ stem: "fp16", unit: "TFLOPS" });
  });
  it("reads a rate from two unit words", () => {
    expect(columnUnit("bandwidth_TB_s")).toEqual({ stem: "bandwidth", unit: "TB/s" });
    expect(columnUnit("throughput_tokens_per_s")).toEqual({ stem: "throughput", unit: "tokens/s" });
    expect(columnUnit("ridge_FLOP_B")).toEqual({ stem: "ridge", unit: "FLOP/B" });
  });
  it("leaves plain names alone", () => {
    expect(columnUnit("batch")).toEqual({ stem: "batch", unit: null });
    expect(columnUnit("max_batch")).toEqual({ stem: "max_batch", unit: null });
    expect(columnTitle("kv_GiB")).toBe("kv (GiB)");
    expect(columnTitle("gpu")).toBe("gpu");
    expect(columnTitle("throughput_tok_s")).toBe("throughput (tok/s)");
    expect(columnTitle("bandwidth_TB_s")).toBe("bandwidth (TB/s)");
    expect(columnTitle("throughput_tokens_s")).toBe("throughput (tokens/s)");
  });
});

describe("convertColumn(table, column, unit)", () => {
  const t = table({ batch: [1, 2], kv_GiB: [1, 2], decode_ms: [1500, 20] });
  it("converts GiB to GB and renames the column in place", () => {
    const u = convertColumn(t, "kv_GiB", "GB");
    expect(u.columnNames()).toEqual(["batch", "kv_GB", "decode_ms"]);
    expect(u.array("kv_GB")[0]).toBeCloseTo(1.073741824, 12);
    expect(convertColumn(t, "decode_ms", "s").array("decode_s")[0]).toBeCloseTo(1.5, 12);
  });
  it("does not mutate the original", () => {
    convertColumn(t, "kv_GiB", "MiB");
    expect(t.columnNames()).toEqual(["batch", "kv_GiB", "decode_ms"]);
    expect(t.array("kv_GiB")[1]).toBe(2);
  });
  it("refuses incompatible units (GB → FLOPS) with a unit-mismatch", () => {
    expect(() => convertColumn(t, "kv_GiB", "FLOPS")).toThrowError(SuanliError);
    expect(() => convertColumn(t, "kv_GiB", "FLOPS")).toThrowError(/cannot convert "GiB" to "FLOPS": they measure different things/);
    try {
      unitFactor("GB", "FLOPS");
    } catch (e) {
      expect((e as SuanliError).code).toBe("unit-mismatch");
    }
  });
  it("refuses a missing column and a column without a unit", () => {
    expect(() => convertColumn(t, "kv", "GB")).toThrowError(/no column "kv"; columns: batch, kv_GiB, decode_ms/);
    expect(() => convertColumn(t, "batch", "GB")).toThrowError(/carries no unit suffix/);
    expect(() => convertColumn(t, "kv_GiB", "parsecs of cheese")).toThrowError(/cannot read unit/);
  });
});

describe("columnUnit(count columns)", () => {
  it("reads params_B as billions of parameters, not bytes", () => {
    expect(columnUnit("params_B")).toEqual({ stem: "params", unit: "Gparam" });
    expect(columnUnit("active_params_B").unit).toBe("Gparam");
    expect(columnTitle("params_B")).toBe("params (B)");
    expect(columnTitle("kv_fp16_KiB_per_token")).toBe("kv fp16 (KiB/token)");
    expect(() => unitFactor("Gparam", "GB")).toThrowError(/different things/);
    expect(unitFactor("Gparam", "Mparam")).toBeCloseTo(1000, 9);
  });
});
