#!/usr/bin/env node
// npm run validate:intervals: the honesty check of the kit's error bands. Every published
// measurement is predicted by the kit calibrated without its source (leave-one-source-out), then
// given the 80 % band its regime's other residuals make; the share of measurements inside the
// band is the empirical coverage (target 70–90 %), printed by regime with the median band width
// (high ÷ low − 1). "strict" also leaves the row's whole source out of the band.
// Not a timed test: it reads the built package (dist/), so run `npm run build` first
// (npm run validate:intervals does).
import { uncertainty, DEFAULT_LEVEL, MIN_ROWS, MIN_SOURCES } from "../dist/index.js";

const level = process.argv[2] === undefined ? DEFAULT_LEVEL : Number(process.argv[2]);
const t0 = performance.now();
const res = uncertainty.residuals();
const ms = performance.now() - t0;
const table = uncertainty.coverage(level).objects();
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const pct = (x) => `${(100 * x).toFixed(0)} %`;

console.log(`suanli validate:intervals: ${res.length} leave-one-source-out residuals (${(ms / 1000).toFixed(1)} s), ${pct(level)} bands`);
console.log(`target coverage for 80 % bands: 70–90 %\n`);
const w = Math.max(...table.map((r) => r.regime.length));
console.log([pad("regime", w), lpad("rows", 5), lpad("coverage", 9), lpad("strict", 7), lpad("median width", 13)].join("  "));
for (const r of table) {
  console.log([pad(r.regime, w), lpad(r.rows, 5), lpad(pct(r.covered), 9), lpad(pct(r.covered_strict), 7), lpad(`${(100 * r.median_width).toFixed(0)} %`, 13)].join("  "));
}
console.log(`\nwidth: high ÷ low − 1 of the band, median over the regime's rows.`);
console.log(`Regimes with fewer than ${MIN_ROWS} residuals, or from fewer than ${MIN_SOURCES} sources, borrow the band of a coarser regime (src/uncertainty/regimes.ts).`);
