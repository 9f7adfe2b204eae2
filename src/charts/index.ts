/**
 * `chart` — the chart builders under one name, each returning a plain vega-lite spec (render
 * it with `renderSvg`/`renderPng`, show it with `show` from "suanli/notebook"):
 * - chart.bar / chart.gpuComparison — grouped bars (GPUs × precision);
 * - chart.line — x / y / color / facet;
 * - chart.roofline — log–log, ridge points and operations;
 * - chart.memoryBreakdown — stacked memory parts against a capacity rule;
 * - chart.heatmap — a value over two categories (e.g. max batch over GPU × context);
 * - chart.frontier — throughput against latency with the Pareto frontier;
 * - chart.tornado — a sensitivity table (result.sensitivity()) as a tornado;
 * - chart.ridgePlane — the catalog's bandwidth against dense 16-bit/FP8 peak, with ridge lines.
 */
import { bar, gpuComparison } from "./bar.js";
import { line } from "./line.js";
import { roofline } from "./roofline.js";
import { memoryBreakdown } from "./memory.js";
import { heatmap } from "./heatmap.js";
import { frontier } from "./frontier.js";
import { tornado } from "./tornado.js";
import { ridgePlane } from "./ridgeplane.js";

export const chart = Object.freeze({ bar, gpuComparison, line, roofline, memoryBreakdown, heatmap, frontier, tornado, ridgePlane });
