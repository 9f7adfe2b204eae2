/**
 * Catalog search: a filter is one or more words, each of which must appear in one of an
 * entry's names (id, name, aliases, vendor, family…), compared case- and punctuation-
 * insensitively — `"h100 nvl"` finds H100-NVL, `"mi3"` every MI3xx part.
 */
import { SuanliError, show, type ErrorCode } from "../errors.js";
import { closest, foldName } from "./names.js";

/** Whether every word of `filter` occurs in one of `fields` (folded). An empty filter matches all. */
export function matchesFilter(fields: readonly string[], filter: string): boolean {
  const folded = fields.map(foldName);
  return filter
    .split(/\s+/)
    .filter((w) => w !== "")
    .every((w) => folded.some((f) => f.includes(foldName(w))));
}

/** Read a filter option: a string, or refuse what is not one. */
export function filterText(v: unknown, what: string): string {
  if (v === undefined) return "";
  if (typeof v !== "string") throw new SuanliError("bad-argument", `${what} must be a string, got ${show(v)}`, { value: v, expected: 'a string, e.g. "h100"' });
  return v;
}

/** Refuse a search that found nothing, suggesting the closest names. */
export function nothingFound(kind: string, code: ErrorCode, filter: string, known: readonly string[]): SuanliError {
  const near = closest(filter, known);
  return new SuanliError(code, `no ${kind} matches ${show(filter)}${near.length ? ` (did you mean ${near.join(", ")}?)` : ""}`, { value: filter, expected: near.join(", ") });
}
