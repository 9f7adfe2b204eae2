/**
 * A report as Markdown: headings, paragraphs, pipe tables with unit-carrying headers,
 * numbers with their derivations, and charts as images beside the file (`name.png`, with the
 * SVG linked).
 */
import { columnTitle } from "../analysis/columns.js";
import { cell, type Block } from "./blocks.js";

function pipe(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function blockMarkdown(b: Block): string {
  switch (b.kind) {
    case "heading":
      return `${"#".repeat(b.level)} ${b.text}`;
    case "text":
      return b.text;
    case "table": {
      const head = `| ${b.columns.map((c) => pipe(columnTitle(c))).join(" | ")} |`;
      const rule = `| ${b.columns.map(() => "---").join(" | ")} |`;
      const body = b.rows.map((r) => `| ${b.columns.map((c) => pipe(cell(r[c]))).join(" | ")} |`);
      const more = b.more > 0 ? [``, `*… ${b.more} more rows*`] : [];
      const caption = b.caption ? [`*${b.caption}*`, ``] : [];
      return [...caption, head, rule, ...body, ...more].join("\n");
    }
    case "number":
      return `**${b.label}: ${b.value}**\n\n${b.markdown}`;
    case "chart":
      return `![${b.caption ?? b.name}](${b.name}.png)\n\n${b.caption ? `*${b.caption}* ` : ""}([SVG](${b.name}.svg))`;
  }
}

/** The whole document; `title` as the level-1 heading. */
export function reportMarkdown(title: string, blocks: readonly Block[]): string {
  return [`# ${title}`, ...blocks.map(blockMarkdown)].join("\n\n") + "\n";
}
