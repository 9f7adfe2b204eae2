/**
 * A report as one self-contained HTML file: charts inlined as SVG, no scripts, no external
 * styles, fonts or images — it opens offline and prints as it looks.
 */
import { columnTitle } from "../analysis/columns.js";
import { cell, escapeHtml, inlineMarkdown, markdownToHtml, type Block } from "./blocks.js";

const BODY = `body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.5; }`;
// Scoped to the report's root so a fragment shown in a notebook leaves the page's own styles alone.
const STYLE = `
.suanli-report h1, .suanli-report h2, .suanli-report h3, .suanli-report h4 { line-height: 1.2; }
.suanli-report table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
.suanli-report th, .suanli-report td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
.suanli-report th { background: #f4f4f4; }
.suanli-report td.num { text-align: right; font-variant-numeric: tabular-nums; }
.suanli-report figure { margin: 1.5rem 0; } .suanli-report figure svg { max-width: 100%; height: auto; }
.suanli-report figcaption, .suanli-report .caption { color: #555; font-style: italic; }
.suanli-report .number { border-left: 3px solid #4c78a8; padding: 0.25rem 0.75rem; margin: 1rem 0; background: #f8fafc; }
.suanli-report blockquote { color: #444; border-left: 3px solid #ddd; margin: 0.5rem 0; padding-left: 0.75rem; }
.suanli-report code { background: #f2f2f2; padding: 0 0.2rem; }
`;

/** Prefix an SVG's ids (clip paths, gradients) so several inline SVGs on one page don't collide. */
export function scopeIds(svg: string, prefix: string): string {
  return svg.replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`).replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`).replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}

function blockHtml(b: Block, svgs: ReadonlyMap<string, string>): string {
  switch (b.kind) {
    case "heading":
      return `<h${b.level}>${escapeHtml(b.text)}</h${b.level}>`;
    case "text":
      return markdownToHtml(b.text);
    case "table": {
      const head = b.columns.map((c) => `<th>${escapeHtml(columnTitle(c))}</th>`).join("");
      const body = b.rows
        .map((r) => `<tr>${b.columns.map((c) => `<td${typeof r[c] === "number" ? ' class="num"' : ""}>${escapeHtml(cell(r[c]))}</td>`).join("")}</tr>`)
        .join("\n");
      const caption = b.caption ? `<caption class="caption">${escapeHtml(b.caption)}</caption>` : "";
      const more = b.more > 0 ? `<p class="caption">… ${b.more} more rows</p>` : "";
      return `<table>${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${more}`;
    }
    case "number":
      return `<div class="number"><p><strong>${escapeHtml(b.label)}: ${escapeHtml(b.value)}</strong></p>${markdownToHtml(b.markdown)}</div>`;
    case "chart":
      return `<figure class="chart" data-chart="${escapeHtml(b.name)}">${scopeIds(svgs.get(b.name) ?? "", b.name)}${b.caption ? `<figcaption>${inlineMarkdown(b.caption)}</figcaption>` : ""}</figure>`;
  }
}

/** The report's body: a `<div class="suanli-report">` with its scoped styles (what a notebook shows). */
export function reportFragment(title: string, blocks: readonly Block[], svgs: ReadonlyMap<string, string>): string {
  return [`<div class="suanli-report">`, `<style>${STYLE}</style>`, `<h1>${escapeHtml(title)}</h1>`, ...blocks.map((b) => blockHtml(b, svgs)), "</div>"].join("\n");
}

/** The whole document; `svgs` maps each chart's name to its rendered SVG. */
export function reportHtml(title: string, blocks: readonly Block[], svgs: ReadonlyMap<string, string>): string {
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="suanli">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${BODY}</style>`,
    "</head><body>",
    reportFragment(title, blocks, svgs),
    "</body></html>",
    "",
  ].join("\n");
}
