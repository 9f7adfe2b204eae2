import { describe, expect, it } from "vitest";
import { layerKernelRatio, measurements, predict, REFERENCE_SERVING_ENGINE, SERVING_ENGINES, SuanliError } from "../../src/index.js";
import { expectClose } from "../helpers.js";

describe("layerKernelRatio(engine, kernelsPerLayer?)", () => {
  it("is 1 for the reference engine (TensorRT-LLM, whose per-layer cost the default overhead is)", () => {
    expect(REFERENCE_SERVING_ENGINE).toBe("TensorRT-LLM");
    expect(layerKernelRatio("TensorRT-LLM")).toBe(1);
  });
  it("gpt-fast launches more kernels per layer (no fused attention plugin, separate w1/w3, KV writes and repeats): 14 ÷ 10", () => {
    expect(SERVING_ENGINES["gpt-fast"]!.kernelsPerLayer).toBeGreaterThan(SERVING_ENGINES["TensorRT-LLM"]!.kernelsPerLayer);
    expectClose(layerKernelRatio("gpt-fast"), 1.4, 1e-12);
  });
  it("a given count overrides the listed one, for any engine", () => {
    expectClose(layerKernelRatio("gpt-fast", 10), 1, 1e-12);
    expectClose(layerKernelRatio("vLLM", 20), 2, 1e-12);
  });
  it("refuses an unknown engine without a count, and a count that is not > 0, naming the value", () => {
    expect(() => layerKernelRatio("vLLM")).toThrow(SuanliError);
    expect(() => layerKernelRatio("vLLM")).toThrow(/unknown serving engine "vLLM"; known: TensorRT-LLM, gpt-fast/);
    expect(() => layerKernelRatio("gpt-fast", 0)).toThrow(/kernelsPerLayer must be a number > 0, got 0/);
    expect(() => layerKernelRatio("gpt-fast", Number.NaN)).toThrow(SuanliError);
  });
});

describe("predict(row) charges the row's engine its own per-layer overhead", () => {
  const row = measurements().find((r) => r.engine === "gpt-fast" && r.tp === 8 && r.model === "llama2-7b")!;
  const time = (r: typeof row, perLayer: number) => 1 / predict(r, undefined, { overhead: { perLayer } }).value!;
  it("a gpt-fast row costs 1.4× the reference's perLayer per layer; the same row under TensorRT-LLM's count costs 1×", () => {
    const asTrt = { ...row, engine: "TensorRT-LLM" };
    // the difference the per-layer term makes is linear in its value: 1.4 × for gpt-fast
    const dGf = time(row, 20e-6) - time(row, 10e-6);
    const dTrt = time(asTrt, 20e-6) - time(asTrt, 10e-6);
    expect(dTrt).toBeGreaterThan(0);
    expectClose(dGf / dTrt, 1.4, 1e-9);
    expect(time(row, 10e-6)).toBeGreaterThan(time(asTrt, 10e-6));
  });
  it("a row's own kernelsPerLayer wins over its engine's", () => {
    expectClose(predict({ ...row, kernelsPerLayer: 10 }).value!, predict({ ...row, engine: "TensorRT-LLM" }).value!, 1e-12);
  });
  it("an unknown engine without a count gives no prediction, with the reason", () => {
    const p = predict({ ...row, engine: "vLLM" });
    expect(p.value).toBeNull();
    expect(p.reason).toMatch(/unknown serving engine "vLLM"/);
  });
});
