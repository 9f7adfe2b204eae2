import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
// @ts-expect-error — a plain .mjs script without types
import { namesSource } from "../../scripts/gen-names.mjs";

describe("src/data/names.ts", () => {
  it("is in sync with datasets/ (regenerate with node scripts/gen-names.mjs)", () => {
    const have = readFileSync(new URL("../../src/data/names.ts", import.meta.url), "utf8");
    expect(have).toBe(namesSource());
  });
});
