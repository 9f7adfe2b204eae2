import { afterAll, expect } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** |actual − expected| ≤ rel × |expected| (d3-scale's assertInDelta, relative). */
export function expectClose(actual: number, expected: number, rel = 1e-12): void {
  const tol = rel * Math.abs(expected) || rel;
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`expected ${actual} to be within ${rel} (relative) of ${expected}`);
  }
  expect(Number.isFinite(actual)).toBe(true);
}

/** Run fn and return the SuanliError it throws (fails if it does not throw one). */
export function errorOf(fn: () => unknown): { code: string; message: string; value: unknown } {
  try {
    fn();
  } catch (e) {
    const err = e as { name?: string; code: string; message: string; value: unknown };
    expect(err.name).toBe("SuanliError");
    return err;
  }
  throw new Error("expected a SuanliError, nothing was thrown");
}

/** Every {value, …} leaf of a dataset entry (a sourced figure), with its path. */
export function figures(o: unknown, path: string, out: [string, Record<string, unknown>][] = []): [string, Record<string, unknown>][] {
  if (o && typeof o === "object" && !Array.isArray(o)) {
    const r = o as Record<string, unknown>;
    if ("value" in r) out.push([path, r]);
    else for (const [k, v] of Object.entries(r)) figures(v, `${path}.${k}`, out);
  }
  return out;
}

/** A fresh temporary folder, removed after the file's tests (call at the top level of a test file). */
export function tempDirs(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    made.push(d);
    return d;
  };
}
