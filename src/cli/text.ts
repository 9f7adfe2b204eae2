/** Plain-text helpers for the CLI: aligned tables and wrapped lines. */

/** Display width: CJK characters take two columns. */
export function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

const pad = (s: string, n: number, right = false) => (right ? " ".repeat(Math.max(0, n - width(s))) + s : s + " ".repeat(Math.max(0, n - width(s))));

/** An aligned table; numeric-looking columns are right-aligned. */
export function textTable(rows: readonly Record<string, unknown>[], columns?: string[]): string {
  if (rows.length === 0) return "(no rows)";
  const cols = columns ?? Object.keys(rows[0]!);
  const cells = rows.map((r) => cols.map((c) => (r[c] === null || r[c] === undefined ? "—" : typeof r[c] === "number" ? fmtNum(r[c] as number) : String(r[c]))));
  const widths = cols.map((c, i) => Math.max(width(c), ...cells.map((row) => width(row[i]!))));
  const numeric = cols.map((_, i) => cells.every((row) => /^[-\d.,e+—]+$/.test(row[i]!)));
  const line = (xs: string[]) => xs.map((x, i) => pad(x, widths[i]!, numeric[i])).join("  ");
  return [line(cols), widths.map((w) => "─".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

function fmtNum(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(5)));
}
