/**
 * The roofline, log–log: attainable FLOP/s = min(peak, bandwidth × intensity) against
 * arithmetic intensity (FLOP/B), one roof per GPU, its ridge point (peak ÷ bandwidth) marked,
 * and operations placed at their intensity (Williams, Waterman & Patterson, "Roofline",
 * CACM 52(4), 2009).
 */
import { checkKeys } from "../validate.js";
import { SuanliError, show } from "../errors.js";
import { gpu as lookupGpu, type Gpu } from "../hardware/gpu.js";
import type { Precision } from "../hardware/precision.js";
import { Quantity } from "../quantity.js";
import { colorsOf } from "./palette.js";
import { logTicks } from "./axes.js";
import { labelLayers, pixel, placeLabels, type Place } from "./labels.js";
import { optionKeys, CONFIG, SCHEMA, type ChartOptions, type ChartSpec, type Row } from "./spec.js";

/** An operation placed on the roofline: a name and its arithmetic intensity (FLOP/B). */
export interface RooflineOp {
  name: string;
  intensity: number | Quantity<"intensity">;
}

export interface RooflineOptions extends ChartOptions {
  /** precision of every roof (default: each GPU's chosen precision) */
  precision?: Precision;
  /** operations to place (e.g. decode at batch 1, prefill) */
  ops?: readonly RooflineOp[];
  /** intensity range drawn, FLOP/B (default [0.1, 10000]) */
  range?: readonly [number, number];
}

const X = "intensity_FLOP_B";
const Y = "attainable_TFLOPS";

function roofPoints(id: string, peak: number, bw: number, lo: number, hi: number): Row[] {
  const ridge = peak / bw;
  const xs = [lo, hi, ...(ridge > lo && ridge < hi ? [ridge] : [])];
  for (let e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) xs.push(10 ** e);
  return [...new Set(xs)].sort((a, b) => a - b).map((i) => ({ gpu: id, [X]: i, [Y]: Math.min(peak, bw * i) / 1e12 }));
}

const ROOFLINE_KEYS = optionKeys<RooflineOptions>({ precision: true, ops: true, range: true });

/**
 * A log–log roofline of one or more GPUs, with ridge points and operation points.
 * @example roofline(["H100", "H20"], { precision: "fp8", ops: [{ name: "decode b=1", intensity: 1 }] })
 */
