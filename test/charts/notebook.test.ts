import { describe, it, expect } from "vitest";
import { display, mimeBundle, tableHtml, tableText, columnFormat } from "../../src/notebook.js";
import { chart, gpus, model, report, cluster, gpu, streaming, splitKv, chunkedPrefill, prefixCache, simulate, calibrateTraining, sweep } from "../../src/index.js";

describe("mimeBundle(x) — what show(x) sends", () => {
  it("a chart: SVG, the vega-lite bundle and text", async () => {
    const b = await mimeBundle(chart.gpuComparison(["H20"], { precisions: ["fp16"] }));
    expect(String(b["image/svg+xml"])).toMatch(/^<svg/);
    expect((b["application/vnd.vegalite.v5+json"] as { $schema: string }).$schema).toContain("v5");
    expect(Object.keys(await mimeBundle(chart.gpuComparison(["H20"]), { vegaLite: false }))).not.toContain("application/vnd.vegalite.v5+json");
  });
  it("a table: HTML with unit-carrying headers, limited", async () => {
    const b = await mimeBundle(gpus().select("id", "memory_GiB"), { limit: 2 });
    expect(String(b["text/html"])).toContain(">memory (GiB)</th>");
    expect(String(b["text/html"])).toMatch(/more rows/);
    expect(tableHtml(gpus(), 1)).toContain("<table");
  });
  it("a Quantity: its derivation as Markdown with the arithmetic as display math; a report: its scoped HTML", async () => {
    const q = model("llama2-70b").kv({ batch: 8, seq: 4096 });
    const b = await mimeBundle(q);
    expect(b["text/markdown"]).toContain(`$$${q.explain().latex}$$`);
    expect(b["text/markdown"]).toMatch(/^\*\*KV cache of llama2-70b/);
    expect(b["text/plain"]).toBe(q.explain().text);
    const html = String((await mimeBundle(report("R").text("hi")))["text/html"]);
    expect(html.startsWith('<div class="suanli-report">')).toBe(true);
    expect(html).not.toContain("body {");
  });
  it("refuses undefined and what it cannot display, saying what it takes", async () => {
    await expect(mimeBundle(undefined)).rejects.toThrowError(/nothing to show/);
    await expect(mimeBundle(() => 1)).rejects.toThrowError(/cannot display .*show takes a chart spec/);
    await expect(mimeBundle({ nested: { a: 1 } })).rejects.toThrowError(/show takes/);
    await expect(mimeBundle([1, 2])).rejects.toThrowError(/show takes/);
  });
  it("a chart: PNG and SVG in one bundle, the PNG shown at the chart's size", async () => {
    const d = await display(chart.gpuComparison(["H20"], { precisions: ["fp16"] }));
    expect(Buffer.from(String(d.data["image/png"]), "base64").subarray(1, 4).toString()).toBe("PNG");
    expect(String(d.data["image/svg+xml"])).toMatch(/^<svg/);
    const size = (d.metadata["image/png"] as { width: number; height: number });
    expect(size.width).toBeGreaterThan(300);
    expect(String(d.data["image/svg+xml"])).toContain(`width="${size.width}"`);
    expect(String(d.data["text/html"])).toBe(`<img src="data:image/png;base64,${d.data["image/png"]}" alt="Dense peak by precision" width="${size.width}" height="${size.height}">`);
  });
  it("a table: numbers rounded per column, unit headers, and an aligned text form", async () => {
    const t = sweep({ batch: [1, 64] }, ({ batch }) => ({ kv_GiB: batch * 1.2288123456, throughput_tok_s: batch * 123.456789 }));
    const b = await mimeBundle(t);
    expect(String(b["text/html"])).toContain(">throughput (tok/s)</th>");
    expect(String(b["text/html"])).toContain(">78.64<");
    expect(String(b["text/html"])).not.toMatch(/\d{7,}/);
    const text = tableText(t).split("\n");
    expect(text[0]).toMatch(/^batch\s+kv \(GiB\)\s+throughput \(tok\/s\)$/);
    expect(text[3]).toMatch(/^\s+64\s+78\.64\s+7,901$/);
  });
  it("columnFormat: three significant digits at the column's smallest value, integers with separators", () => {
    expect(columnFormat([0.0863, 0.12])(0.0863)).toBe("0.0863");
    expect(columnFormat([1.23, 629.15])(1.2288)).toBe("1.23");
    expect(columnFormat([131072, 4096])(131072)).toBe("131,072");
    expect(columnFormat([2e-9])(2e-9)).toBe("2.00e-9");
    expect(columnFormat([1e-9, 100])(1e-9)).toBe("1e-9");
  });
  it("every result object: a short summary with units as text, and as HTML", async () => {
    const e = model("llama2-70b").on(cluster(gpu("H20"), 8).tp(8));
    const tr = model("llama2-70b").train({ seq: 4096, microBatch: 1, accumulation: 16, zero: 1 }).on(cluster(gpu("H20").fp8(), 64).tp(8).network("400 Gb/s"));
    const results: [unknown, RegExp][] = [
      [e.decode({ batch: 8, context: 4096 }), /^decode batch 8 @ 4096: .* ms\/token/],
      [e.memory({ batch: 8, context: 4096 }), /GiB of 96 GiB per GPU/],
      [streaming(e, { batch: 16, context: 32768, window: 4096 }), /^StreamingLLM, window 4096 \+ 4 sinks.*GiB → .*GiB per GPU/],
      [splitKv(e, { batch: 1, context: 32768 }), /^split-KV, batch 1 at 32768 tokens: \d+ splits/],
      [chunkedPrefill(e, { prompt: 32768, chunk: 2048, decodes: 16 }), /^chunked prefill of 32768 tokens in 16 chunks of 2048/],
      [prefixCache(e, { prompt: 32768, prefix: 30000, hitRate: 0.8, requests: 16, output: 512 }), /^prefix cache: 29952 reusable tokens/],
      [simulate(e, { requests: 10, seed: 1 }), /^simulation \(in-flight batching\): 10 of 10 requests finished.*tokens\/s/],
      [calibrateTraining(), /^training calibration on \d+ published runs/],
      [tr.maxMicroBatch(), /^largest micro-batch \d+: .* GiB per GPU/],
      [tr.memory(), /GiB of 96 GiB/],
      [tr.step(), /MFU/],
      [tr.time({ tokens: 2e12 }), /days/],
    ];
    for (const [i, [r, re]] of results.entries()) {
      const b = await mimeBundle(r);
      expect(String(b["text/plain"])).toMatch(re);
      expect(String(b["text/plain"])).not.toMatch(/\d{9,}|object Object|NaN/);
      expect(String(b["text/html"])).toMatch(/^<div class="suanli-result"><b>/);
      if (i >= 2 && i <= 8) expect(Object.keys(r as object)).not.toContain("toString"); // not a field: spreads and JSON see the numbers alone
    }
  });
});

describe("progressText(label, done, total)", () => {
  it("draws a bar, a percentage and the counts", async () => {
    const { progressText } = await import("../../src/notebook.js");
    expect(progressText("sweep", 500, 1000, 10)).toBe("sweep [#####     ] 50% 500/1,000");
    expect(progressText("sweep", 0, 0, 4)).toBe("sweep [####] 100% 0/0");
  });
});
