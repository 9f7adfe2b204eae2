import { describe, it, expectTypeOf } from "vitest";
import { gpu, model, Quantity, type Gpu, type KvCache } from "../src/index.js";

describe("types", () => {
  it("fluent views keep their types", () => {
    expectTypeOf(gpu("H20").fp8().nvlink()).toEqualTypeOf<Gpu>();
    expectTypeOf(gpu("H20").peak()).toEqualTypeOf<Quantity<"flops">>();
    expectTypeOf(model("llama2-70b").kv({ batch: 1, seq: 1 })).toEqualTypeOf<KvCache>();
    expectTypeOf(model("llama2-70b").kv({ batch: 1, seq: 1 })).toMatchTypeOf<Quantity<"bytes">>();
  });
  it("quantities of different kinds do not add", () => {
    const bytes = model("llama2-70b").weights();
    const flops = gpu("H20").peak();
    expectTypeOf(bytes.plus(bytes)).toEqualTypeOf<Quantity<"bytes">>();
    // @ts-expect-error — FLOPS are not bytes
    bytes.plus(flops);
  });
  it("kv needs batch and seq", () => {
    // @ts-expect-error — seq is required
    model("llama2-70b").kv({ batch: 1 });
  });
});

describe("catalog names", () => {
  it("gpu() and model() offer the catalog's names and still take any string", () => {
    expectTypeOf(gpu).parameter(0).extract<"H20">().toEqualTypeOf<"H20">();
    expectTypeOf(model).parameter(0).extract<"llama2-70b">().toEqualTypeOf<"llama2-70b">();
    expectTypeOf(gpu).parameter(0).toMatchTypeOf<string>();
  });
});
