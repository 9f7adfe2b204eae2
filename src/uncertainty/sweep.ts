/**
 * `withIntervals(row, setup)` — a sweep row with `<column>_low` and `<column>_high` beside each
 * time or rate column, from the band of the row's regime (interval.ts). Time columns end in a
 * time unit (`_ms`, `_s`, `_us`, `_h`), rates in `tok_s`; null values (a row that does not fit)
 * stay null. `chart.line` and `chart.frontier` draw the band when those columns exist.
 *
 * @example
 * sweep({ batch: [1, 8, 64], context: [4096] }, ({ batch, context }) => withIntervals(est.decodeRow(batch, context), e))
 */
import type { InferenceEngine } from "../inference/engine.js";
import { bandFor, bounds, DEFAULT_LEVEL, type Band, type Orientation } from "./interval.js";
import type { Setup } from "./regimes.js";
import { engineSetup } from "./setup.js";

export interface WithIntervalsOptions {
  /** Band level (default 0.8). */
  readonly level?: number;
  /** The columns to band and their orientation (default: detected from the names, header). */
  readonly columns?: Readonly<Record<string, Orientation>>;
}

/** The orientation a column's name implies, or undefined for a column that is neither. */
export function columnOrientation(name: string): Orientation | undefined {
  if (/(tok(ens)?|req)_s$/.test(name)) return "rate";
  if (/_(ms|s|us|µs|h)$/.test(name)) return "time";
  return undefined;
}

const bands = new Map<string, Band>();

function cachedBand(s: Setup, level: number): Band {
  const key = `${JSON.stringify(s)} ${level}`;
  let b = bands.get(key);
  if (!b) bands.set(key, (b = bandFor(s, level)));
  return b;
}

/**
 * The batch of a row for an engine's band: its `batch` column, else the batch a decode row
 * (`Estimators.decodeRow`, which carries no batch) implies — throughput_tok_s = dp × batch ÷
 * step, so batch = throughput_tok_s × decode_ms ÷ 1000 ÷ dp — else 1.
 */
function rowBatch(row: Record<string, unknown>, e: InferenceEngine): number {
  if (typeof row.batch === "number") return row.batch;
  const { throughput_tok_s: rate, decode_ms: ms } = row;
  if (typeof rate === "number" && typeof ms === "number" && rate > 0 && ms > 0) return Math.max(1, Math.round((rate * ms) / 1e3 / e.cluster.layout.dp));
  return 1;
}

/**
 * `row` with `_low`/`_high` columns (header). `setup` is the row's regime setup, a function of
 * the row giving it, or an engine (decode phase at the row's `batch`; a decode row without one
 * gives its batch through its throughput and step time; otherwise 1).
 */
export function withIntervals<R extends object>(row: R, setup: Setup | InferenceEngine | ((row: R) => Setup), opts: WithIntervalsOptions = {}): R & Record<string, number | null> {
  const level = opts.level ?? DEFAULT_LEVEL;
  const fields = row as unknown as Record<string, unknown>;
  const s: Setup =
    typeof setup === "function" ? setup(row) : "kind" in setup ? setup : engineSetup(setup, "decode", rowBatch(fields, setup));
  const band = cachedBand(s, level);
  const out: Record<string, unknown> = { ...fields };
  const cols = opts.columns ?? Object.fromEntries(Object.keys(fields).flatMap((k) => { const o = columnOrientation(k); return o ? [[k, o]] : []; }));
  for (const [k, o] of Object.entries(cols)) {
    const v = fields[k];
    if (typeof v !== "number" || !Number.isFinite(v)) { out[`${k}_low`] = null; out[`${k}_high`] = null; continue; }
    const { low, high } = bounds(v, band, o);
    out[`${k}_low`] = low;
    out[`${k}_high`] = high;
  }
  return out as R & Record<string, number | null>;
}
