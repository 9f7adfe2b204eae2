import { describe, it, expect } from "vitest";
import { model, gpu, cluster, models, SuanliError, resetWarnings } from "../src/index.js";
import { rng } from "../src/util/random.js";

// Random valid and invalid calls across the catalog: every result is finite, every refusal a SuanliError.
const ids = (models().objects() as { id: string }[]).map((m) => m.id);
const parts = ["H20", "A800", "H100", "L4", "MI300X", "B200", "RTX 4090"];

function finiteDeep(x: unknown, path = "result"): void {
  if (typeof x === "number") expect(Number.isFinite(x), path).toBe(true);
  else if (x && typeof x === "object" && !Array.isArray(x)) for (const [k, v] of Object.entries(x)) if (typeof v !== "function") finiteDeep(v, `${path}.${k}`);
}

function attempt(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(SuanliError);
    return undefined;
  }
}

describe("the public API on random input", () => {
  it("never returns NaN or Infinity, and refuses only with SuanliError", () => {
    resetWarnings({ silent: true });
    const u = rng(2024);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(u() * xs.length)]!;
    const weird = [0, -1, 1.5, NaN, Infinity, 2 ** 40, "8" as unknown as number];
    for (let i = 0; i < 300; i++) {
      const m = model(pick(ids));
      const batch = u() < 0.15 ? pick(weird) : 1 + Math.floor(u() ** 3 * 512);
      const seq = u() < 0.15 ? pick(weird) : 1 + Math.floor(u() ** 2 * 200_000);
      const kv = attempt(() => m.kv({ batch, seq, dtype: pick(["fp16", "fp8", "int8", "bf16"]) })) as { value: number } | undefined;
      if (kv) expect(Number.isFinite(kv.value)).toBe(true);
      const f = attempt(() => m.decodeFlops({ context: seq }).value);
      if (f !== undefined) expect(Number.isFinite(f as number)).toBe(true);
      const g = gpu(pick(parts));
      const n = pick([1, 2, 4, 8]);
      const e = attempt(() => m.on(cluster(g, n).tp(n)));
      if (!e) continue;
      const engine = e as ReturnType<typeof m.on>;
      const d = attempt(() => engine.decode({ batch, context: seq }));
      if (d) finiteDeep({ t: (d as { time: { value: number } }).time.value, tps: (d as { tokensPerSecond: number }).tokensPerSecond });
      const mem = attempt(() => engine.memory({ batch, context: seq }));
      if (mem) finiteDeep({ free: (mem as { free: number }).free });
      const mb = attempt(() => engine.maxBatch({ context: seq }));
      if (mb !== undefined) expect(Number.isInteger(mb)).toBe(true);
    }
  });
});
