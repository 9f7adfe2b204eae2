/**
 * `uncertainty` — error bands and sensitivity under one name:
 * - uncertainty.predict(row, level) — a measurement-shaped row's value with { low, high };
 * - uncertainty.band(setup, level) — the residual quantiles a setup's regime gives;
 * - uncertainty.residuals() — the leave-one-source-out residual table (stored, else computed once per process);
 * - uncertainty.coverage(level) — the honesty check by regime (npm run validate:intervals).
 * Results carry their own `.interval(level)` and `.sensitivity(ranges)`.
 */
import { predictRow } from "./predict.js";
import { bandFor } from "./interval.js";
import { residuals } from "./residuals.js";
import { coverage, coverageRows } from "./coverage.js";
import { regimeOf, regimeChain } from "./regimes.js";

export { inferenceHeldOut, trainingHeldOut, residualsOf } from "./residuals.js";
export { writeStored, fingerprint, storedFingerprint } from "./stored.js";

export const uncertainty = Object.freeze({ predict: predictRow, band: bandFor, residuals, coverage, coverageRows, regimeOf, regimeChain });
