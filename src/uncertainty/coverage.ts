/**
 * The honesty check of the bands. Each measured row has its leave-one-source-out prediction
 * (residuals.ts: the kit calibrated without the row's source); it gets the band its setup would
 * get from the residuals of every *other* row, and coverage is the share of rows whose measured
 * value falls inside (the jackknife check of a split-conformal band: Barber et al. 2021,
 * arXiv:1905.02928). For level 0.8 it should land between 70 % and 90 %; far below means the
 * bands are too narrow, far above too wide.
 *
 * `strict` also leaves the row's whole source out of the band's residuals: the coverage a
 * source unlike any measured one would see — a user's own stack. Rows of one source share its
 * offset (a software version, a measurement method), so strict coverage is the harder test. Both
 * include the source-level widening (interval.ts) recomputed from the same reduced pool, so the
 * widening never sees the row it is checked on (strict: nor its source).
 */
import type { ColumnTable } from "arquero";
import { arquero } from "../util/lazy.js";
import { median } from "../inference/measurements.js";
import { bandFor, bounds, DEFAULT_LEVEL } from "./interval.js";
import { regimeOf } from "./regimes.js";
import { residuals, type Residual } from "./residuals.js";

export interface CoverageRow {
  readonly id: string;
  readonly regime: string;
  /** The regime the band came from (after fall-backs). */
  readonly bandRegime: string;
  readonly measured: number;
  readonly predicted: number;
  readonly low: number;
  readonly high: number;
  readonly covered: boolean;
  /** Whether the band without any residual of the row's source covers it. */
  readonly coveredStrict: boolean;
  /** high ÷ low − 1: the band's width relative to its low end. */
  readonly width: number;
  /** The same of the strict band. */
  readonly widthStrict: number;
}

/** One row per residual: its held-out band at `level` and whether it covers the measurement. */
export function coverageRows(level: number = DEFAULT_LEVEL, pool: readonly Residual[] = residuals()): readonly CoverageRow[] {
  const bySource = new Map<string, readonly Residual[]>();
  return pool.map((r) => {
    let otherSources = bySource.get(r.source);
    if (!otherSources) bySource.set(r.source, (otherSources = pool.filter((x) => x.source !== r.source)));
    // Residuals are in time orientation: time metrics take the band as is, rates inverted.
    const orientation = r.residual === Math.log(r.predicted / r.measured) ? "time" : "rate";
    const band = bandFor(r.setup, level, pool.filter((x) => x !== r));
    const { low, high } = bounds(r.predicted, band, orientation);
    const strict = bounds(r.predicted, bandFor(r.setup, level, otherSources), orientation);
    return Object.freeze({
      id: r.id, regime: regimeOf(r.setup), bandRegime: band.regime, measured: r.measured, predicted: r.predicted, low, high,
      covered: r.measured >= low && r.measured <= high, coveredStrict: r.measured >= strict.low && r.measured <= strict.high, width: high / low - 1, widthStrict: strict.high / strict.low - 1,
    });
  });
}

/**
 * Coverage by regime: regime, rows, covered and covered_strict (shares in [0, 1]), median_width (high ÷ low − 1)
 * and median_width_strict (of the strict bands),
 * and a last row "all" over every row of the kind — one table for inference and training.
 */
export function coverage(level: number = DEFAULT_LEVEL, pool: readonly Residual[] = residuals()): ColumnTable {
  const rows = coverageRows(level, pool);
  const groups = new Map<string, CoverageRow[]>();
  for (const r of rows) {
    const kind = r.regime.split(" · ")[0]!;
    for (const k of [r.regime, `${kind} (all)`]) (groups.get(k) ?? groups.set(k, []).get(k)!).push(r);
  }
  const order = [...groups].sort(([a], [b]) => Number(a.endsWith("(all)")) - Number(b.endsWith("(all)")) || a.localeCompare(b));
  return arquero().from(
    order.map(([regime, rs]) => ({ regime, rows: rs.length, covered: rs.filter((r) => r.covered).length / rs.length, covered_strict: rs.filter((r) => r.coveredStrict).length / rs.length, median_width: median(rs.map((r) => r.width)), median_width_strict: median(rs.map((r) => r.widthStrict)) })),
  );
}
