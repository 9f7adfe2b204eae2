import { describe, it, expect } from "vitest";
import { fingerprint, storedFingerprint, storedPredictions } from "../../src/uncertainty/stored.js";
import { residualsOf, trainingHeldOut } from "../../src/uncertainty/residuals.js";
import { trainingMeasurements } from "../../src/index.js";

describe("stored residual table (datasets/residuals.json)", () => {
  it("matches the current measurements and physics (else: npm run residuals)", () => {
    for (const kind of ["inference", "training"] as const) {
      expect(storedFingerprint(kind), `datasets/residuals.json is stale for ${kind}: run \`npm run residuals\` and commit it`).toBe(fingerprint(kind));
    }
  });
  it("holds what a fresh computation gives (training: cheap enough to recompute here)", () => {
    const fresh = trainingHeldOut();
    const stored = storedPredictions("training")!;
    expect(stored.size).toBe(fresh.size);
    for (const [id, p] of fresh) expect(stored.get(id)).toBeCloseTo(p!, 9);
    expect(residualsOf("training").length).toBe(trainingMeasurements().length);
  }, 60_000);
  it("is ignored under another fingerprint", () => {
    expect(storedPredictions("inference", "not-the-fingerprint")).toBeUndefined();
    expect(storedPredictions("training", fingerprint("training"))).toBeDefined();
  });
  it("the fingerprint follows the physics: a different probe gives a different key", () => {
    expect(fingerprint("inference")).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint("inference")).not.toBe(fingerprint("training"));
  });
});
