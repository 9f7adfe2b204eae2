/**
 * The band line a notebook display adds under a result that has `.interval()` (decode, prefill,
 * request, training step and run): "80 % band: 7.2 ms (80 %: 6.5–8.4 ms)".
 *
 * Why the display and not `toString()`: toString is the point answer, pure arithmetic — what
 * the CLI prints, what sweeps and tests compare — and stays free of the residual table. The
 * first band of a process reads datasets/residuals.json and checks its fingerprint against the
 * physics (~0.3 s; tens of seconds if the table is stale and the residuals must be recomputed),
 * every later one costs microseconds; a notebook pays that once, a one-line `String(result)`
 * should not. Results whose band needs more work (capacity: two more searches) are left alone.
 */
import { SuanliError } from "../errors.js";

/** The band line of `x`, or undefined when it has no `.interval()` or cannot give one (a training without a cluster). */
export function bandLine(x: unknown): string | undefined {
  const f = (x as { interval?: unknown } | null)?.interval;
  if (typeof f !== "function" || f.length > 1) return undefined;
  try {
    const i = (f as (level?: number) => { level?: unknown; toString(): string }).call(x);
    return typeof i?.level === "number" && "low" in i && "band" in i ? `${+(i.level * 100).toFixed(1)} % band: ${String(i)}` : undefined;
  } catch (e) {
    if (e instanceof SuanliError) return undefined;
    throw e;
  }
}
