#!/usr/bin/env node
// npm run validate: the kit's prediction beside every published measurement in
// datasets/measurements.json, with the median and worst absolute percentage error, under
// the engine defaults and after calibrate() (objective: mean |log error|) fits the efficiencies, the kernels' compute/memory
// overlap and constants and the per-step/per-layer/per-sequence overhead; then the errors
// grouped by GPU and precision, by metric and by engine version, before and after; and the
// leave-one-source-out error (calibrate on every other source, predict this one) by regime:
// GPU generation, precision, dense/MoE, batch band.
// Not a timed test: it reads the built package (dist/), so run `npm run build` first
// (npm run validate does).
import { measurements, predict, absError, median, calibrate, looCalibrate, gpu, model, DEFAULT_EFFICIENCY, DEFAULT_OVERHEAD, DEFAULT_KERNELS } from "../dist/index.js";

const rows = measurements();
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const num = (x) => (x === null ? "—" : x >= 100 ? x.toFixed(0) : x.toPrecision(3));
const pct = (x) => `${(100 * x).toFixed(1)} %`;
const us = (s) => `${+(s * 1e6).toFixed(1)} µs`;

console.log(`suanli validate: ${rows.length} measurements`);
const overheadText = (o) => `${us(o.perStep)}/step + ${us(o.perLayer)}/layer + ${us(o.perSequence)}/sequence`;
const kernelText = (k) => `halfM ${k.halfM}, grouped ${k.grouped}, imbalance ${k.imbalance}, all-reduce ${k.allReduce === null ? "ring" : us(k.allReduce)}, dequant ${k.dequant}/weight`;
console.log(`defaults: efficiency ${JSON.stringify(DEFAULT_EFFICIENCY)}, overlap ${DEFAULT_KERNELS.overlap}, ${kernelText(DEFAULT_KERNELS)}, overhead ${overheadText(DEFAULT_OVERHEAD)}\n`);
const cal = calibrate(rows);
const fitted = new Map(cal.table.map((t) => [t.id, t]));

console.log(
  [pad("engine", 6), pad("gpu", 14), pad("model", 11), lpad("tp", 2), pad(" prec", 6), lpad("batch", 5), lpad("in", 5), lpad("out", 5), pad(" metric", 20), lpad("measured", 9), lpad("predicted", 10), lpad("error", 8), lpad("calibrated", 11), lpad("error", 8)].join(" "),
);
for (const r of rows) {
  const p = predict(r);
  const e = p.value === null ? null : absError(p.value, r.value);
  const c = fitted.get(r.id);
  console.log(
    [pad(r.engineVersion ?? "", 6), pad(r.gpu, 14), pad(r.model, 11), lpad(r.tp, 2), pad(" " + r.precision, 6), lpad(r.batch, 5), lpad(r.input, 5), lpad(r.output, 5), pad(" " + r.metric, 20), lpad(num(r.value), 9), lpad(num(p.value), 10),
      lpad(e === null ? "n/a" : `${(100 * e).toFixed(1)}%`, 8), lpad(num(c?.after ?? null), 11), lpad(c?.errorAfter == null ? "n/a" : `${(100 * c.errorAfter).toFixed(1)}%`, 8)].join(" ") +
      (r.kvReads === "per-query-head" ? "  [kv per query head]" : "") + (r.moe === "gather" ? "  [MoE gather]" : "") + (r.lmHead === "replicated" ? "  [head replicated]" : "") + (r.weights !== r.precision && /int|fp4/.test(r.weights) ? `  [${r.weights} weights]` : "") + (p.reason ? `  (${p.reason})` : ""),
  );
}

