/**
 * The blocks a report is made of, as plain frozen data (so a report can be rebuilt, diffed and
 * rendered to Markdown or HTML by pure functions), and the tiny Markdown subset they use.
 */
import type { ChartSpec, Row } from "../charts/spec.js";

export type Block =
  | { readonly kind: "heading"; readonly text: string; readonly level: 1 | 2 | 3 | 4 }
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "table"; readonly columns: readonly string[]; readonly rows: readonly Row[]; readonly caption?: string; readonly more: number }
  | { readonly kind: "number"; readonly label: string; readonly value: string; readonly text: string; readonly markdown: string }
  | { readonly kind: "chart"; readonly spec: ChartSpec; readonly name: string; readonly caption?: string };

/** A cell as text: numbers to 4 significant digits, integers whole, null empty. */
export function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  return String(v);
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A file-name-safe slug: "GPU comparison (fp8)" → "gpu-comparison-fp8". */
export function slug(s: string): string {
  const out = s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
  return out || "chart";
}

/**
 * The Markdown subset reports use, to HTML: paragraphs (blank lines), line breaks, **bold**,
 * *italic*, `code`, [links](url), bare URLs and `> ` quotes. Everything else is escaped.
 */
export function inlineMarkdown(md: string): string {
  const codes: string[] = [];
  let s = escapeHtml(md).replace(/`([^`]+)`/g, (_, c: string) => `\u0000${codes.push(c) - 1}\u0000`);
  s = s
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[^*])\*([^*\s][^*]*)\*/g, "$1<em>$2</em>")
    .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<a href="$2">$1</a>')
    .replace(/(^|[\s(])(https?:\/\/[^\s<)]+)/g, '$1<a href="$2">$2</a>');
  return s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => `<code>${codes[Number(i)]}</code>`);
}

export function markdownToHtml(md: string): string {
  return md
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .map((p) =>
      /^> /.test(p)
        ? `<blockquote>${inlineMarkdown(p.replace(/^> ?/gm, "")).replace(/\n/g, "<br>")}</blockquote>`
        : `<p>${inlineMarkdown(p).replace(/\n/g, "<br>")}</p>`,
    )
    .join("\n");
}
