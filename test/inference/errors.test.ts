import { describe, it, expect } from "vitest";
import { model, gpu, cluster, SuanliError } from "../../src/index.js";
import { errorOf } from "../helpers.js";

const caught = errorOf;

const llama = model("llama2-70b");

describe("bad input", () => {
  it("tp that does not divide the attention heads", () => {
    const e = caught(() => model("falcon-7b").on(cluster(gpu("H20"), 8).tp(8)));
    expect(e.code).toBe("bad-parallelism");
    expect(e.message).toMatch(/^tp 8 does not divide the 71 attention heads of falcon-7b/);
  });

  it("tp that neither divides nor is a multiple of the KV heads", () => {
    // 64 heads, 8 KV heads: tp 16 replicates (allowed); a made-up 12-KV-head model at tp 8 is refused.
    expect(() => llama.on(cluster(gpu("H20"), 16).tp(16).network("400 Gb/s"))).not.toThrow();
    const odd = model.fromHFConfig({
      model_type: "llama", num_hidden_layers: 2, hidden_size: 1536, num_attention_heads: 24, num_key_value_heads: 12,
      intermediate_size: 4096, vocab_size: 1000, max_position_embeddings: 2048,
    }, "odd");
    const e = caught(() => odd.on(cluster(gpu("H20"), 8).tp(8)));
    expect(e.code).toBe("bad-parallelism");
    expect(e.message).toMatch(/tp 8 neither divides the 12 KV heads of odd nor is a multiple of them/);
  });

  it("efficiency outside (0, 1] or an unknown key", () => {
    const e = llama.on(cluster(gpu("H20"), 8).tp(8));
    expect(caught(() => e.efficiency({ compute: 1.2 })).message).toBe("efficiency.compute must be in (0, 1], got 1.2");
    expect(caught(() => e.efficiency({ memory: 0 })).message).toBe("efficiency.memory must be in (0, 1], got 0");
    expect(caught(() => e.efficiency({ link: Number.NaN })).code).toBe("bad-argument");
    expect(caught(() => e.efficiency({ speed: 0.5 } as never)).message).toMatch(/unknown efficiency "speed"; accepted: compute, memory, link/);
  });

  it("unknown link, and a group that spans nodes with no network", () => {
    expect(caught(() => gpu("L4").nvlink()).code).toBe("unknown-link");
    // Refused when the engine is made, not in the middle of a sweep.
    const e = caught(() => llama.on(cluster(gpu("H20"), 16).tp(16)));
    expect(e.code).toBe("unknown-link");
    expect(e.message).toMatch(/no network is configured/);
  });

  it("batch, context, prompt and dtypes are checked where they enter", () => {
    const e = llama.on(cluster(gpu("H20"), 8).tp(8));
    expect(caught(() => e.decode({ batch: 0, context: 10 })).message).toBe("batch must be a positive integer, got 0");
    expect(caught(() => e.decode({ batch: 1, context: 1.5 })).message).toBe("context must be a positive integer, got 1.5");
    expect(caught(() => e.prefill({ prompt: -1 })).code).toBe("bad-argument");
    expect(caught(() => e.dtypes({ weights: "fp12" })).code).toBe("unknown-precision");
    expect(caught(() => e.dtypes({ kv: "fp4" })).message).toMatch(/KV dtype "fp4" is not supported/);
  });

  it("no NaN or Infinity in results across models and devices", () => {
    for (const id of ["llama2-7b", "mixtral-8x7b", "deepseek-v2-lite", "gemma2-9b", "qwen2.5-7b"]) {
      const e = model(id).on(cluster(gpu("H100"), 4).tp(4));
      const d = e.decode({ batch: 4, context: 1000 });
      const p = e.prefill({ batch: 2, prompt: 3000 });
      for (const v of [d.time.value, d.tokensPerSecond, p.time.value, p.utilization, ...Object.values(d.split)]) expect(Number.isFinite(v)).toBe(true);
      const rows = e.rows({ batch: 4, context: 1000 });
      for (const r of rows) for (const v of [r.flops, r.bytes, r.time]) expect(Number.isFinite(v)).toBe(true);
    }
  });
});