function groups(title, key) {
  const by = new Map();
  for (const r of rows) {
    const t = fitted.get(r.id);
    if (!t || t.errorBefore === null || t.errorAfter === null) continue;
    const k = key(r);
    if (!by.has(k)) by.set(k, { before: [], after: [] });
    by.get(k).before.push(t.errorBefore);
    by.get(k).after.push(t.errorAfter);
  }
  console.log(`\nby ${title}:`);
  console.log(`  ${pad("", 26)} ${lpad("rows", 4)}  ${lpad("median before", 13)} ${lpad("worst before", 12)}  ${lpad("median after", 12)} ${lpad("worst after", 11)}`);
  for (const [k, g] of [...by].sort()) {
    console.log(`  ${pad(k, 26)} ${lpad(g.before.length, 4)}  ${lpad(pct(median(g.before)), 13)} ${lpad(pct(Math.max(...g.before)), 12)}  ${lpad(pct(median(g.after)), 12)} ${lpad(pct(Math.max(...g.after)), 11)}`);
  }
}
groups("GPU and precision", (r) => `${r.gpu} ${r.precision}`);
groups("metric", (r) => r.metric);
groups("engine version", (r) => `${r.engine}${r.engineVersion ? ` ${r.engineVersion}` : ""}`);

// Leave-one-source-out: each source predicted by a fit that never saw it.
const loso = new Map(looCalibrate(rows).map((h) => [h.id, h]));
const generation = (r) => { try { return gpu(r.gpu).spec.architecture; } catch { return "?"; } };
const moe = (r) => { try { return model(r.model).arch.moe ? "MoE" : "dense"; } catch { return "?"; } };
const band = (r) => (r.batch <= 2 ? "batch 1–2" : r.batch <= 32 ? "batch 3–32" : r.batch <= 256 ? "batch 33–256" : r.batch <= 1000 ? "batch 257–1000" : "batch > 1000");
function regimes(title, key) {
  const by = new Map();
  for (const r of rows) {
    const t = fitted.get(r.id);
    const h = loso.get(r.id);
    if (!t || t.errorBefore === null || t.errorAfter === null || !h || h.error === null) continue;
    const k = key(r);
    if (!by.has(k)) by.set(k, { before: [], after: [], loso: [] });
    by.get(k).before.push(t.errorBefore);
    by.get(k).after.push(t.errorAfter);
    by.get(k).loso.push(h.error);
  }
  console.log(`  ${pad(title, 26)} ${lpad("rows", 4)}  ${lpad("defaults", 9)} ${lpad("fit", 8)} ${lpad("LOSO", 8)} ${lpad("LOSO worst", 10)}`);
  for (const [k, g] of [...by].sort()) {
    console.log(`  ${pad(k, 26)} ${lpad(g.before.length, 4)}  ${lpad(pct(median(g.before)), 9)} ${lpad(pct(median(g.after)), 8)} ${lpad(pct(median(g.loso)), 8)} ${lpad(pct(Math.max(...g.loso)), 10)}`);
  }
}
console.log(`\nleave-one-source-out (calibrated on every other source; median |error| by regime):`);
regimes("source", (r) => r.source.replace(/^https:\/\/(github\.com\/)?/, "").slice(0, 60));
regimes("GPU generation", generation);
regimes("precision", (r) => r.precision);
regimes("dense / MoE", moe);
regimes("batch band", band);
regimes("metric", (r) => r.metric);
const losoErrors = [...loso.values()].filter((h) => h.error !== null).map((h) => h.error);

console.log(`\ndefaults: median |error| ${pct(cal.before.median)}, worst ${pct(cal.before.worst)} over ${cal.before.rows} rows`);
console.log(
  `calibrated: efficiency ${JSON.stringify(cal.efficiency)}, overlap ${cal.overlap}, ${kernelText(cal.kernels)}, overhead ${overheadText(cal.overhead)}: ` +
    `median |error| ${pct(cal.after.median)}, worst ${pct(cal.after.worst)}`,
);
console.log(`leave-one-source-out: median |error| ${pct(median(losoErrors))}, worst ${pct(Math.max(...losoErrors))} over ${losoErrors.length} rows`);
console.log(`sources: ${[...new Set(rows.map((r) => r.source))].join(", ")}`);
