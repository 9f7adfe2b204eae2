import { describe, it, expect, beforeAll } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { articleReport } from "../../src/report/article.js";
import { CHROMIUM, loadPage, type PageCheck } from "./chromium.js";

// In CI chromium must be there (the test fails without it); locally it is skipped if absent.
const run = CHROMIUM !== undefined || process.env.CI !== undefined;

describe.skipIf(!run)("report HTML in headless Chromium", () => {
  let page: PageCheck;
  let blank: PageCheck;
  let broken: PageCheck;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "suanli-chromium-report-"));
    const w = await articleReport().write(dir, { formats: ["html"] });
    writeFileSync(join(dir, "blank.html"), "<!DOCTYPE html><html><body></body></html>");
    writeFileSync(join(dir, "broken.html"), '<!DOCTYPE html><html><body><p>x</p><script>console.error("boom"); nope();</script></body></html>');
    [page, blank, broken] = [await loadPage(w.html!), await loadPage(join(dir, "blank.html")), await loadPage(join(dir, "broken.html"))];
  }, 180_000);

  it("the harness sees console errors (negative control)", () => {
    expect(broken.console.join("\n")).toContain("boom");
    expect(broken.console.join("\n")).toContain("nope is not defined");
  });
  it("logs no console messages", () => {
    expect(page.console).toEqual([]);
  });
  it("renders both charts as SVG with marks", () => {
    const figures = page.dom.match(/<figure class="chart"[\s\S]*?<\/figure>/g) ?? [];
    expect(figures.length).toBe(2);
    for (const f of figures) {
      expect(f).toContain("<svg");
      expect(f).toMatch(/role-mark|aria-roledescription="bar"/);
    }
  });
  it("is not blank: text, the claims table, and a screenshot far from a blank page's", () => {
    const text = page.dom.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
    expect(text).toContain("Reproducing");
    expect(text).toContain("H20 FP16 is 148 TFLOPS");
    expect((page.dom.match(/<tr>/g) ?? []).length).toBeGreaterThan(30);
    expect(page.screenshot.subarray(1, 4)).toEqual(new Uint8Array([0x50, 0x4e, 0x47]));
    expect(page.screenshot.length).toBeGreaterThan(5 * blank.screenshot.length);
  });
});
