#!/usr/bin/env node
// npm run validate:intervals: the honesty check of the kit's error bands. Every published
// measurement is predicted by the kit calibrated without its source (leave-one-source-out), then
// given the 80 % band its regime's other residuals make; the share of measurements inside the
// band is the empirical coverage (target 70–90 %), printed by regime with the median band width
// (high ÷ low − 1). "strict" also leaves the row's whole source out of the band (and out of the
// source-level widening, src/uncertainty/interval.ts). The residuals are recomputed from scratch
// and compared with the stored table (datasets/residuals.json; `npm run residuals` refreshes it).
// Not a timed test: it reads the built package (dist/), so run `npm run build` first
// (npm run validate:intervals does).
import { uncertainty, DEFAULT_LEVEL, MIN_ROWS, MIN_SOURCES } from "../dist/index.js";
import { residualsOf } from "../dist/uncertainty/index.js";

const level = process.argv[2] === undefined ? DEFAULT_LEVEL : Number(process.argv[2]);
const t0 = performance.now();
const fresh = [...residualsOf("inference", { fresh: true }), ...residualsOf("training", { fresh: true })];
const ms = performance.now() - t0;
const res = uncertainty.residuals();
const stale = fresh.length !== res.length || fresh.some((r, i) => Math.abs(Math.log(r.predicted / res[i].predicted)) > 1e-9);
const table = uncertainty.coverage(level, fresh).objects();
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const pct = (x) => `${(100 * x).toFixed(0)} %`;

console.log(`suanli validate:intervals: ${res.length} leave-one-source-out residuals (${(ms / 1000).toFixed(1)} s), ${pct(level)} bands`);
console.log(stale ? "the stored table (datasets/residuals.json) differs from this computation: run `npm run residuals`" : "the stored table (datasets/residuals.json) matches this computation");
console.log(`target coverage for 80 % bands: 70–90 %\n`);
const w = Math.max(...table.map((r) => r.regime.length));
console.log([pad("regime", w), lpad("rows", 5), lpad("coverage", 9), lpad("strict", 7), lpad("median width", 13), lpad("strict width", 13)].join("  "));
for (const r of table) {
  console.log([pad(r.regime, w), lpad(r.rows, 5), lpad(pct(r.covered), 9), lpad(pct(r.covered_strict), 7), lpad(`${(100 * r.median_width).toFixed(0)} %`, 13), lpad(`${(100 * r.median_width_strict).toFixed(0)} %`, 13)].join("  "));
}
console.log(`\nwidth: high ÷ low − 1 of the band, median over the regime's rows.`);
for (const kind of ["inference", "training"]) {
  const b = uncertainty.band(fresh.find((r) => r.setup.kind === kind).setup, level, fresh);
  console.log(`source-level widening of ${kind} bands: ${b.widening >= 0 ? "+" : ""}${b.widening.toFixed(3)} in ln(predicted ÷ true) on each side.`);
}
console.log(`Regimes with fewer than ${MIN_ROWS} residuals, or from fewer than ${MIN_SOURCES} sources, borrow the band of a coarser regime (src/uncertainty/regimes.ts).`);
