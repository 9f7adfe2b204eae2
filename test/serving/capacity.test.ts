import { describe, expect, it } from "vitest";
import { cluster, gpu, model } from "../../src/index.js";
import { capacity, offline } from "../../src/serving/capacity.js";
import { mlperfLlama2Server } from "../../src/serving/mlperf.js";
import { parseTrace } from "../../src/serving/trace.js";
import { errorOf } from "../helpers.js";

const e = model("llama3.1-8b").on(gpu("H100"));
const w = { requests: 150, prompt: { uniform: [200, 1200] as const }, output: { uniform: [32, 128] as const }, seed: 3 };

describe("capacity(engine, { workload, slo })", () => {
  const tight = capacity(e, { workload: w, slo: { ttftP99: 0.3, tpotP99: 0.03 } });
  const loose = capacity(e, { workload: w, slo: { ttftP99: 1, tpotP99: 0.05 } });

  it("finds a rate whose simulated p99s meet the SLO, with tokens/s per GPU and per user", () => {
    expect(tight.rate).toBeGreaterThan(0);
    expect(tight.ttftP99).toBeLessThanOrEqual(0.3);
    expect(tight.tpotP99).toBeLessThanOrEqual(0.03);
    expect(tight.reason).toBeNull();
    expect(["ttft", "tpot", "rejected", "unfinished", "throughput"]).toContain(tight.binding);
    expect(tight.tokensPerSecondPerGpu).toBe(tight.tokensPerSecond);
    expect(tight.tokensPerSecondPerUser).toBeGreaterThan(1 / 0.03);
  });

  it("a looser SLO never lowers capacity", () => {
    expect(loose.rate).toBeGreaterThanOrEqual(tight.rate);
    const looser = capacity(e, { workload: w, slo: { ttftP99: 5 } });
    expect(looser.rate).toBeGreaterThanOrEqual(loose.rate);
  });

  it("a looser SLO never lowers capacity: every pair of a grid of targets", () => {
    const targets = [[0.2, 0.02], [0.2, 0.04], [0.5, 0.03], [1, 0.03], [1, 0.06], [3, 0.1]] as const;
    const rate = targets.map(([ttftP99, tpotP99]) => capacity(e, { workload: w, slo: { ttftP99, tpotP99 } }).rate);
    for (let i = 0; i < targets.length; i++) {
      for (let j = 0; j < targets.length; j++) {
        const looser = targets[j]![0] >= targets[i]![0] && targets[j]![1] >= targets[i]![1];
        if (looser) expect(rate[j]!, `${targets[j]} vs ${targets[i]}`).toBeGreaterThanOrEqual(rate[i]!);
      }
    }
  });

  it("multiplies by the data-parallel replicas", () => {
    const two = capacity(model("llama3.1-8b").on(cluster(gpu("H100"), 2)), { workload: w, slo: { ttftP99: 0.3, tpotP99: 0.03 } });
    expect(two.rate).toBeCloseTo(2 * tight.rate, 9);
    expect(two.tokensPerSecondPerGpu).toBeCloseTo(tight.tokensPerSecondPerGpu, 6);
  });

  it("an SLO no rate can meet returns rate 0 with the reason", () => {
    const r = capacity(e, { workload: w, slo: { ttftP99: "1 ms" } });
    expect(r.rate).toBe(0);
    expect(r.reason).toMatch(/even a lone request waits .* s for its first token \(p99\) > the 0.001 s target/);
    expect(capacity(e, { workload: w, slo: { tpotP99: "1 ms" } }).reason).toMatch(/ms per output token/);
  });

  it("never exceeds the offline rate: a workload that meets the SLO all at once is throughput-bound", () => {
    const off = offline(e, { workload: w });
    const r = capacity(e, { workload: w, slo: { ttftP99: 1e4 } });
    expect(r.binding).toBe("throughput");
    expect(r.rate).toBeCloseTo(off.requestsPerSecond, 9);
  });

  it("offline() queues everything at once and beats the SLO-bound rate", () => {
    const off = offline(e, { workload: w });
    expect(off.simulation.finished).toBe(150);
    expect(off.tokensPerSecond).toBeGreaterThan(tight.tokensPerSecond);
  });

  it("takes a trace (its arrivals rescaled), refusing one without a spread of arrivals", () => {
    const t = parseTrace("arrival,prompt,output\n0,500,64\n0.5,800,64\n1.0,300,32\n1.2,900,100\n2,400,50");
    const r = capacity(e, { workload: { trace: t }, slo: { ttftP99: 1, tpotP99: 0.05 } });
    expect(r.rate).toBeGreaterThan(0);
    expect(errorOf(() => capacity(e, { workload: { trace: [{ time: 0, prompt: 5, output: 5 }] }, slo: { ttftP99: 1 } })).message).toMatch(/at least two distinct arrival times/);
  });

  it("refuses an SLO without targets", () => {
    expect(errorOf(() => capacity(e, { workload: w, slo: {} })).message).toMatch(/slo must give ttftP99 and\/or tpotP99/);
  });

  it("expresses the MLPerf Llama-2-70B Server scenario (TTFT p99 2 s, TPOT p99 200 ms)", () => {
    const s = mlperfLlama2Server({ requests: 100 });
    expect(s.slo).toEqual({ ttftP99: 2, tpotP99: 0.2 });
    const r = capacity(model("llama2-70b").on(cluster(gpu("H100").fp8(), 8).tp(8)), { ...s, tolerance: 0.1 });
    expect(r.rate).toBeGreaterThan(0);
    expect(r.tpotP99).toBeLessThanOrEqual(0.2);
  });
});

