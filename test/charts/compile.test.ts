import { describe, it, expect } from "vitest";
import { compile } from "../../src/charts/render.js";
import { specs } from "./fixtures.js";

describe("every chart builder → vega-lite compile", () => {
  const all = specs();
  for (const [name, spec] of Object.entries(all)) {
    it(`chart.${name}(...) compiles without warnings`, async () => {
      const { vega, warnings } = await compile(spec);
      expect(warnings).toEqual([]);
      expect(vega.marks).toBeDefined();
      expect(JSON.stringify(spec)).not.toMatch(/NaN|Infinity/);
    });
  }
});
