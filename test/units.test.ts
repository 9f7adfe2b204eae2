import { describe, it, expect } from "vitest";
import { parseQuantity, convert, format, readingOf, math, Quantity } from "../src/index.js";
import { registerUnits } from "../src/units.js";
import { errorOf } from "./helpers.js";

describe("parseQuantity(input, kind)", () => {
  it("reads strings in decimal and binary prefixes into base units", () => {
    expect(parseQuantity("900 GB/s", "bandwidth", "x")).toBe(9e11);
    expect(parseQuantity("96 GiB", "bytes", "x")).toBe(96 * 2 ** 30);
    expect(parseQuantity("80 GB", "bytes", "x")).toBe(80e9);
    expect(parseQuantity("148 TFLOPS", "flops", "x")).toBe(148e12);
    expect(parseQuantity("296 TOPS", "flops", "x")).toBe(296e12);
    expect(parseQuantity("640 TFLOP", "flop", "x")).toBe(640e12);
  });
  it("accepts mathjs Units and plain base-unit numbers", () => {
    expect(parseQuantity(math.unit("3.35 TB/s"), "bandwidth", "x")).toBeCloseTo(3.35e12, 0);
    expect(parseQuantity(42, "bytes", "x")).toBe(42);
  });
  it("refuses a unit of the wrong kind, naming it", () => {
    const e = errorOf(() => parseQuantity("5 GB", "flops", "peak"));
    expect(e.code).toBe("unit-mismatch");
    expect(e.message).toContain("peak");
    expect(e.message).toContain("FLOPS");
  });
  it("refuses unreadable and negative input", () => {
    expect(errorOf(() => parseQuantity("lots of GB", "bytes", "memory")).code).toBe("unknown-unit");
    expect(errorOf(() => parseQuantity(-1, "bytes", "memory")).code).toBe("bad-argument");
    expect(errorOf(() => parseQuantity(NaN, "bytes", "memory")).code).toBe("bad-argument");
  });
});

describe("format(value, kind)", () => {
  it("prints bytes in binary prefixes by default and decimal on request", () => {
    expect(format(80 * 2 ** 30, "bytes")).toBe("80 GiB");
    expect(format(80 * 2 ** 30, "bytes", { system: "decimal" })).toBe("85.9 GB");
    expect(format(1024 ** 4, "bytes")).toBe("1 TiB");
  });
  it("prints rates in decimal prefixes", () => {
    expect(format(148e12, "flops")).toBe("148 TFLOPS");
    expect(format(9e11, "bandwidth")).toBe("900 GB/s");
    expect(format(0.0889, "time")).toBe("88.9 ms");
    expect(format(68.98e9, "params")).toBe("68.98B params");
  });
  it("carries a rounding across a prefix boundary", () => {
    expect(format(999_999, "bandwidth")).toBe("1 MB/s");
  });
});

describe("convert(value, kind, unit)", () => {
  it("converts between compatible units", () => {
    expect(convert(80 * 2 ** 30, "bytes", "GiB")).toBe(80);
    expect(convert(80 * 2 ** 30, "bytes", "GB")).toBeCloseTo(85.899345920, 9);
  });
  it("refuses an incompatible unit (GB → FLOPS)", () => {
    expect(errorOf(() => convert(1e9, "bytes", "FLOPS")).code).toBe("unit-mismatch");
  });
});

describe("readingOf(value, stated, prefix)", () => {
  it("tells which GB an article means", () => {
    expect(readingOf(80 * 2 ** 30, 80, "G")).toBe("binary");
    expect(readingOf(137.95e9, 138, "G")).toBe("decimal");
    expect(readingOf(50e9, 80, "G")).toBeNull();
  });
});

describe("Quantity", () => {
  it("is frozen and refuses NaN or Infinity", () => {
    const q = new Quantity(1, "bytes");
    expect(Object.isFrozen(q)).toBe(true);
    expect(errorOf(() => new Quantity(Infinity, "bytes")).code).toBe("bad-argument");
    expect(errorOf(() => new Quantity(NaN, "flop")).code).toBe("bad-argument");
  });
  it("gives a mathjs Unit on demand and converts with .to()", () => {
    const q = new Quantity(9e11, "bandwidth");
    expect(q.unit.toNumber("GB/s")).toBeCloseTo(900, 9);
    expect(q.to("TB/s")).toBeCloseTo(0.9, 12);
  });
  it("re-registering units is idempotent (a re-run notebook cell must not throw)", () => {
    expect(() => registerUnits(math)).not.toThrow();
    expect(() => registerUnits(math)).not.toThrow();
    expect(math.unit("1 TFLOPS").toNumber("FLOP/s")).toBe(1e12);
  });
});
