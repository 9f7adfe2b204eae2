#!/usr/bin/env node
// npm run residuals: recompute the leave-one-source-out predictions of every shipped measurement
// (one calibration per source: tens of seconds) and store them in datasets/residuals.json under
// the fingerprint of the current measurements and physics (src/uncertainty/stored.ts). Run it
// after changing the measurements, the engine's physics or the calibration; the freshness test
// (test/uncertainty/stored.test.ts) says when it is due.
import { inferenceHeldOut, trainingHeldOut, writeStored } from "../dist/uncertainty/index.js";

const t0 = performance.now();
const path = writeStored({ inference: inferenceHeldOut(), training: trainingHeldOut() });
console.log(`suanli residuals: wrote ${path} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
