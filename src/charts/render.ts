/**
 * Rendering without a browser: vega-lite spec → vega (vega-lite `compile`) → SVG (a vega
 * `View` with renderer "none", `toSVG`) → PNG (`@resvg/resvg-js`, system fonts, DejaVu Sans
 * by default). The only module that imports vega, vega-lite or resvg.
 *
 * vega and vega-lite are loaded with `import()` on first use: vega-canvas has a top-level
 * await, and a module graph holding one cannot be `require`d — which is how tslab loads the
 * kit into a notebook cell.
 */
import { Resvg } from "@resvg/resvg-js";
import { SuanliError, show } from "../errors.js";
import type { ChartSpec } from "./spec.js";

/** A compiled chart: the vega spec and every warning vega-lite logged while compiling. */
export interface Compiled {
  vega: Record<string, unknown>;
  warnings: string[];
}

function collectingLogger(warnings: string[]) {
  let level = 0;
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...a: unknown[]) {
      warnings.push(`error: ${a.map(String).join(" ")}`);
      return logger;
    },
    warn(...a: unknown[]) {
      warnings.push(a.map(String).join(" "));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

type Vega = typeof import("vega");
type VegaLite = typeof import("vega-lite");
let libs: Promise<{ vega: Vega; vl: VegaLite }> | undefined;
function load(): Promise<{ vega: Vega; vl: VegaLite }> {
  libs ??= Promise.all([import("vega"), import("vega-lite")]).then(([vega, vl]) => ({ vega, vl }));
  return libs;
}

/** Compile a vega-lite spec to vega, collecting warnings instead of printing them. */
export async function compile(spec: ChartSpec): Promise<Compiled> {
  const { vl } = await load();
  if (spec === null || typeof spec !== "object" || typeof spec.$schema !== "string") {
    throw new SuanliError("bad-argument", `render: expected a vega-lite spec from a chart builder, got ${show(spec)}`, { value: spec });
  }
  const warnings: string[] = [];
  try {
    const out = vl.compile(spec as never, { logger: collectingLogger(warnings) as never });
    return { vega: out.spec as unknown as Record<string, unknown>, warnings };
  } catch (e) {
    throw new SuanliError("bad-argument", `render: vega-lite cannot compile this spec: ${(e as Error).message}`, { value: spec });
  }
}

/**
 * Render a chart to an SVG string, no browser needed.
 * @example await renderSvg(chart.gpuComparison(["H100", "H20"])) // "<svg …"
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const { vega: v } = await compile(spec);
  const { vega } = await load();
  const view = new vega.View(vega.parse(v as never), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface PngOptions {
  /** pixel density: 2 renders at twice the spec's width and height (default 2) */
  scale?: number;
}

/**
 * Render a chart to PNG bytes: SVG from `renderSvg`, rasterised by resvg at `scale`.
 * @example writeFileSync("gpus.png", await renderPng(spec, { scale: 2 }))
 */
export async function renderPng(spec: ChartSpec, o: PngOptions = {}): Promise<Uint8Array> {
  const scale = o.scale ?? 2;
  if (typeof scale !== "number" || !Number.isFinite(scale) || scale <= 0 || scale > 16) {
    throw new SuanliError("bad-argument", `renderPng: scale must be a number in (0, 16], got ${show(scale)}`, { value: scale, expected: "(0, 16]" });
  }
  return svgToPng(await renderSvg(spec), scale);
}

/** Rasterise an SVG string with resvg. */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const r = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
    background: "white",
  });
  return new Uint8Array(r.render().asPng());
}
