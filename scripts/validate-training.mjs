#!/usr/bin/env node
// npm run validate:training: the kit's training-time prediction beside every published training
// run in datasets/training-measurements.json (GPU-hours, MFU, TFLOP/s per GPU, tokens/s per GPU),
// with the median and worst absolute percentage error at the defaults (matmul efficiency by GPU
// architecture and precision, datasets/training-efficiency.json) and after calibrateTraining()
// fits one scale on it per regime (GPU architecture × 16-bit/fp8); then the errors by metric and source, and the leave-one-source-out error
// (fit on every other source, predict this one) by regime: GPU generation, precision, model
// size, scale.
// Inline GPT models (Megatron-LM Table 1) are built inside the kit from (layers, hidden, heads)
// as GPT-2-style configs: see trainingModel() in src/training/calibrate.ts.
// Not a timed test: it reads the built package (dist/), so run `npm run build` first
// (npm run validate:training does).
import { trainingMeasurements, calibrateTraining, leaveOneSourceOut, trainingModel, gpu } from "../dist/index.js";

const rows = trainingMeasurements();
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const num = (x) => (x >= 1e5 ? x.toExponential(3) : x >= 100 ? x.toFixed(0) : x.toPrecision(3));
const pct = (x) => `${(100 * x).toFixed(1)} %`;
const sgn = (pred, meas) => `${pred >= meas ? "+" : "−"}${(100 * Math.abs(pred - meas) / meas).toFixed(1)}%`;

console.log(`suanli validate:training: ${rows.length} published training runs`);
console.log("defaults: matmul efficiency by GPU architecture and precision (datasets/training-efficiency.json)\n");
const cal = calibrateTraining(rows);
const byId = new Map(cal.table.map((t) => [t.id, t]));

console.log(
  [pad("id", 28), pad("gpu", 13), lpad("GPUs", 5), pad(" tp/pp/dp", 13), pad(" prec", 5), pad(" metric", 21), lpad("measured", 10), lpad("predicted", 10), lpad("error", 8), lpad("calibrated", 10), lpad("error", 8)].join(" "),
);
for (const r of rows) {
  const t = byId.get(r.id);
  console.log(
    [pad(r.id, 28), pad(r.gpu, 13), lpad(r.count, 5), pad(` ${r.tp}/${r.pp}/${r.dp}${r.layout === "assumed" ? "*" : ""}`, 13), pad(" " + r.precision, 5), pad(" " + r.metric, 21),
      lpad(num(r.value), 10), lpad(num(t.before), 10), lpad(sgn(t.before, r.value), 8), lpad(num(t.after), 10), lpad(sgn(t.after, r.value), 8)].join(" ") +
      (t.fits ? "" : "  [OOM under the assumed layout; time shown as a what-if]"),
  );
}
console.log("* layout assumed (not published); see the row's note in the dataset");

const loso = new Map(leaveOneSourceOut(rows).map((x) => [x.id, x]));
const generation = (r) => gpu(r.gpu).spec.architecture;
const sizeBand = (r) => { const p = trainingModel(r).params.value; return p < 10e9 ? "< 10B" : p < 100e9 ? "10–100B" : p < 400e9 ? "100–400B" : "≥ 400B"; };
const scaleBand = (r) => (r.count <= 64 ? "≤ 64 GPUs" : r.count <= 1024 ? "65–1024 GPUs" : "> 1024 GPUs");

function groups(title, key) {
  const by = new Map();
  for (const r of rows) {
    const t = byId.get(r.id);
    const k = key(r);
    if (!by.has(k)) by.set(k, { before: [], after: [], signed: [], loso: [] });
    by.get(k).before.push(t.errorBefore);
    by.get(k).after.push(t.errorAfter);
    by.get(k).loso.push(loso.get(r.id).error);
    by.get(k).signed.push((t.before - r.value) / r.value);
  }
  const med = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  console.log(`\nby ${title}:`);
  console.log(`  ${pad("", 34)} ${lpad("rows", 4)}  ${lpad("median before", 13)} ${lpad("bias before", 11)} ${lpad("worst before", 12)}  ${lpad("median after", 12)} ${lpad("worst after", 11)}  ${lpad("LOSO median", 11)} ${lpad("LOSO worst", 10)}`);
  for (const [k, g] of [...by].sort()) {
    const b = med(g.signed);
    console.log(`  ${pad(k, 34)} ${lpad(g.before.length, 4)}  ${lpad(pct(med(g.before)), 13)} ${lpad((b >= 0 ? "+" : "−") + pct(Math.abs(b)), 11)} ${lpad(pct(Math.max(...g.before)), 12)}  ${lpad(pct(med(g.after)), 12)} ${lpad(pct(Math.max(...g.after)), 11)}  ${lpad(pct(med(g.loso)), 11)} ${lpad(pct(Math.max(...g.loso)), 10)}`);
  }
}
groups("metric", (r) => r.metric);
groups("source", (r) => r.source.replace(/^https?:\/\//, "").slice(0, 34));
console.log("\nleave-one-source-out (LOSO columns above and below): the regimes' efficiency scales are fitted on every other source and this source's rows are predicted with them");
groups("GPU generation", generation);
groups("precision", (r) => r.precision);
groups("model size", sizeBand);
groups("scale", scaleBand);
groups("all rows", () => "all");

const losoAll = [...loso.values()].map((x) => x.error).sort((a, b) => a - b);
console.log(`\ndefaults: median |error| ${pct(cal.before.median)}, worst ${pct(cal.before.worst)} over ${cal.before.rows} rows`);
console.log(`calibrated (scale on the default matmul efficiency per regime: ${Object.entries(cal.scales).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(", ")}): median |error| ${pct(cal.after.median)}, worst ${pct(cal.after.worst)}`);
console.log(`leave-one-source-out: median |error| ${pct(losoAll[losoAll.length >> 1])}, worst ${pct(losoAll[losoAll.length - 1])}`);
console.log(`sources: ${[...new Set(rows.map((r) => r.source))].join(", ")}`);
