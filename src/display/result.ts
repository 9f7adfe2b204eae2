/**
 * Result objects in a notebook: every result the kit returns (a decode step, a memory fit, a
 * training step or run, a simulation, a calibration …) prints itself with `toString()` — a
 * first line that sums it up and, for some, a few lines of detail. This turns that text into
 * the HTML a notebook shows: the first line in bold, the rest as a list.
 */

/** Whether `x` carries its own `toString` (not Object's "[object Object]"). */
export function hasOwnText(x: unknown): x is { toString(): string } {
  return x !== null && typeof x === "object" && !Array.isArray(x) && typeof (x as { toString?: unknown }).toString === "function" && (x as object).toString !== Object.prototype.toString;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The HTML of a result's text: first line bold, later lines (leading spaces, "-" or "·" dropped) as a list.
 * @example resultHtml("decode batch 1 @ 4096: 21 ms/token\n  memory-bound") // "<div …><b>decode …</b><ul><li>memory-bound</li></ul></div>"
 */
export function resultHtml(text: string): string {
  const [first = "", ...rest] = text.split("\n").filter((l) => l.trim() !== "");
  const items = rest.map((l) => `<li>${escapeHtml(l.trim().replace(/^[-·•]\s*/, ""))}</li>`).join("");
  return `<div class="suanli-result"><b>${escapeHtml(first.trim())}</b>${items ? `<ul style="margin:0.2em 0">${items}</ul>` : ""}</div>`;
}

/**
 * Freeze a result object with a `toString` that is not one of its fields (not enumerable, so
 * spreading, JSON and deep equality see the fields alone).
 * @example withText({ a: 1 }, (r) => `a = ${r.a}`).toString() // "a = 1"
 */
export function withText<T extends object>(fields: T, text: (r: T) => string): T & { toString(): string } {
  Object.defineProperty(fields, "toString", { value: () => text(fields), enumerable: false });
  return Object.freeze(fields) as T & { toString(): string };
}

/** A fraction as a percentage with one decimal: 0.1234 → "12.3 %". */
export const percent = (x: number): string => `${(x * 100).toFixed(1)} %`;
