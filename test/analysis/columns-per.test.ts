import { describe, expect, it } from "vitest";
import { chart, columnTitle, columnUnit, gpu, model, plan } from "../../src/index.js";
import { columnOrientation } from "../../src/uncertainty/sweep.js";

describe("columnTitle / columnUnit: rates per GPU or user, requests per second", () => {
  it("tokens_s_per_gpu is tokens/s per GPU, not tokens in s/gpu", () => {
    expect(columnTitle("tokens_s_per_gpu")).toBe("tokens/s per GPU");
    expect(columnTitle("tokens_s_per_user")).toBe("tokens/s per user");
    expect(columnTitle("tokens_per_s_per_gpu")).toBe("tokens/s per GPU");
    expect(columnTitle("offline_tokens_s_per_gpu")).toBe("offline (tokens/s per GPU)");
    expect(columnUnit("tokens_s_per_gpu").unit).toBeNull();
    expect(columnTitle("throughput_tok_s")).toBe("throughput (tok/s)");
  });
  it("rate_req_s is requests per second, a rate", () => {
    expect(columnUnit("rate_req_s")).toEqual({ stem: "rate", unit: "req/s" });
    expect(columnTitle("rate_req_s")).toBe("rate (req/s)");
    expect(columnOrientation("rate_req_s")).toBe("rate");
    expect(columnOrientation("ttft_p99_s")).toBe("time");
  });
  it("plan's frontier chart titles its axes with the right units", () => {
    const p = plan(model("llama3.1-8b"), gpu("H100"), { gpus: 2, workload: { prompt: 1024, output: 128 }, slo: { ttftP99: 2 } });
    const spec = JSON.stringify(chart.frontier(p.table, { x: "tpot_ms", y: "tokens_s_per_gpu", color: "mode" }));
    expect(spec).toContain("tokens/s per GPU");
    expect(spec).not.toContain("s/gpu");
  }, 60_000);
});
