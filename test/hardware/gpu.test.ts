import { describe, it, expect } from "vitest";
import { gpu, gpus } from "../../src/index.js";
import { errorOf } from "../helpers.js";

describe("gpu(name)", () => {
  it("finds parts case- and alias-insensitively", () => {
    expect(gpu("h20").id).toBe("H20");
    expect(gpu("NVIDIA H20").id).toBe("H20");
    expect(gpu("a800").id).toBe("A800-SXM-80GB");
    expect(gpu("rtx 4090").id).toBe("RTX-4090");
    expect(gpu("Instinct MI300X").id).toBe("MI300X");
  });
  it("gpu('H20').fp8().nvlink() — the user's chain", () => {
    const g = gpu("H20").fp8().nvlink();
    expect(g.precisionName).toBe("fp8");
    expect(g.link.kind).toBe("nvlink");
    expect(g.peak().to("TFLOPS")).toBe(296);
    expect(String(g)).toBe("Gpu H20 · fp8 · nvlink · 96 GiB");
  });
  it("peak() is dense FP16 unless a precision is chosen", () => {
    expect(gpu("H20").peak().to("TFLOPS")).toBe(148);
    expect(gpu("H100").peak().to("TFLOPS")).toBeCloseTo(989.5, 6); // datasheet quotes 1979 with sparsity
    expect(gpu("A100").tf32().peak().to("TFLOPS")).toBe(156);
  });
  it(".memory is binary, .bandwidth decimal", () => {
    expect(gpu("H20").memory.to("GiB")).toBe(96);
    expect(gpu("A800").bandwidth.to("GB/s")).toBe(2039);
    expect(gpu("H20").link.total.to("GB/s")).toBe(900);
    expect(gpu("H20").link.perDirection.to("GB/s")).toBe(450);
  });
  it("ridge() = peak ÷ bandwidth", () => {
    expect(gpu("H20").ridge().value).toBeCloseTo(148e12 / 4e12, 9);
    expect(gpu("H20").fp8().ridge().value).toBeCloseTo(296e12 / 4e12, 9);
  });
  it("views do not mutate the original", () => {
    const g = gpu("H20");
    g.fp8().pcie();
    expect(g.precisionName).toBe("fp16");
    expect(g.link.kind).toBe("nvlink");
    expect(Object.isFrozen(g)).toBe(true);
  });
  it("refuses an unknown name with did-you-mean", () => {
    const e = errorOf(() => gpu("H21"));
    expect(e.code).toBe("unknown-gpu");
    expect(e.message).toMatch(/^unknown gpu: "H21" \(did you mean H20/);
  });
  it("refuses a precision the part lacks, listing what it has (A800 FP8)", () => {
    const e = errorOf(() => gpu("A800").fp8());
    expect(e.code).toBe("unsupported-precision");
    expect(e.message).toBe("A800-SXM-80GB has no fp8 (it has: fp64, fp64Tensor, fp32, tf32, bf16, fp16, int8)");
  });
  it("refuses a link the part lacks", () => {
    expect(errorOf(() => gpu("L4").nvlink()).message).toContain("L4 has no nvlink link");
    expect(errorOf(() => gpu("H20").via("carrier-pigeon")).code).toBe("unknown-link");
  });
});

describe("gpu.custom(opts)", () => {
  it("builds a hypothetical part from unit strings", () => {
    const g = gpu.custom({ name: "H20-next", memory: "144 GiB", bandwidth: "6 TB/s", peak: { fp16: "300 TFLOPS", fp8: "600 TFLOPS" }, nvlink: "1.8 TB/s" });
    expect(g.fp8().peak().to("TFLOPS")).toBe(600);
    expect(g.memory.to("GiB")).toBe(144);
    expect(g.link.perDirection.to("GB/s")).toBe(900);
    expect(g.ridge().value).toBeCloseTo(50, 9);
  });
  it("refuses wrong units and missing peaks", () => {
    expect(errorOf(() => gpu.custom({ name: "x", memory: "1 TB/s", bandwidth: "1 TB/s", peak: { fp16: 1 } })).code).toBe("unit-mismatch");
    expect(errorOf(() => gpu.custom({ name: "x", memory: "1 GiB", bandwidth: "1 TB/s", peak: {} })).message).toContain("at least one peak");
  });
});

describe("gpus()", () => {
  it("returns the catalog as an arquero table, absent precisions null", () => {
    const t = gpus();
    expect(t.numRows()).toBeGreaterThanOrEqual(14);
    const a800 = t.objects().find((r) => (r as { id: string }).id === "A800-SXM-80GB") as Record<string, unknown>;
    expect(a800.fp8_TFLOPS).toBeNull();
    expect(a800.fp16_TFLOPS).toBe(312);
  });
});
