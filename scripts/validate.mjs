#!/usr/bin/env node
// npm run validate: the kit's prediction beside every published measurement in
// datasets/measurements.json, with the median and worst absolute percentage error,
// under the default efficiencies and after calibrate() fits them.
// Not a timed test: it reads the built package (dist/), so run `npm run build` first
// (npm run validate does).
import { measurements, predict, absError, median, calibrate, DEFAULT_EFFICIENCY } from "../dist/index.js";

const rows = measurements();
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const num = (x) => (x === null ? "—" : x >= 100 ? x.toFixed(0) : x.toPrecision(3));

console.log(`suanli validate: ${rows.length} measurements, efficiency ${JSON.stringify(DEFAULT_EFFICIENCY)}\n`);
console.log(
  [pad("gpu", 14), pad("model", 11), lpad("tp", 2), pad(" prec", 6), lpad("batch", 5), lpad("in", 5), lpad("out", 5), pad(" metric", 20), lpad("measured", 9), lpad("predicted", 10), lpad("error", 8)].join(" "),
);
const errs = [];
for (const r of rows) {
  const p = predict(r);
  const e = p.value === null ? null : absError(p.value, r.value);
  if (e !== null) errs.push(e);
  console.log(
    [pad(r.gpu, 14), pad(r.model, 11), lpad(r.tp, 2), pad(" " + r.precision, 6), lpad(r.batch, 5), lpad(r.input, 5), lpad(r.output, 5), pad(" " + r.metric, 20), lpad(num(r.value), 9), lpad(num(p.value), 10),
      lpad(e === null ? "n/a" : `${(100 * e).toFixed(1)}%`, 8)].join(" ") + (p.reason ? `  (${p.reason})` : ""),
  );
}
const pct = (x) => `${(100 * x).toFixed(1)} %`;
console.log(`\ndefault efficiencies: median |error| ${pct(median(errs))}, worst ${pct(Math.max(...errs))} over ${errs.length} rows`);
const cal = calibrate(rows);
console.log(`calibrated ${JSON.stringify(cal.efficiency)}: median |error| ${pct(cal.after.median)}, worst ${pct(cal.after.worst)} (before: ${pct(cal.before.median)}, ${pct(cal.before.worst)})`);
console.log(`sources: ${[...new Set(rows.map((r) => r.source))].join(", ")}`);
