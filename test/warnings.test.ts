import { describe, it, expect, beforeEach } from "vitest";
import { model, gpu, cluster, warnings, resetWarnings } from "../src/index.js";

describe("warnings — valid but suspicious input, once per message", () => {
  beforeEach(() => resetWarnings({ silent: true }));
  it("a context past max_position_embeddings warns once and still computes", () => {
    const m = model("llama2-70b");
    const kv = m.kv({ batch: 1, seq: 8192 });
    m.kv({ batch: 2, seq: 16384 }); // another length: still one warning per model
    m.decodeFlops({ context: 8192 });
    expect(kv.value).toBe(2 * m.kv({ batch: 1, seq: 4096 }).value);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toContain("8192 tokens is past the model's max_position_embeddings (4096)");
  });
  it("no warning within the trained length", () => {
    model("llama2-70b").kv({ batch: 1, seq: 4096 });
    expect(warnings()).toEqual([]);
  });
  it("tensor parallelism across nodes warns", () => {
    const c = cluster(gpu("H20"), 16).tp(16).network("400 Gb/s");
    model("llama2-70b").on(c).decode({ batch: 1, context: 1024 });
    expect(warnings().some((w) => w.includes("tensor parallelism of 16 spans nodes of 8"))).toBe(true);
  });
});
