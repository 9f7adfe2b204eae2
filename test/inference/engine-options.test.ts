import { describe, it, expect } from "vitest";
import { cluster, gpu, model } from "../../src/index.js";

describe("engine methods check their option names", () => {
  const e = model("llama2-7b").on(gpu("H100"));
  it("a misspelt or foreign option is refused by name, with a did-you-mean", () => {
    expect(() => e.decode({ batch: 8, context: 4096, kv: "fp8" } as never)).toThrowError(/decode: unknown option "kv"; accepted: batch, context/);
    expect(() => e.prefill({ batch: 1, prompt: 128, promt: 1 } as never)).toThrowError(/prefill: unknown option "promt" \(did you mean prompt\?\)/);
    expect(() => e.memory({ context: 4096, batchs: 2 } as never)).toThrowError(/memory: unknown option "batchs" \(did you mean batch\?\)/);
    expect(() => e.request({ prompt: 128, output: 16, outputs: 3 } as never)).toThrowError(/request: unknown option "outputs"/);
    expect(() => e.maxBatch({ context: 4096, batch: 2 } as never)).toThrowError(/maxBatch: unknown option "batch"/);
    expect(() => e.maxContext({ context: 4096 } as never)).toThrowError(/maxContext: unknown option "context"/);
    expect(() => e.breakdown({ batch: 1, context: 4096, ideal: true } as never)).toThrowError(/breakdown: unknown option "ideal"/);
    expect(() => e.cost({ pricePerGpuHour: 2, context: 4096, currency: "USD" } as never)).toThrowError(/cost: unknown option "currency"/);
  });
  it("the accepted options still give the same answers", () => {
    const c = e.cost({ pricePerGpuHour: 2, batch: 8, context: 4096 });
    expect(c.tokensPerSecond).toBe(e.decode({ batch: 8, context: 4096 }).tokensPerSecond);
    expect(model("llama2-70b").on(cluster(gpu("H100"), 8).tp(8)).maxBatch({ context: 4096 })).toBeGreaterThan(0);
  });
});
