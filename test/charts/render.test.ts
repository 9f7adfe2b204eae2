import { describe, it, expect } from "vitest";
import { chart, renderSvg, renderPng } from "../../src/index.js";

describe("renderSvg(spec) / renderPng(spec, { scale })", () => {
  const spec = chart.gpuComparison(["H20", "H100"], { precisions: ["fp16", "fp8"] });
  it("renders an SVG with the axis titles and bars, without a browser", async () => {
    const svg = await renderSvg(spec);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("peak (TFLOPS)");
    expect(svg).toContain("H20");
    expect((svg.match(/<path[^>]*aria-roledescription="bar"/g) ?? []).length).toBe(4);
  });
  it("renders a PNG whose size follows the scale", async () => {
    const png1 = await renderPng(spec, { scale: 1 });
    const png2 = await renderPng(spec, { scale: 2 });
    expect(Array.from(png1.slice(1, 4))).toEqual([0x50, 0x4e, 0x47]); // "PNG"
    const width = (p: Uint8Array) => new DataView(p.buffer, p.byteOffset).getUint32(16);
    expect(width(png2)).toBe(2 * width(png1));
  });
  it("refuses a non-spec and a bad scale", async () => {
    await expect(renderSvg({} as never)).rejects.toThrowError(/expected a vega-lite spec/);
    await expect(renderPng(spec, { scale: 0 })).rejects.toThrowError(/scale must be a number in \(0, 16\]/);
  });
});