describe("parseTrace(text)", () => {
  it("reads CSV and JSON lines, sorted by arrival", () => {
    expect(parseTrace("time,prompt,output\n1,10,5\n0,20,6")).toEqual([{ time: 0, prompt: 20, output: 6 }, { time: 1, prompt: 10, output: 5 }]);
    expect(parseTrace('{"arrival":0,"prompt":3,"output":4}\n\n{"arrival":2,"prompt":5,"output":6}\n')).toHaveLength(2);
  });
  it("refuses negative or missing lengths and arrivals, naming the line and value", () => {
    expect(errorOf(() => parseTrace("arrival,prompt,output\n0,-5,10")).message).toBe('trace line 2: prompt is "-5"; expected an integer number of tokens ≥ 1');
    expect(errorOf(() => parseTrace("arrival,prompt,output\n0,5")).message).toBe("trace line 2: output is missing; expected an integer number of tokens ≥ 1");
    expect(errorOf(() => parseTrace('{"arrival":-1,"prompt":3,"output":4}')).message).toBe("trace line 1: arrival is -1; expected seconds ≥ 0");
    expect(errorOf(() => parseTrace('{"arrival":0,"prompt":3}')).message).toMatch(/output is missing/);
    expect(errorOf(() => parseTrace("a,b,c\n1,2,3")).message).toMatch(/must name arrival \(or time\), prompt and output/);
  });
});

describe("capacity() refusals", () => {
  it("refuses an empty workload", () => {
    const e = model("llama3.1-8b").on(gpu("H100"));
    expect(errorOf(() => capacity(e, { workload: { requests: 0 }, slo: { ttftP99: 1 } })).message).toBe("the workload has no requests; give requests ≥ 1 or a trace");
  });
});

describe("capacity prints itself", () => {
  it("a short summary with units, and the reason when no rate meets the SLO", () => {
    const c = capacity(e, { workload: { requests: 100, prompt: 512, output: 64 }, slo: { ttftP99: 2, tpotP99: 0.1 } });
    expect(String(c)).toMatch(/^capacity [\d.]+ req\/s \([\d,.]+ tok\/s, .* per GPU, .* per user\), TTFT p99 .*s, TPOT p99 .*s; bound by \w+$/);
    const none = capacity(e, { workload: { requests: 20, prompt: 512, output: 64 }, slo: { ttftP99: 0.0001 } });
    expect(String(none)).toMatch(/^capacity 0 req\/s: even a lone request waits/);
    expect(JSON.stringify(c)).not.toMatch(/toString/);
  });
});