export function roofline(gpus: string | Gpu | readonly (string | Gpu)[], o: RooflineOptions = {}): ChartSpec {
  checkKeys(o, ROOFLINE_KEYS, "chart.roofline");
  const list = (Array.isArray(gpus) ? gpus : [gpus]) as (string | Gpu)[];
  if (list.length === 0) throw new SuanliError("bad-argument", "chart.roofline: give at least one GPU", { value: gpus });
  const [lo, hi] = o.range ?? [0.1, 10000];
  if (!(lo > 0 && hi > lo && Number.isFinite(hi))) {
    throw new SuanliError("bad-argument", `chart.roofline: range must be [lo, hi] with 0 < lo < hi, got ${show(o.range)}`, { value: o.range });
  }
  const roofs: Row[] = [];
  const ridges: Row[] = [];
  const devices = list.map((g0) => {
    const g = typeof g0 === "string" ? lookupGpu(g0) : g0;
    const p = o.precision ?? g.precisionName;
    const peak = g.spec.peak[p];
    if (peak === undefined) throw new SuanliError("unsupported-precision", `chart.roofline: ${g.id} has no ${p} peak in the catalog`, { value: p });
    const id = `${g.id} ${p}`;
    roofs.push(...roofPoints(id, peak, g.spec.bandwidth, lo, hi));
    ridges.push({ gpu: id, [X]: peak / g.spec.bandwidth, [Y]: peak / 1e12, label: `ridge ${Math.round(peak / g.spec.bandwidth)} FLOP/B` });
    return { id, name: g.id, peak, bw: g.spec.bandwidth };
  });
  const ops: Row[] = [];
  for (const op of o.ops ?? []) {
    const i = op.intensity instanceof Quantity ? op.intensity.value : op.intensity;
    if (typeof i !== "number" || !(i >= lo && i <= hi)) {
      throw new SuanliError("bad-argument", `chart.roofline: op ${show(op.name)} has intensity ${show(i)}; it must be a number of FLOP/B within the range [${lo}, ${hi}]`, { value: i });
    }
    for (const d of devices) ops.push({ gpu: d.id, op: op.name, [X]: i, [Y]: Math.min(d.peak, d.bw * i) / 1e12 });
  }
  const width = o.width ?? 440;
  const height = o.height ?? 300;
  // fixed domains: x the range, y from the lowest roof point to 4× the highest peak (room for the labels)
  const yLo = Math.min(...roofs.map((r) => r[Y] as number)) / 1.25;
  const yHi = Math.max(...devices.map((d) => d.peak / 1e12)) * 4;
  const x = { field: X, type: "quantitative", title: "arithmetic intensity (FLOP/B)", scale: { type: "log", domain: [lo, hi], nice: false }, axis: { values: logTicks(lo, hi).filter((v) => Number.isInteger(Math.log10(v))), format: ",~g" } };
  const y = { field: Y, type: "quantitative", title: "attainable (TFLOPS)", scale: { type: "log", domain: [yLo, yHi], nice: false }, axis: { values: logTicks(yLo, yHi), format: ",~g" } };
  const ids = devices.map((d) => d.id);
  const color = { field: "gpu", type: "nominal", title: "GPU", sort: ids, scale: { domain: ids, range: colorsOf(devices.map((d) => d.name)) } };
  const px = (r: Row) => pixel(r[X] as number, [lo, hi], width, { log: true });
  const py = (r: Row) => pixel(r[Y] as number, [yLo, yHi], height, { log: true, flip: true });
  // operation labels stand on the bottom of the plot at their intensity; ops closer than a line's height share one label
  const opLabels: Row[] = [];
  for (const r of [...ops.filter((r) => r.gpu === devices[0]!.id)].sort((a, b) => (a[X] as number) - (b[X] as number))) {
    const last = opLabels[opLabels.length - 1];
    if (last && px(r) - px(last) < 12) last.op = `${last.op}, ${sharedHead(String(last.op), String(r.op))}`;
    else opLabels.push({ ...r });
  }
  // ridge labels above their point, else below, else further out, clear of the drawn points
  const ridgePlaces: Place[] = [
    { dx: 0, dy: -12, align: "center" },
    { dx: 0, dy: 12, align: "center" },
    { dx: 0, dy: -24, align: "center" },
    { dx: 0, dy: 24, align: "center" },
    { dx: -8, dy: 0, align: "right" },
  ];
  const dots = [...ridges, ...ops].map((r) => ({ x1: px(r) - 4, y1: py(r) - 4, x2: px(r) + 4, y2: py(r) + 4 }));
  const chosen = placeLabels(ridges.map((r) => ({ x: px(r), y: py(r), text: String(r.label) })), { width, height, size: 9, places: ridgePlaces, obstacles: dots });
  const layer: unknown[] = [
    { data: { values: roofs }, mark: { type: "line", clip: true }, encoding: { x, y, color } },
    { data: { values: ridges }, mark: { type: "point", filled: true, size: 60, shape: "diamond" }, encoding: { x, y, color, tooltip: [{ field: "gpu" }, { field: "label" }] } },
    ...labelLayers(ridges, chosen, ridgePlaces, { fontSize: 9 }, { x, y, text: { field: "label" }, color }),
  ];
  if (ops.length > 0) {
    layer.push(
      { data: { values: ops }, mark: { type: "rule", strokeDash: [4, 4], color: "gray" }, encoding: { x } },
      { data: { values: ops }, mark: { type: "point", size: 70, shape: "circle" }, encoding: { x, y, color, tooltip: [{ field: "op" }, { field: "gpu" }, { field: X }, { field: Y }] } },
      { data: { values: opLabels }, mark: { type: "text", angle: 270, align: "left", baseline: "bottom", dx: 4, dy: -3, fontSize: 9, y: height, limit: height * 0.6 }, encoding: { x, text: { field: "op" } } },
    );
  }
  const spec: ChartSpec = { $schema: SCHEMA, title: o.title ?? "Roofline", width, height, layer, config: CONFIG };
  return spec;
}

/** `b` without the first word it shares with `a` ("attention b=1", "attention b=64" → "b=64"). */
function sharedHead(a: string, b: string): string {
  const head = a.split(" ")[0]!;
  return b.startsWith(`${head} `) ? b.slice(head.length + 1) : b;
}
