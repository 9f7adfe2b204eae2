import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { gpu } from "../../src/index.js";
import { parseGpuEntry } from "../../src/hardware/gpu.js";
import { errorOf, figures } from "../helpers.js";

const raw = JSON.parse(readFileSync(new URL("../../datasets/gpus.json", import.meta.url), "utf8")) as { gpus: Record<string, unknown>[] };

describe("datasets/gpus.json", () => {
  const required = ["H20", "A800-SXM-80GB", "A100-SXM-80GB", "A100-PCIe-40GB", "H100-SXM", "H100-PCIe", "H800-SXM", "H200-SXM", "B200", "L20", "L40S", "L4", "RTX-4090", "MI300X"];
  it("holds every GPU the issue asks for", () => {
    for (const id of required) expect(gpu(id).id).toBe(id);
  });
  it("every figure carries a source URL", () => {
    let n = 0;
    for (const g of raw.gpus) {
      for (const [path, f] of figures(g, String(g.id))) {
        expect(f.source, path).toMatch(/^https?:\/\//);
        expect(Number.isFinite(f.value), path).toBe(true);
        n++;
      }
    }
    expect(n).toBeGreaterThan(14 * 8);
  });
  it("records dense TFLOPS and what the vendor quotes", () => {
    for (const g of raw.gpus) {
      const tf = g.tflops as Record<string, { value: number; vendorQuotes?: string; vendorValue?: number }>;
      for (const [p, f] of Object.entries(tf)) {
        expect(["dense", "sparse"], `${g.id} ${p}`).toContain(f.vendorQuotes);
        if (f.vendorQuotes === "sparse") expect(f.vendorValue! / f.value, `${g.id} ${p}`).toBeCloseTo(2, 1);
      }
    }
  });
  it("omits precisions the hardware lacks (no FP8 on Ampere, FP4 only on Blackwell)", () => {
    for (const id of ["A800", "A100", "A100 PCIe"]) expect(gpu(id).has("fp8")).toBe(false);
    expect(gpu("B200").has("fp4")).toBe(true);
    expect(gpu("H100").has("fp4")).toBe(false);
  });
  it("the article's H20 and A800 figures", () => {
    const h = gpu("H20"), a = gpu("A800");
    expect([h.peak().to("TFLOPS"), h.fp8().peak().to("TFLOPS"), h.memory.to("GiB"), h.link.total.to("GB/s")]).toEqual([148, 296, 96, 900]);
    expect([a.peak().to("TFLOPS"), a.memory.to("GiB"), a.link.total.to("GB/s")]).toEqual([312, 80, 400]);
  });
  it("a malformed entry is refused with its path", () => {
    expect(errorOf(() => parseGpuEntry({ id: "X", memory: { value: 1, unit: "GiB" } })).message).toContain("source");
    expect(errorOf(() => parseGpuEntry({ id: "X", memory: { value: 1, unit: "GiB", source: "https://x" }, memoryBandwidth: { value: 1, unit: "TB/s", source: "https://x" }, tflops: { fp9: { value: 1, source: "https://x" } } })).message).toContain('unknown precision "fp9"');
  });
});

describe("GEMM launch latency of a part of the same die", () => {
  it("H800 and GH200 take H100's measured figure, with its source and a note; parts without a sibling stay at none", async () => {
    const { gpu } = await import("../../src/index.js");
    const h100 = gpu("H100").spec;
    for (const id of ["H800-SXM", "GH200", "H100-PCIe", "H20"]) {
      const s = gpu(id).spec;
      expect(s.gemmLatency, id).toBe(h100.gemmLatency);
      expect(s.gemmLatencyFrom, id).toBe("H100-SXM");
      expect(s.sources.gemmLatency, id).toBe(h100.sources.gemmLatency);
      expect(s.notes.some((n) => n.startsWith("GEMM launch latency from H100-SXM")), id).toBe(true);
    }
    expect(gpu("GB200").spec.gemmLatency).toBe(gpu("B200").spec.gemmLatency);
    expect(gpu("L40S").spec.gemmLatency).toBeUndefined();
  });
});
