import { describe, it, expect } from "vitest";
import { model, gpu, cluster, uncertainty, withIntervals, chart, measurements, trainingMeasurements, sweep, estimators, report } from "../../src/index.js";
import { coverageRows } from "../../src/uncertainty/coverage.js";
import { errorOf } from "../helpers.js";

const llama = model("llama2-70b");
const h20 = llama.on(cluster(gpu("H20").fp8(), 8).tp(8));

describe("uncertainty.residuals()", () => {
  it("one held-out residual per predictable measurement, in time orientation", () => {
    const rs = uncertainty.residuals();
    expect(rs.length).toBe(measurements().length + trainingMeasurements().length);
    for (const r of rs) {
      expect(Number.isFinite(r.residual)).toBe(true);
      const ratio = Math.log(r.predicted / r.measured);
      expect(Math.abs(r.residual)).toBeCloseTo(Math.abs(ratio), 12);
    }
  }, 60_000);
});

describe("coverage of the 80 % bands (validate:intervals)", () => {
  it("lands in 70–90 % for inference and for training on the shipped measurements", () => {
    const t = uncertainty.coverage(0.8).objects() as { regime: string; rows: number; covered: number; covered_strict: number; median_width: number }[];
    for (const kind of ["inference (all)", "training (all)"]) {
      const row = t.find((r) => r.regime === kind)!;
      expect(row.covered).toBeGreaterThanOrEqual(0.7);
      expect(row.covered).toBeLessThanOrEqual(0.9);
      // with the source-level widening, a source left out of its own band is covered as often
      expect(row.covered_strict).toBeGreaterThanOrEqual(0.7);
      expect(row.covered_strict).toBeLessThanOrEqual(0.9);
      expect(row.median_width).toBeGreaterThan(0);
    }
  }, 60_000);
  it("wider bands cover more", () => {
    const share = (l: number) => coverageRows(l).filter((r) => r.covered).length;
    expect(share(0.5)).toBeLessThan(share(0.8));
    expect(share(0.8)).toBeLessThanOrEqual(share(0.9));
  }, 60_000);
});

describe("result.interval(level)", () => {
  it("decode, prefill and request: low ≤ value ≤ high, wider at a higher level", () => {
    const d = h20.decode({ batch: 64, context: 4096 });
    const rs = [d, h20.prefill({ batch: 1, prompt: 2048 })];
    for (const r of rs) {
      const i = r.interval();
      expect(i.value.value).toBe(r.time.value);
      expect(i.low.value).toBeLessThanOrEqual(i.value.value);
      expect(i.high.value).toBeGreaterThanOrEqual(i.value.value);
      const w = r.interval(0.9);
      expect(w.high.value / w.low.value).toBeGreaterThanOrEqual(i.high.value / i.low.value);
    }
    const q = h20.request({ prompt: 2048, output: 256, batch: 8 }).interval();
    expect(q.low.value).toBeLessThanOrEqual(q.value.value);
    expect(String(d.interval())).toMatch(/^[\d.]+ ms \(80 %: [\d.]+–[\d.]+ ms\)$/);
    const tps = d.interval().rate(d.tokensPerSecond);
    expect(tps.low).toBeLessThanOrEqual(d.tokensPerSecond);
    expect(tps.high).toBeGreaterThanOrEqual(d.tokensPerSecond);
  }, 60_000);
  it("an unmeasured GPU of a measured generation says so; an unmeasured generation gets the widest band", () => {
    expect(h20.decode({ batch: 64, context: 4096 }).interval().band.note).toContain("H20 has no measurement of its own");
    const b200 = llama.on(cluster(gpu("B200").fp8(), 8).tp(8)).decode({ batch: 64, context: 4096 }).interval();
    const hopper = h20.decode({ batch: 64, context: 4096 }).interval();
    expect(b200.band.widest).toBe(true);
    expect(b200.band.note).toContain("Blackwell");
    expect(b200.band.hi - b200.band.lo).toBeGreaterThanOrEqual(hopper.band.hi - hopper.band.lo);
  }, 60_000);
  it("refuses a level outside (0, 1), naming it", () => {
    expect(errorOf(() => h20.decode({ batch: 8, context: 4096 }).interval(1.5)).message).toContain("1.5");
    expect(errorOf(() => h20.decode({ batch: 8, context: 4096 }).interval(0)).message).toContain("got 0");
  });
  it("training step and run carry a band; GPU-hours scale with the run's", () => {
    const run = llama.train({ seq: 4096, microBatch: 1, globalBatch: 1024, precision: "bf16", zero: 1, recompute: "selective" })
      .on(cluster(gpu("A800"), 1024).tp(8).pp(4).network("400 Gb/s")).time({ tokens: 2e12 });
    const i = run.interval();
    expect(i.low.value).toBeLessThanOrEqual(run.wall.value);
    expect(i.high.value).toBeGreaterThanOrEqual(run.wall.value);
    const g = i.scale(run.gpuHours.value);
    expect(g.low / run.gpuHours.value).toBeCloseTo(i.low.value / run.wall.value, 12);
    const s = run.step.interval();
    expect(s.low.value).toBeLessThanOrEqual(run.step.time.value);
  }, 60_000);
});

