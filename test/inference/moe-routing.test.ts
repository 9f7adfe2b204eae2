import { describe, expect, it } from "vitest";
import { cluster, gpu, model, NO_OVERHEAD } from "../../src/index.js";
import { LOGIT_BYTES } from "../../src/inference/dtypes.js";
import type { BreakdownOptions } from "../../src/inference/engine.js";
import { remoteNodesTouched } from "../../src/inference/shard.js";

// The memory-bound kernels around the MoE grouped GEMM (ops.ts "routing"): top-k, the permute
// (TensorRT-LLM expandInputRowsKernel) and the un-permute / weighted sum (finalizeMoeRoutingKernel).
const row = (e: ReturnType<typeof mixtral>, opts: BreakdownOptions, op: string) => e.rows(opts).find((r) => r.op === op);

const mixtral = (fp8: boolean) => model("mixtral-8x7b").on(cluster(fp8 ? gpu("H100").fp8() : gpu("H100"), 2).tp(2)).overhead(NO_OVERHEAD);

describe("ops routing: top-k, permute and un-permute of the MoE layer", () => {
  const batch = 4;
  const prompt = 512;
  const N = batch * prompt;

  it("prefill, grouped: N·E·4 + N·k·8 top-k, N·d·s_a in + N·k·d at the operand width out, N·k·d·s_a in + N·d·s_a out, per MoE layer", () => {
    const e = mixtral(false);
    const a = e.shard.arch;
    const m = a.moe!;
    const d = a.hidden;
    const r = row(e, { batch, prompt }, "routing")!;
    const perLayer = N * (m.experts * LOGIT_BYTES + m.active * 8) + N * d * 2 + N * m.active * d * 2 + N * m.active * d * 2 + N * d * 2;
    expect(r.count).toBe(a.layers);
    expect(r.bytes).toBeCloseTo(a.layers * perLayer, -3);
    expect(r.flops).toBeCloseTo(a.layers * (4 * N * m.experts + 2 * N * m.active * d), -3);
    expect(r.bound).toBe("memory");
    expect(r.time).toBeGreaterThan(0);
  });

  it("FP8 GEMMs: the permute writes its rows at one byte (the quantization fused into the copy)", () => {
    const a = mixtral(false).shard.arch;
    const wide = row(mixtral(false), { batch, prompt }, "routing")!.bytes;
    const narrow = row(mixtral(true), { batch, prompt }, "routing")!.bytes;
    expect(wide - narrow).toBeCloseTo(a.layers * N * a.moe!.active * a.hidden * (2 - 1), -3);
  });

  it('"gather" kernels (per-token weight reads) permute nothing: top-k alone', () => {
    const e = mixtral(false).kernels({ moe: "gather" });
    const a = e.shard.arch;
    const m = a.moe!;
    const r = row(e, { batch, prompt }, "routing")!;
    expect(r.bytes).toBeCloseTo(a.layers * N * (m.experts * LOGIT_BYTES + m.active * 8), -3);
  });

  it("dense models emit no routing op", () => {
    const e = model("llama3.1-8b").on(gpu("H100")).overhead(NO_OVERHEAD);
    expect(row(e, { batch, prompt }, "routing")).toBeUndefined();
  });

  it("expert parallel: decode (DeepEP low-latency, permute inside dispatch/combine) top-k alone; prefill adds ep_scatter / ep_gather", () => {
    const e = model("deepseek-v3").on(cluster(gpu("H800").fp8(), 32).network("400 Gb/s").ep(32)).overhead(NO_OVERHEAD);
    const a = e.shard.arch;
    const m = a.moe!;
    const decode = row(e, { batch: 64, context: 2048 }, "routing")!;
    const moeLayers = decode.count;
    expect(moeLayers).toBeGreaterThan(0);
    expect(moeLayers).toBeLessThan(a.layers); // DeepSeek-V3's first dense layers route nothing
    expect(decode.bytes).toBeCloseTo(moeLayers * 64 * (m.experts * LOGIT_BYTES + m.active * 8), -3);
    // prefill: FP8 quantization of the GPU's own tokens, ep_scatter (R received in, routed rows
    // out at 1 + 1/32 B), ep_gather (routed rows in, R out at 2 B); uniform routing, imbalance 1
    const tokens = 4 * 1024;
    const routed = tokens * m.active;
    const received = (routed * 32 * (remoteNodesTouched(m.experts, m.active, 32) / 31)) / m.active;
    expect(received).toBeLessThan(routed);
    expect(received).toBeGreaterThan(routed / 2);
    const fp8 = 1 + 4 / 128;
    const perLayer = tokens * (m.experts * LOGIT_BYTES + m.active * 8) + tokens * a.hidden * (2 + fp8) + (received + routed) * a.hidden * (fp8 + 2);
    const prefill = row(e, { batch: 4, prompt: 1024 }, "routing")!;
    expect(prefill.bytes).toBeCloseTo(moeLayers * perLayer, -4);
  });
});
