import { describe, it, expect } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { report, chart, model, sweep, SuanliError } from "../../src/index.js";

const tmp = () => mkdtempSync(join(tmpdir(), "suanli-report-"));
const m = model("llama2-70b");
const t = sweep({ batch: [1, 8], seq: [4096, 32768] }, ({ batch, seq }) => ({ kv: m.kv({ batch, seq }) }));

describe("report(title)", () => {
  const r = report("KV cache")
    .text("Llama 2 70B, **fp16** KV.")
    .number("KV cache, batch 8 × 4096", m.kv({ batch: 8, seq: 4096 }))
    .table(t, { caption: "KV by batch and seq" })
    .chart(chart.line(t, { x: "seq", y: "kv_GiB", color: "batch" }), { caption: "KV grows linearly" });

  it("is immutable: each call returns a new report", () => {
    const a = report("x");
    const b = a.text("hello");
    expect(a.blocks.length).toBe(0);
    expect(b.blocks.length).toBe(1);
    expect(Object.isFrozen(b)).toBe(true);
  });
  it("toMarkdown() has the heading, unit-carrying table headers, the derivation and the chart image", () => {
    const md = r.toMarkdown();
    expect(md.startsWith("# KV cache\n")).toBe(true);
    expect(md).toContain("| batch | seq | kv (GiB) |");
    expect(md).toContain("| 8 | 4096 | 10 |");
    expect(md).toContain("**KV cache, batch 8 × 4096: 10 GiB**");
    expect(md).toContain(m.kv({ batch: 8, seq: 4096 }).explain().markdown);
    expect(md).toContain("![KV grows linearly](kv-grows-linearly.png)");
  });
  it("write(dir) writes the Markdown, the chart PNG and SVG, and one self-contained HTML", async () => {
    const dir = tmp();
    const w = await r.write(dir);
    expect(w.markdown).toBe(join(dir, "report.md"));
    expect(readdirSync(dir).sort()).toEqual(["kv-grows-linearly.png", "kv-grows-linearly.svg", "report.html", "report.md"]);
    const html = readFileSync(w.html!, "utf8");
    expect(html).toContain("<svg");
    expect(html).not.toMatch(/<script|<link |src="http/);
    expect(readFileSync(join(dir, "kv-grows-linearly.png")).subarray(1, 4).toString()).toBe("PNG");
  });
  it("write never leaves a half-written file: a failed write leaves no temporaries, only whole files", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "report.html")); // a directory where the HTML should go: the rename fails
    await expect(r.write(dir)).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    if (existsSync(join(dir, "report.md"))) expect(readFileSync(join(dir, "report.md"), "utf8")).toBe(r.toMarkdown());
  });
  it("refuses bad blocks with SuanliErrors", () => {
    expect(() => report("")).toThrowError(SuanliError);
    expect(() => report("x").table(t, { columns: ["nope"] })).toThrowError(/"nope" is not a column; columns: batch, seq, kv_GiB/);
    expect(() => report("x").number("n", 5 as never)).toThrowError(/give a Quantity/);
    expect(() => report("x").chart({} as never)).toThrowError(/vega-lite spec/);
  });
  it("names charts uniquely", () => {
    const s = chart.bar([{ a: "x", b: 1 }], { x: "a", y: "b", title: "Same" });
    const names = report("x").chart(s).chart(s).blocks.map((b) => (b.kind === "chart" ? b.name : ""));
    expect(names).toEqual(["same", "same-2"]);
  });
});
