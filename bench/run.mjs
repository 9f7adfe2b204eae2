#!/usr/bin/env node
/**
 * npm run bench — how fast the kit sweeps, against a hand-written plain-number loop.
 *
 * 1. A 1,000,000-row sweep (batch 1..1000 × context 1000 values) of KV bytes, decode-step time
 *    and fits-in-memory for one model on one GPU, through `sweep()` + `estimators()` (result:
 *    an arquero table), vs the same three columns computed by an inline loop over
 *    Float64Arrays that re-derives the formulas by hand. Prints rows/s and the ratio.
 * 2. The cost of one estimate: `estimators(...).kvBytes` (plain number) and
 *    `model.kv({...})` + `.format()` (the Quantity API), per call.
 * 3. Import time of the built package (a fresh node process, minus a bare node start).
 *
 * Options: --rows N (default 1e6; rounded to a square grid), --runs R (default 5, best of R).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROWS = arg("rows", 1e6);
const RUNS = arg("runs", 5);

const t0 = performance.now();
const kit = await import(join(root, "dist/index.js"));
const importInProcess = performance.now() - t0;
const { sweep, estimators, model, gpu } = kit;

const MODEL = "llama2-70b";
const GPU = "H20";
const TP = 8;
const m = model(MODEL);
const g = gpu(GPU);
const e = estimators(m, g, { tp: TP });

const side = Math.round(Math.sqrt(ROWS));
const batch = Array.from({ length: side }, (_, i) => i + 1);
const context = Array.from({ length: side }, (_, i) => 128 * (i + 1));
const n = side * side;

function best(f) {
  let t = Infinity;
  let out;
  for (let r = 0; r < RUNS; r++) {
    const s = performance.now();
    out = f();
    t = Math.min(t, performance.now() - s);
  }
  return { ms: t, out };
}

// --- the kit: sweep() over the fast estimators ---------------------------------------------
const kitRun = best(() =>
  sweep({ batch, context }, ({ batch, context }) => ({
    kv_GiB: e.kvBytes(batch, context) / 2 ** 30,
    decode_ms: e.decodeTime(batch, context) * 1e3,
    fits: e.fits(batch, context),
  })),
);

// --- by hand: the same columns, formulas inlined, no kit calls ------------------------------
const a = m.arch;
const counts = m.paramBreakdown();
const W = counts.total * 2;
const kvPerTokenPerSeq = a.layers * 2 * a.kvHeads * a.headDim * 2; // dense GQA: 2 (K,V) × n_kv × d_head × 2 B, all layers
const matmulP = (m.decodeFlops({ context: 1 }).value - 2 * a.heads * (a.headDim + a.vHeadDim) * a.layers) / 2;
const attnPerKey = 2 * a.heads * (a.headDim + a.vHeadDim) * a.layers;
const memBw = TP * g.spec.bandwidth * 0.8;
const flops = TP * g.spec.peak[g.precisionName] * 0.7;
const cap = TP * g.spec.memory;
const handRun = best(() => {
  const B = new Float64Array(n), C = new Float64Array(n), KV = new Float64Array(n), T = new Float64Array(n), F = new Uint8Array(n);
  let i = 0;
  for (let x = 0; x < side; x++) {
    for (let y = 0; y < side; y++, i++) {
      const b = batch[x], c = context[y];
      const kv = b * c * kvPerTokenPerSeq;
      const tm = (W + kv) / memBw;
      const tc = (b * (2 * matmulP + attnPerKey * c)) / flops;
      B[i] = b; C[i] = c; KV[i] = kv / 2 ** 30; T[i] = (tm > tc ? tm : tc) * 1e3; F[i] = W + kv <= cap ? 1 : 0;
    }
  }
  return { KV, T, F };
});

// the two agree
const t = kitRun.out;
const kvCol = t.array("kv_GiB"), tCol = t.array("decode_ms"), fCol = t.array("fits");
for (const j of [0, 1, side, n >> 1, n - 1]) {
  const rel = (p, q) => Math.abs(p - q) / Math.max(1e-30, Math.abs(q));
  if (rel(kvCol[j], handRun.out.KV[j]) > 1e-12 || rel(tCol[j], handRun.out.T[j]) > 1e-9 || Number(fCol[j]) !== handRun.out.F[j]) {
    console.error(`bench: kit and hand loop disagree at row ${j}: ${kvCol[j]} vs ${handRun.out.KV[j]}, ${tCol[j]} vs ${handRun.out.T[j]}`);
    process.exit(1);
  }
}

// --- for comparison: the full inference engine (per-operator roofline + TP all-reduce) -------
let engineLine = "";
if (kit.inference && kit.cluster) {
  const eng = kit.inference(m, kit.cluster(g, TP).tp(TP));
  const r = eng.rates();
  const side2 = Math.min(side, 300);
  const engRun = best(() =>
    sweep({ batch: batch.slice(0, side2), context: context.slice(0, side2) }, ({ batch, context }) => ({
      decode_ms: eng.stepTime({ batch, tokens: 1, past: context - 1 }, r).total * 1e3,
    })),
  );
  engineLine = `sweep() + inference engine stepTime    ${engRun.ms.toFixed(0).padStart(6)} ms   ${((side2 * side2) / engRun.ms / 1e3).toFixed(2)} M rows/s  (${(side2 * side2).toLocaleString("en-US")} rows; per-operator roofline with TP all-reduce)`;
}

// --- single calls -----------------------------------------------------------------------------
function perCall(f, calls = 200_000) {
  let sink = 0;
  for (let i = 0; i < 1000; i++) sink += f(i);
  const s = performance.now();
  for (let i = 0; i < calls; i++) sink += f(i);
  const ns = ((performance.now() - s) * 1e6) / calls;
  if (sink === 42) console.log("");
  return ns;
}
const fastNs = perCall((i) => e.kvBytes(8, 4096 + (i & 7)));
const decodeNs = perCall((i) => e.decodeTime(8, 4096 + (i & 7)));
const quantityNs = perCall((i) => m.kv({ batch: 8, seq: 4096 + (i & 7) }).value, 100_000);
const formatNs = perCall((i) => m.kv({ batch: 8, seq: 4096 + (i & 7) }).format().length, 20_000);
const explainNs = perCall((i) => m.kv({ batch: 8, seq: 4096 + (i & 7) }).explain().text.length, 5_000);

// --- import time (fresh processes) -------------------------------------------------------------
function spawnMs(code) {
  let bestMs = Infinity;
  for (let r = 0; r < 3; r++) {
    const s = performance.now();
    execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: root });
    bestMs = Math.min(bestMs, performance.now() - s);
  }
  return bestMs;
}
const bare = spawnMs("");
const withImport = spawnMs(`await import(${JSON.stringify(join(root, "dist/index.js"))});`);

const rate = (ms) => `${((n / ms) * 1e3 / 1e6).toFixed(2)} M rows/s`;
const fmtNs = (ns) => (ns < 1000 ? `${ns.toFixed(0)} ns` : `${(ns / 1000).toFixed(1)} µs`);
console.log(`suanli bench — ${MODEL} on ${TP}× ${GPU}, ${n.toLocaleString("en-US")} rows (batch ${side} × context ${side}), best of ${RUNS}, node ${process.version}`);
console.log("");
console.log(`sweep() + estimators → arquero table   ${kitRun.ms.toFixed(0).padStart(6)} ms   ${rate(kitRun.ms)}`);
console.log(`hand-written plain-number loop        ${handRun.ms.toFixed(0).padStart(6)} ms   ${rate(handRun.ms)}`);
console.log(`ratio (kit / hand)                    ${(kitRun.ms / handRun.ms).toFixed(2)}×`);
if (engineLine) console.log(engineLine);
console.log("");
console.log(`one estimate, fast path  estimators().kvBytes(8, 4096)     ${fmtNs(fastNs)}`);
console.log(`one estimate, fast path  estimators().decodeTime(8, 4096)  ${fmtNs(decodeNs)}`);
console.log(`one estimate, Quantity   model.kv({batch, seq}).value      ${fmtNs(quantityNs)}`);
console.log(`  … with .format()                                         ${fmtNs(formatNs)}`);
console.log(`  … with .explain().text                                   ${fmtNs(explainNs)}`);
console.log("");
console.log(`import "suanli" (dist/index.js)  ${(withImport - bare).toFixed(0)} ms over a bare node start (${bare.toFixed(0)} ms); in-process first import ${importInProcess.toFixed(0)} ms`);
// --- error bands: the leave-one-source-out residual table (built once per process), then a band --
if (kit.uncertainty) {
  const s0 = performance.now();
  const nRes = kit.uncertainty.residuals().length;
  const resMs = performance.now() - s0;
  const dec = kit.inference(m, kit.cluster(g, TP).tp(TP)).decode({ batch: 8, context: 4096 });
  const bandNs = perCall((i) => dec.interval(0.8 - (i & 1) * 0.1).low.value, 2_000);
  console.log(`error bands: ${nRes} held-out residuals in ${(resMs / 1000).toFixed(1)} s (once per process); then decode().interval() ${fmtNs(bandNs)}`);
}
const target = (n / kitRun.ms) * 1e3 >= 1e6;
console.log(target ? "target met: ≥ 1 M rows/s" : "TARGET MISSED: < 1 M rows/s");
process.exitCode = target ? 0 : 1;
