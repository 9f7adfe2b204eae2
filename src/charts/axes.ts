/**
 * Axes people can read: a log axis ticked at the data's own values when they are few whole
 * numbers (batch 1 … 256, context 4096 … 131072: powers of two), else at 1-2-5 steps; a
 * log y axis with room above the highest line and below the lowest; a linear y axis whose top
 * stays above the highest value (≥ 8 % headroom, then rounded up to a nice number).
 */

/**
 * The top of a linear axis from 0 that holds `x`: the next multiple of the tick step that
 * d3/vega choose for about `count` ticks (1, 2 or 5 × 10^k), so a tick sits at the top.
 */
export function niceTop(x: number, count = 5): number {
  if (!(x > 0)) return 1;
  const raw = x / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const e = raw / p;
  const step = (e >= Math.sqrt(50) ? 10 : e >= Math.sqrt(10) ? 5 : e >= Math.SQRT2 ? 2 : 1) * p;
  return Number((Math.ceil(x / step - 1e-9) * step).toPrecision(12));
}

/** 1, 2 and 5 × 10^k within [lo, hi]; only powers of ten when the range spans more than three decades. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  const steps = Math.log10(hi / lo) > 3 ? [1] : [1, 2, 5];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of steps) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
  }
  return out;
}

const numbers = (values: readonly unknown[]) => values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));

/**
 * The scale and axis of a log x channel `width` pixels wide: ticks at the data's distinct values
 * when they are whole numbers — powers of two first, then the others, each kept only where its
 * label has room beside those already kept — else 1-2-5 ticks.
 */
export function logX(values: readonly unknown[], width = 400): Record<string, unknown> {
  const v = [...new Set(numbers(values))].sort((a, b) => a - b);
  const lo = v[0]!;
  const hi = v[v.length - 1]!;
  if (v.every(Number.isInteger) && v.length >= 2) {
    const at = (x: number) => (width * Math.log(x / lo)) / Math.log(hi / lo);
    const half = (x: number) => (String(x).length * 11 * 0.64) / 2 + 4;
    const kept: number[] = [];
    const pow2 = (x: number) => x > 0 && (x & (x - 1)) === 0;
    for (const x of [...v.filter(pow2), ...v.filter((x) => !pow2(x))]) {
      if (kept.every((k) => Math.abs(at(k) - at(x)) >= half(k) + half(x))) kept.push(x);
    }
    return { scale: { type: "log", domain: [lo, hi], nice: false }, axis: { values: kept.sort((a, b) => a - b), format: "d", grid: true, labelFlush: false } };
  }
  return { scale: { type: "log", domain: [lo, hi], nice: false }, axis: { values: logTicks(lo, hi), format: ",~g" } };
}

/** The 1-2-5 value nearest `x` on the side `up` (true: ≥ x, false: ≤ x). */
function step125(x: number, up: boolean): number {
  const e = Math.floor(Math.log10(x));
  const cands = [-1, 0, 1].flatMap((d) => [1, 2, 5].map((m) => Number((m * 10 ** (e + d)).toPrecision(12))));
  return up ? Math.min(...cands.filter((c) => c >= x)) : Math.max(...cands.filter((c) => c <= x));
}

/** The scale and axis of a log y channel: from the 1-2-5 tick below the lowest value to the one above the highest (≥ 10 % room each side), both ticked. */
export function logY(values: readonly unknown[]): Record<string, unknown> {
  const v = numbers(values);
  const lo = step125(Math.min(...v) / 1.1, false);
  const hi = step125(Math.max(...v) * 1.1, true);
  const ticks = [...new Set([lo, ...logTicks(lo, hi), hi])].sort((a, b) => a - b);
  return { scale: { type: "log", domain: [lo, hi], nice: false }, axis: { values: ticks, format: ",~g" } };
}

/** The scale of a linear y channel with headroom: its top at least `room` above the highest value, rounded up to a nice number. */
export function linearY(values: readonly unknown[], room = 0.08): Record<string, unknown> {
  const max = Math.max(0, ...numbers(values));
  return max > 0 ? { scale: { domainMax: niceTop(max * (1 + room)) } } : {};
}