describe("report.number(label, q, { interval })", () => {
  it("prints the number with its band", () => {
    const d = h20.decode({ batch: 64, context: 4096 });
    const md = report("bands").number("decode step", d.time, { interval: d.interval() }).toMarkdown();
    expect(md).toContain(String(d.interval()));
  });
});

describe("uncertainty.predict(row)", () => {
  it("returns { value, low, high, level } around the kit's prediction of a measurement row", () => {
    const row = measurements()[0]!;
    const p = uncertainty.predict(row);
    expect(p.level).toBe(0.8);
    expect(p.low).toBeLessThanOrEqual(p.value);
    expect(p.high).toBeGreaterThanOrEqual(p.value);
    const t = uncertainty.predict(trainingMeasurements()[0]!, 0.9);
    expect(t.low).toBeLessThanOrEqual(t.value);
  }, 60_000);
});

describe("sensitivity(ranges)", () => {
  it("one row per assumption, largest swing first, the base at every row", () => {
    const d = h20.decode({ batch: 64, context: 4096 });
    const rows = d.sensitivity().objects() as { assumption: string; swing: number; result_base: number; result_low: number; result_high: number }[];
    expect(rows.map((r) => r.assumption)).toEqual(expect.arrayContaining(["compute", "link", "memory", "overlap", "perLayer", "perStep"]));
    expect(rows.map((r) => r.assumption)).not.toContain("imbalance"); // MoE-only knob on a dense model
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.swing).toBeGreaterThanOrEqual(rows[i]!.swing);
    for (const r of rows) expect(r.result_base).toBeCloseTo(d.time.value * 1e3, 9);
    // a lower memory efficiency makes a memory-bound decode step slower
    const mem = rows.find((r) => r.assumption === "memory")!;
    expect(mem.result_low).toBeGreaterThan(mem.result_high);
  });
  it("takes a range override and refuses an inverted or unknown one, naming it", () => {
    const d = h20.decode({ batch: 64, context: 4096 });
    type Row = { assumption: string; swing: number };
    const narrow = (d.sensitivity({ memory: [0.79, 0.81] }).objects() as Row[]).find((r) => r.assumption === "memory")!;
    const wide = (d.sensitivity().objects() as Row[]).find((r) => r.assumption === "memory")!;
    expect(narrow.swing).toBeLessThan(wide.swing);
    expect(errorOf(() => d.sensitivity({ memory: [0.9, 0.6] })).message).toContain("[0.9,0.6]");
    expect(errorOf(() => d.sensitivity({ memroy: [0.6, 0.9] })).message).toContain("memroy");
  });
  it("training: goodput moves the run time, not the step time", () => {
    const t = llama.train({ seq: 4096, microBatch: 1, globalBatch: 1024, precision: "bf16", zero: 1, recompute: "selective" }).on(cluster(gpu("A800"), 1024).tp(8).pp(4).network("400 Gb/s"));
    const run = t.time({ tokens: 2e12 }).sensitivity().objects() as { assumption: string; swing: number }[];
    const step = t.step().sensitivity().objects() as { assumption: string; swing: number }[];
    expect(run.find((r) => r.assumption === "goodput")!.swing).toBeGreaterThan(0);
    expect(step.find((r) => r.assumption === "goodput")!.swing).toBe(0);
  });
  it("chart.tornado draws it, largest swing on top", () => {
    const table = h20.decode({ batch: 64, context: 4096 }).sensitivity();
    const spec = chart.tornado(table) as unknown as { layer: { encoding?: { y?: { sort: string[] } } }[] };
    const order = spec.layer[0]!.encoding!.y!.sort;
    expect(order[0]).toBe((table.objects()[0] as { label: string }).label);
    expect(errorOf(() => chart.tornado([{ a: 1 }])).message).toContain("sensitivity table");
  });
});

describe("withIntervals(row, setup)", () => {
  it("adds _low/_high beside time and rate columns, null where the row does not fit; line charts draw the band", () => {
    const est = estimators(llama, gpu("H20").fp8(), { tp: 8 });
    const t = sweep({ batch: [1, 64, 100000], context: [4096] }, ({ batch, context }) => withIntervals(est.decodeRow(batch, context), h20));
    const rows = t.objects() as Record<string, number | null>[];
    for (const r of rows) {
      if (r.decode_ms === null) { expect(r.decode_ms_low).toBeNull(); continue; }
      expect(r.decode_ms_low!).toBeLessThanOrEqual(r.decode_ms!);
      expect(r.throughput_tok_s_high!).toBeGreaterThanOrEqual(r.throughput_tok_s!);
    }
    const spec = chart.line(t.filter((d: { fits: boolean }) => d.fits), { x: "batch", y: "decode_ms" }) as { layer?: { mark: { type: string } }[] };
    expect(spec.layer?.[0]!.mark.type).toBe("area");
    const plain = chart.line(t.filter((d: { fits: boolean }) => d.fits).select("batch", "decode_ms"), { x: "batch", y: "decode_ms" }) as { layer?: unknown };
    expect(plain.layer).toBeUndefined();
  }, 60_000);
});
