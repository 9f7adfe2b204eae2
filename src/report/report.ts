/**
 * `report(title)` — an immutable document builder: headings, text, tables, numbers with their
 * derivations and charts, written as Markdown (charts as PNG + SVG files beside it) and as one
 * self-contained HTML file. Each call returns a new frozen Report, so a notebook cell can be
 * re-run without doubling the content.
 *
 * @example
 * await report("KV cache on H20")
 *   .text("Llama 2 70B, fp16 KV.")
 *   .number("KV cache, batch 8 × 4096", model("llama2-70b").kv({ batch: 8, seq: 4096 }))
 *   .chart(chart.line(t, { x: "seq", y: "kv_GiB", color: "batch" }), { caption: "KV bytes grow linearly" })
 *   .table(t)
 *   .write("out/kv")   // out/kv/report.md, report.html, kv-bytes-grow-linearly.png/.svg
 */
import type { ColumnTable } from "arquero";
import { arquero } from "../util/lazy.js";
import { SuanliError, show } from "../errors.js";
import { Quantity } from "../quantity.js";
import type { FormatOptions } from "../units.js";
import { renderSvg, svgToPng } from "../charts/render.js";
import type { ChartSpec, Row } from "../charts/spec.js";
import { slug, type Block } from "./blocks.js";
import { reportMarkdown } from "./markdown.js";
import { reportFragment, reportHtml } from "./html.js";
import { writeAtomically } from "./write.js";
import { checkKeys } from "../validate.js";
import { requirePath } from "../util/files.js";

export interface TableBlockOptions {
  caption?: string;
  /** rows kept (default 100; the rest are counted) */
  limit?: number;
  /** columns to show, in order (default all) */
  columns?: readonly string[];
}

export interface WriteOptions {
  /** base name of the .md and .html files (default "report") */
  name?: string;
  /** which documents to write (default both) */
  formats?: readonly ("md" | "html")[];
  /** PNG pixel density (default 2) */
  scale?: number;
}

export interface Written {
  markdown?: string;
  html?: string;
  /** every file written, charts included */
  files: string[];
}

function isTable(x: unknown): x is ColumnTable {
  return x !== null && typeof x === "object" && typeof (x as ColumnTable).objects === "function" && typeof (x as ColumnTable).columnNames === "function";
}

export class Report {
  constructor(
    readonly title: string,
    readonly blocks: readonly Block[] = [],
  ) {
    Object.freeze(this.blocks);
    Object.freeze(this);
  }

  private with(b: Block): Report {
    return new Report(this.title, [...this.blocks, Object.freeze(b)]);
  }

  /** A section heading (level 2 by default; the title is level 1). */
  heading(text: string, level: 2 | 3 | 4 = 2): Report {
    if (typeof text !== "string" || text.trim() === "") throw new SuanliError("bad-argument", `report.heading: give the heading text, got ${show(text)}`, { value: text });
    return this.with({ kind: "heading", text, level });
  }

  /** A paragraph of Markdown (**bold**, *italic*, `code`, links; blank lines split paragraphs). */
  text(markdown: string): Report {
    if (typeof markdown !== "string") throw new SuanliError("bad-argument", `report.text: give a string, got ${show(markdown)}`, { value: markdown });
    return this.with({ kind: "text", text: markdown });
  }

  /** A table from an arquero table or rows; headers carry the columns' units ("kv (GiB)"). */
  table(data: ColumnTable | readonly Row[], o: TableBlockOptions = {}): Report {
    const t = isTable(data) ? data : Array.isArray(data) ? arquero().from(data as object[]) : null;
    if (!t) throw new SuanliError("bad-argument", `report.table: give an arquero table or an array of rows, got ${show(data)}`, { value: data });
    const names = t.columnNames();
    const columns = o.columns ?? names;
    for (const c of columns) {
      if (!names.includes(c)) throw new SuanliError("bad-argument", `report.table: ${show(c)} is not a column; columns: ${names.join(", ")}`, { value: c, expected: names.join(", ") });
    }
    const limit = o.limit ?? 100;
    const rows = (t.objects({ limit }) as Row[]).map((r) => Object.freeze(r));
    return this.with({ kind: "table", columns: Object.freeze([...columns]), rows: Object.freeze(rows), more: Math.max(0, t.numRows() - limit), ...(o.caption ? { caption: o.caption } : {}) });
  }

