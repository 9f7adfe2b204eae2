import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { model } from "../../src/index.js";
import { errorOf } from "../helpers.js";

const llama = JSON.parse(readFileSync(new URL("../../datasets/models/llama2-70b.config.json", import.meta.url), "utf8")) as Record<string, unknown>;

describe("model.fromHFConfig(json)", () => {
  it("a dropped-in config.json gives the catalog's numbers", () => {
    const m = model.fromHFConfig(llama, "my-llama");
    expect(m.params.value).toBe(model("llama2-70b").params.value);
    expect(m.kv({ batch: 1, seq: 10 }).value).toBe(model("llama2-70b").kv({ batch: 1, seq: 10 }).value);
    expect(model.fromHFConfig(JSON.stringify(llama)).arch.attention).toBe("gqa");
  });
  it("classifies attention: MHA, GQA, MQA, MLA", () => {
    expect(model("llama2-13b").arch.attention).toBe("mha");
    expect(model("llama3-70b").arch.attention).toBe("gqa");
    expect(model("falcon-7b").arch.attention).toBe("mqa");
    expect(model("deepseek-v3").arch.attention).toBe("mla");
  });
  it("refuses a config missing a needed field, naming it", () => {
    const { num_hidden_layers: _, ...broken } = llama;
    const e = errorOf(() => model.fromHFConfig(broken, "broken"));
    expect(e.code).toBe("bad-config");
    expect(e.message).toContain('missing "num_hidden_layers"');
  });
  it("refuses inconsistent heads", () => {
    expect(errorOf(() => model.fromHFConfig({ ...llama, num_key_value_heads: 7 })).message).toContain("num_attention_heads (64) is not a multiple of num_key_value_heads (7)");
    expect(errorOf(() => model.fromHFConfig({ ...llama, num_attention_heads: 60, num_key_value_heads: 6 })).message).toContain("hidden_size (8192) is not divisible by num_attention_heads (60)");
  });
  it("refuses unknown model types and non-JSON", () => {
    expect(errorOf(() => model.fromHFConfig({ ...llama, model_type: "mamba" })).message).toContain('model_type "mamba" is not supported');
    expect(errorOf(() => model.fromHFConfig("{not json")).code).toBe("bad-config");
    expect(errorOf(() => model.fromHFConfig({ ...llama, hidden_size: -3 })).message).toContain('"hidden_size" must be a positive integer');
  });
  it("unknown catalog names get did-you-mean", () => {
    expect(errorOf(() => model("llama2-80b")).message).toMatch(/^unknown model: "llama2-80b" \(did you mean llama2-/);
  });
});
