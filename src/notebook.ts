/**
 * suanli/notebook — display helpers for Jupyter (tslab). The only module that touches tslab,
 * and only when called (loaded with `createRequire`), so the rest of the kit runs under plain
 * Node and vitest.
 *
 * @example
 * import { chart, gpus } from "suanli";          // in a notebook: "../dist/index.js"
 * import { show } from "suanli/notebook";        // in a notebook: "../dist/notebook.js"
 * await show(chart.gpuComparison(["H100", "H20"]));   // the chart as SVG (+ vega-lite bundle)
 * await show(gpus());                                  // a table as HTML
 */
import { createRequire } from "node:module";
import { from, type ColumnTable } from "arquero";
import { SuanliError, show as showValue } from "./errors.js";
import { Quantity } from "./quantity.js";
import { renderSvg } from "./charts/render.js";
import type { ChartSpec } from "./charts/spec.js";
import { columnTitle } from "./analysis/columns.js";

/** A MIME bundle, as Jupyter's display_data carries it. */
export type MimeBundle = Record<string, unknown>;

export interface ShowOptions {
  /** rows of a table to show (default 50; the rest are counted) */
  limit?: number;
  /** add the vega-lite MIME type beside the SVG so JupyterLab renders it interactively (default true) */
  vegaLite?: boolean;
}

interface JupyterBridge {
  lastWriteDisplayData: ((data: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void) | null;
}

function isTable(x: unknown): x is ColumnTable {
  return x !== null && typeof x === "object" && typeof (x as ColumnTable).toHTML === "function" && typeof (x as ColumnTable).columnNames === "function";
}
function isSpec(x: unknown): x is ChartSpec {
  return x !== null && typeof x === "object" && typeof (x as ChartSpec).$schema === "string" && (x as ChartSpec).$schema.includes("vega-lite");
}

/** An HTML table with unit-carrying headers (`kv_GiB` → "kv (GiB)"). */
export function tableHtml(t: ColumnTable, limit = 50): string {
  const names = t.columnNames();
  const html = t.toHTML({ limit, format: Object.fromEntries(names.map((n) => [n, (v: unknown) => (typeof v === "number" ? fmt(v) : String(v ?? ""))])) });
  const withTitles = names.reduce((h, n) => h.replace(`>${n}</th>`, `>${escapeHtml(columnTitle(n))}</th>`), html);
  const more = t.numRows() > limit ? `<p><i>${t.numRows() - limit} more rows (${t.numRows()} in all)</i></p>` : "";
  return withTitles + more;
}

function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}
function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The MIME bundle `show` sends for a value: a chart → SVG (+ vega-lite JSON, + text), a table
 * or an array of rows → HTML, a Quantity → its derivation as Markdown, a report → its HTML,
 * anything else → text.
 */
