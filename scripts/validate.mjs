#!/usr/bin/env node
// npm run validate: the kit's prediction beside every published measurement in
// datasets/measurements.json, with the median and worst absolute percentage error, under
// the engine defaults and after calibrate() fits the efficiencies, the kernels' compute/memory
// overlap and the fixed per-step/per-layer overhead; then the errors grouped by GPU and
// precision, by metric and by engine version, before and after.
// Not a timed test: it reads the built package (dist/), so run `npm run build` first
// (npm run validate does).
import { measurements, predict, absError, median, calibrate, DEFAULT_EFFICIENCY, DEFAULT_OVERHEAD, DEFAULT_KERNELS } from "../dist/index.js";

const rows = measurements();
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const num = (x) => (x === null ? "—" : x >= 100 ? x.toFixed(0) : x.toPrecision(3));
const pct = (x) => `${(100 * x).toFixed(1)} %`;
const us = (s) => `${+(s * 1e6).toFixed(1)} µs`;

console.log(`suanli validate: ${rows.length} measurements`);
console.log(`defaults: efficiency ${JSON.stringify(DEFAULT_EFFICIENCY)}, overlap ${DEFAULT_KERNELS.overlap}, overhead ${us(DEFAULT_OVERHEAD.perStep)}/step + ${us(DEFAULT_OVERHEAD.perLayer)}/layer\n`);
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
      (r.kvReads === "per-query-head" ? "  [kv per query head]" : "") + (p.reason ? `  (${p.reason})` : ""),
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
groups("engine version", (r) => `TensorRT-LLM ${r.engineVersion ?? "?"}`);

console.log(`\ndefaults: median |error| ${pct(cal.before.median)}, worst ${pct(cal.before.worst)} over ${cal.before.rows} rows`);
console.log(
  `calibrated: efficiency ${JSON.stringify(cal.efficiency)}, overlap ${cal.overlap}, overhead ${us(cal.overhead.perStep)}/step + ${us(cal.overhead.perLayer)}/layer: ` +
    `median |error| ${pct(cal.after.median)}, worst ${pct(cal.after.worst)}`,
);
console.log(`sources: ${[...new Set(rows.map((r) => r.source))].join(", ")}`);
