import { describe, expect, it } from "vitest";
import { mixedStep } from "../../src/index.js";
import { expectClose } from "../helpers.js";
import { h20 } from "./fixtures.js";

describe("mixedStep(e, parts)", () => {
  const e = h20();
  it("equals the engine's step for a single part", () => {
    for (const step of [{ batch: 16, tokens: 1, past: 32767 }, { batch: 1, tokens: 8192, past: 0 }, { batch: 2, tokens: 512, past: 4096 }]) {
      expectClose(mixedStep(e, [step]).time, e.stepTime(step).total, 1e-12);
    }
  });
  it("reads the weights once: a mixed step costs less than its parts apart", () => {
    const a = { batch: 16, tokens: 1, past: 8191 };
    const b = { batch: 1, tokens: 256, past: 0 };
    const both = mixedStep(e, [a, b]).time;
    expect(both).toBeLessThan(mixedStep(e, [a]).time + mixedStep(e, [b]).time);
    expect(both).toBeGreaterThan(Math.max(mixedStep(e, [a]).time, mixedStep(e, [b]).time));
    expect(mixedStep(e, []).time).toBe(0);
  });
});