export async function mimeBundle(x: unknown, o: ShowOptions = {}): Promise<MimeBundle> {
  if (isSpec(x)) {
    const bundle: MimeBundle = { "image/svg+xml": await renderSvg(x), "text/plain": `<vega-lite chart${typeof x.title === "string" ? `: ${x.title}` : ""}>` };
    const values = (x.data as { values?: unknown[] } | undefined)?.values;
    if (o.vegaLite !== false && (!values || values.length <= 5000)) {
      bundle["application/vnd.vegalite.v5+json"] = { ...x, $schema: "https://vega.github.io/schema/vega-lite/v5.json" };
    }
    return bundle;
  }
  if (isTable(x)) return { "text/html": tableHtml(x, o.limit), "text/plain": x.toString() };
  if (Array.isArray(x) && x.length > 0 && x.every((r) => r !== null && typeof r === "object" && !Array.isArray(r))) {
    const t = from(x as object[]);
    return { "text/html": tableHtml(t, o.limit), "text/plain": t.toString() };
  }
  if (x instanceof Quantity) {
    // Markdown with the arithmetic typeset as display math (MathJax in Jupyter), then the source.
    const d = x.explain();
    const s = d.spec;
    const md = [`**${s.title}**`, "", ...(s.formula ? [`\`${s.formula}\``, ""] : []), `$$${d.latex}$$`, ...(s.notes?.length ? ["", ...s.notes.map((n) => `- ${n}`)] : []), ...(s.source ? ["", `Source: ${s.source}`] : [])].join("\n");
    return { "text/markdown": md, "text/latex": `$$${d.latex}$$`, "text/plain": d.text };
  }
  if (x !== null && typeof x === "object" && typeof (x as { toHtml?: unknown }).toHtml === "function") {
    return { "text/html": await (x as { toHtml(o: { fragment: boolean }): Promise<string> | string }).toHtml({ fragment: true }), "text/plain": String(x) };
  }
  if (x !== null && typeof x === "object" && typeof (x as { toMarkdown?: unknown }).toMarkdown === "function") {
    return { "text/markdown": (x as { toMarkdown(): string }).toMarkdown(), "text/plain": String(x) };
  }
  if (x === undefined) throw new SuanliError("bad-argument", "show: nothing to show (got undefined)", { value: x });
  return { "text/plain": typeof x === "string" ? x : showValue(x) };
}

function jupyter(): JupyterBridge {
  const require = createRequire(import.meta.url);
  try {
    // tslab's public `display` sends one MIME type per message; its jupyter module takes a bundle.
    return require("tslab/dist/jupyter") as JupyterBridge;
  } catch {
    throw new SuanliError("bad-argument", "show: tslab is not installed (npm install tslab) — show() works inside a tslab notebook");
  }
}

/**
 * Display a chart, a table, a Quantity (its derivation) or a report in the current tslab cell.
 * Outside a notebook it prints the text form instead. Returns after the output is sent.
 * @example await show(chart.line(t, { x: "seq", y: "kv_GiB", color: "batch" }))
 */
export async function show(x: unknown, o: ShowOptions = {}): Promise<void> {
  const bundle = await mimeBundle(x, o);
  const bridge = jupyter();
  if (!bridge.lastWriteDisplayData) {
    process.stdout.write(`${String(bundle["text/plain"] ?? "")}\n`);
    return;
  }
  bridge.lastWriteDisplayData({ data: bundle, metadata: {}, transient: {} }, false);
}

/** A progress display: call it as a sweep's or a simulation's `onProgress`, or `.update(text)` by hand. */
export type ProgressDisplay = ((done: number | { finished: number; total: number }, total?: number) => void) & { update(text: string): void };

/** The text bar both the notebook and tests draw: `label [######      ] 50% 500/1000`. */
export function progressText(label: string, done: number, total: number, width = 30): string {
  const f = total > 0 ? Math.min(1, done / total) : 1;
  const n = Math.round(f * width);
  return `${label} [${"#".repeat(n)}${" ".repeat(width - n)}] ${Math.floor(f * 100)}% ${done.toLocaleString("en")}/${total.toLocaleString("en")}`;
}

/**
 * A display that overwrites itself, for progress in long notebook work. Redraws only when the
 * percentage changes, so a million-row sweep updates it a hundred times, not a million.
 * @example await sweep(grid, fn, { onProgress: progress("sweep") })
 * @example simulate(engine, { ..., onProgress: progress("simulation") })
 */
export function progress(label = "progress"): ProgressDisplay {
  const tslab = createRequire(import.meta.url)("tslab") as { newDisplay(): { text(s: string): void } };
  const d = tslab.newDisplay();
  let last = -1;
  const fn = ((done: number | { finished: number; total: number }, total?: number) => {
    const [k, n] = typeof done === "number" ? [done, total ?? done] : [done.finished, done.total];
    const pct = n > 0 ? Math.floor((100 * k) / n) : 100;
    if (pct === last) return;
    last = pct;
    d.text(progressText(label, k, n));
  }) as ProgressDisplay;
  fn.update = (text: string) => d.text(text);
  return fn;
}