  /**
   * A number with its unit and its derivation (operands substituted, source cited); with
   * `{ interval: result.interval() }`, printed with its band: "15 ms (80 %: 12–17 ms)".
   */
  number(label: string, q: Quantity, o: FormatOptions & { interval?: { toString(): string } } = {}): Report {
    if (!(q instanceof Quantity)) throw new SuanliError("bad-argument", `report.number: give a Quantity (e.g. model(...).kv(...)), got ${show(q)}`, { value: q });
    const d = q.explain();
    const { interval, ...fmt } = o;
    return this.with({ kind: "number", label, value: interval ? String(interval) : q.format(fmt), text: d.text, markdown: d.markdown });
  }

  /** A chart (a vega-lite spec from `chart.*`), saved as `<name>.png` and `<name>.svg` beside the Markdown. */
  chart(spec: ChartSpec, o: { caption?: string; name?: string } = {}): Report {
    if (spec === null || typeof spec !== "object" || typeof spec.$schema !== "string") {
      throw new SuanliError("bad-argument", `report.chart: give a vega-lite spec from chart.*, got ${show(spec)}`, { value: spec });
    }
    const base = slug(o.name ?? o.caption ?? (typeof spec.title === "string" ? spec.title : "chart"));
    const taken = new Set(this.blocks.flatMap((b) => (b.kind === "chart" ? [b.name] : [])));
    let name = base;
    for (let i = 2; taken.has(name) || name === "report"; i++) name = `${base}-${i}`;
    return this.with({ kind: "chart", spec, name, ...(o.caption ? { caption: o.caption } : {}) });
  }

  /** The Markdown document (charts referenced as `<name>.png`). */
  toMarkdown(): string {
    return reportMarkdown(this.title, this.blocks);
  }

  /** The self-contained HTML document (charts inlined as SVG); `{ fragment: true }`: just the scoped body, for a notebook. */
  async toHtml(o: { fragment?: boolean } = {}): Promise<string> {
    const svgs = await this.svgs();
    return o.fragment ? reportFragment(this.title, this.blocks, svgs) : reportHtml(this.title, this.blocks, svgs);
  }

  private async svgs(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const b of this.blocks) if (b.kind === "chart") out.set(b.name, await renderSvg(b.spec));
    return out;
  }

  /**
   * Write the report into `dir`: `<name>.md` with each chart's PNG and SVG beside it, and
   * `<name>.html`. Everything is rendered first, then each file is written to a temporary
   * name and renamed, so a failure never leaves a half-written file.
   */
  async write(dir: string, o: WriteOptions = {}): Promise<Written> {
    checkKeys(o, ["name", "formats", "scale"], "report.write");
    requirePath(dir, "report.write");
    const name = o.name ?? "report";
    const scale = o.scale ?? 2;
    if (typeof scale !== "number" || !(scale >= 0.1 && scale <= 8)) throw new SuanliError("bad-argument", `report.write: scale (PNG pixel density) must be a number from 0.1 to 8, got ${show(o.scale)}`, { value: o.scale, expected: "0.1 … 8" });
    if (!/^[\w.-]+$/.test(name)) throw new SuanliError("bad-argument", `report.write: name must be a plain file name (letters, digits, . _ -), got ${show(name)}`, { value: name });
    const formats = o.formats ?? ["md", "html"];
    const svgs = await this.svgs();
    const files = new Map<string, string | Uint8Array>();
    if (formats.includes("md")) {
      for (const [chart, svg] of svgs) {
        files.set(`${chart}.svg`, svg);
        files.set(`${chart}.png`, svgToPng(svg, scale));
      }
      files.set(`${name}.md`, this.toMarkdown());
    }
    if (formats.includes("html")) files.set(`${name}.html`, reportHtml(this.title, this.blocks, svgs));
    const written = writeAtomically(dir, files);
    const find = (ext: string) => written.find((p) => p.endsWith(`${name}.${ext}`));
    const md = find("md");
    const html = find("html");
    return { ...(md ? { markdown: md } : {}), ...(html ? { html } : {}), files: written };
  }

  toString(): string {
    return `Report "${this.title}" · ${this.blocks.length} blocks`;
  }
  toJSON(): { title: string; blocks: readonly Block[] } {
    return { title: this.title, blocks: this.blocks };
  }
}

/** Start a report. */
export function report(title: string): Report {
  if (typeof title !== "string" || title.trim() === "") throw new SuanliError("bad-argument", `report: give a title, got ${show(title)}`, { value: title });
  return new Report(title);
}
