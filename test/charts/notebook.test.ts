import { describe, it, expect } from "vitest";
import { mimeBundle, tableHtml } from "../../src/notebook.js";
import { chart, gpus, model, report } from "../../src/index.js";

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
  it("refuses undefined", async () => {
    await expect(mimeBundle(undefined)).rejects.toThrowError(/nothing to show/);
  });
});

describe("progressText(label, done, total)", () => {
  it("draws a bar, a percentage and the counts", async () => {
    const { progressText } = await import("../../src/notebook.js");
    expect(progressText("sweep", 500, 1000, 10)).toBe("sweep [#####     ] 50% 500/1,000");
    expect(progressText("sweep", 0, 0, 4)).toBe("sweep [####] 100% 0/0");
  });
});
