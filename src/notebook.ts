/**
 * suanli/notebook — display helpers for Jupyter (tslab). The only module that touches tslab,
 * and only when called (loaded with `createRequire`), so the rest of the kit runs under plain
 * Node and vitest.
 *
 * @example
 * import { chart, gpus } from "suanli";          // in this repository's notebooks: "../dist/index.js"
 * import { show } from "suanli/notebook";        // in this repository's notebooks: "../dist/notebook.js"
 * await show(chart.gpuComparison(["H100", "H20"]));   // the chart as PNG + SVG (+ vega-lite bundle)
 * await show(gpus());                                  // a table as HTML
 */
import { createRequire } from "node:module";
import { table, type ColumnTable } from "arquero";
import { progressText } from "./util/progress.js";
import { SuanliError, show as showValue } from "./errors.js";
import { Quantity } from "./quantity.js";
import { renderSvg, svgToPng } from "./charts/render.js";
import type { ChartSpec } from "./charts/spec.js";
import { columnFormat, tableHtml, tableOf, tableText } from "./display/table.js";
import { hasOwnText, resultHtml } from "./display/result.js";
import { bandLine } from "./uncertainty/display.js";

export { tableHtml, tableText, columnFormat } from "./display/table.js";

/** A MIME bundle, as Jupyter's display_data carries it. */
export type MimeBundle = Record<string, unknown>;

export interface ShowOptions {
  /** rows of a table to show (default 50; the rest are counted) */
  limit?: number;
  /** add the vega-lite MIME type beside the PNG and SVG so JupyterLab renders it interactively (default true) */
  vegaLite?: boolean;
  /** pixel density of a chart's PNG (default 2) */
  scale?: number;
}

/** A display bundle with per-MIME metadata (a PNG's display size). */
export interface Display {
  data: MimeBundle;
  metadata: Record<string, unknown>;
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
const isRowArray = (x: unknown): x is object[] => Array.isArray(x) && x.length > 0 && x.every((r) => r !== null && typeof r === "object" && !Array.isArray(r));
const isPrimitive = (v: unknown) => v === null || ["string", "number", "boolean"].includes(typeof v);
const isRecord = (x: unknown): x is Record<string, unknown> =>
  x !== null && typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype && Object.keys(x).length > 0 && Object.values(x).every(isPrimitive);

const ACCEPTS =
  "a chart spec (chart.*), an arquero table or an array of row objects, a Quantity, a report, a result of the kit (decode, memory, training step, simulation, calibration …), an object of plain fields, or a string or number";

const escapeAttr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

function svgSize(svg: string): { width: number; height: number } | undefined {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : undefined;
}

/**
 * What `show` sends for a value, with its metadata: a chart → PNG + SVG (+ the PNG as an HTML
 * <img>, + vega-lite JSON, + text) in one bundle, so nbconvert's HTML, GitHub and VS Code all draw it; a table or rows →
 * HTML with rounded numbers and unit headers, and the same as aligned text; a Quantity → its
 * derivation as Markdown; a report → its HTML; a result object → its summary as HTML and text;
 * an object of plain fields → a field/value table. Anything else is refused, naming what is accepted.
 */
export async function display(x: unknown, o: ShowOptions = {}): Promise<Display> {
  if (isSpec(x)) {
    const svg = await renderSvg(x);
    const png = Buffer.from(svgToPng(svg, o.scale ?? 2)).toString("base64");
    const size = svgSize(svg);
    const title = typeof x.title === "string" ? x.title : "chart";
    const bundle: MimeBundle = {
      // nbconvert's HTML prefers text/html, then SVG (which it strips), then PNG: the PNG goes in an <img> too
      "text/html": `<img src="data:image/png;base64,${png}" alt="${escapeAttr(title)}"${size ? ` width="${size.width}" height="${size.height}"` : ""}>`,
      "image/png": png,
      "image/svg+xml": svg,
      "text/plain": `<vega-lite chart${typeof x.title === "string" ? `: ${x.title}` : ""}>`,
    };
    const values = (x.data as { values?: unknown[] } | undefined)?.values;
    if (o.vegaLite !== false && (!values || values.length <= 5000)) {
      bundle["application/vnd.vegalite.v5+json"] = { ...x, $schema: "https://vega.github.io/schema/vega-lite/v5.json" };
    }
    return { data: bundle, metadata: size ? { "image/png": size } : {} };
  }
  return { data: await mimeBundle(x, o), metadata: {} };
}

/** The MIME bundle `show` sends for a value (see `display`). */
export async function mimeBundle(x: unknown, o: ShowOptions = {}): Promise<MimeBundle> {
  if (isSpec(x)) return (await display(x, o)).data;
  if (isTable(x)) return { "text/html": tableHtml(x, o.limit), "text/plain": tableText(x, o.limit) };
  if (isRowArray(x)) {
    const t = tableOf(x);
    return { "text/html": tableHtml(t, o.limit), "text/plain": tableText(t, o.limit) };
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
  if (hasOwnText(x)) {
    const band = bandLine(x);
    const text = band === undefined ? x.toString() : `${x.toString()}\n${band}`;
    return { "text/html": resultHtml(text), "text/plain": text };
  }
  if (isRecord(x)) {
    const t = table({ field: Object.keys(x), value: Object.values(x).map((v) => (typeof v === "number" ? columnFormat([v])(v) : String(v))) });
    return { "text/html": tableHtml(t, o.limit), "text/plain": tableText(t, o.limit) };
  }
  if (typeof x === "string") return { "text/plain": x };
  if (typeof x === "number" || typeof x === "boolean") return { "text/plain": typeof x === "number" ? columnFormat([x])(x) : String(x) };
  if (x === undefined) throw new SuanliError("bad-argument", `show: nothing to show (got undefined); show takes ${ACCEPTS}`, { value: x });
  throw new SuanliError("bad-argument", `show: cannot display ${showValue(x)}; show takes ${ACCEPTS}`, { value: x, expected: ACCEPTS });
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
  const d = await display(x, o);
  const bridge = jupyter();
  if (!bridge.lastWriteDisplayData) {
    process.stdout.write(`${String(d.data["text/plain"] ?? "")}\n`);
    return;
  }
  bridge.lastWriteDisplayData({ data: d.data, metadata: d.metadata, transient: {} }, false);
}

/** A progress display: call it as a sweep's or a simulation's `onProgress`, or `.update(text)` by hand. */
export type ProgressDisplay = ((done: number | { finished: number; total: number }, total?: number) => void) & { update(text: string): void };

/** The kit's text progress bar (util/progress.ts), for a display of your own. */
export { progressText };

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
