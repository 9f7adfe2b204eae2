import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync } from "node:fs";

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}

const dir = new URL("../notebooks/", import.meta.url);
const notebooks = readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort();
const text = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join("") : (s ?? ""));

describe("the committed notebooks carry their results", () => {
  it("there are at least five", () => expect(notebooks.length).toBeGreaterThanOrEqual(5));
  for (const f of notebooks) {
    it(`${f}: executed, at least one chart as PNG + SVG, no error output, no console.table`, () => {
      const cells = (JSON.parse(readFileSync(new URL(f, dir), "utf8")) as { cells: Cell[] }).cells;
      const code = cells.filter((c) => c.cell_type === "code" && text(c.source).trim() !== "");
      const outputs = code.flatMap((c) => c.outputs ?? []);
      expect(code.every((c) => (c.outputs ?? []).length > 0 || !/show\(|console\.log|display\./.test(text(c.source)))).toBe(true);
      expect(outputs.filter((o) => o.output_type === "display_data" && o.data?.["image/png"] && o.data?.["image/svg+xml"]).length).toBeGreaterThan(0);
      expect(outputs.filter((o) => o.output_type === "error").length).toBe(0);
      expect(outputs.filter((o) => o.output_type === "stream" && o.name === "stderr" && /error/i.test(text(o.text))).map((o) => text(o.text))).toEqual([]);
      expect(code.filter((c) => text(c.source).includes("console.table")).length).toBe(0);
    });
  }
});
