/**
 * Tornado chart of a sensitivity table (`result.sensitivity()`, uncertainty/sensitivity.ts):
 * one bar per assumption from the result at its low setting to the result at its high setting,
 * split at the base value, largest swing on top; a rule marks the base.
 */
import { checkKeys } from "../validate.js";
import { SuanliError, show } from "../errors.js";
import { optionKeys, base, CONFIG, rowsOf, type ChartData, type ChartOptions, type ChartSpec } from "./spec.js";

export type TornadoOptions = ChartOptions;

const NEEDED = ["label", "setting_low", "setting_high", "result_low", "result_base", "result_high", "swing", "unit"];

const TORNADO_KEYS = optionKeys<TornadoOptions>({});

/**
 * A tornado chart.
 * @example tornado(e.decode({ batch: 64, context: 4096 }).sensitivity())
 */
export function tornado(data: ChartData, o: TornadoOptions = {}): ChartSpec {
  checkKeys(o, TORNADO_KEYS, "chart.tornado");
  const { rows, columns } = rowsOf(data, "chart.tornado");
  const missing = NEEDED.filter((c) => !columns.includes(c));
  if (missing.length) throw new SuanliError("bad-argument", `chart.tornado takes a sensitivity table (result.sensitivity()); missing column(s) ${missing.map((c) => show(c)).join(", ")}`, { value: columns });
  const unit = String(rows[0]!.unit);
  const order = [...rows].sort((a, b) => (b.swing as number) - (a.swing as number)).map((r) => r.label as string);
  const values = rows.flatMap((r) => [
    { label: r.label, end: "low setting", setting: r.setting_low, from: r.result_base, to: r.result_low },
    { label: r.label, end: "high setting", setting: r.setting_high, from: r.result_base, to: r.result_high },
  ]);
  const y = { field: "label", type: "nominal", sort: order, title: null, axis: { labelLimit: 240 } };
  const layer = [
    {
      mark: { type: "bar", height: 14 },
      encoding: {
        y,
        x: { field: "from", type: "quantitative", title: `result (${unit})`, scale: { zero: false } },
        x2: { field: "to" },
        color: { field: "end", type: "nominal", title: "assumption at", sort: ["low setting", "high setting"] },
        tooltip: [{ field: "label" }, { field: "end" }, { field: "setting", type: "quantitative" }, { field: "to", type: "quantitative", title: `result (${unit})` }],
      },
    },
    { data: { values: [{ base: rows[0]!.result_base }] }, mark: { type: "rule", strokeDash: [4, 3] }, encoding: { x: { field: "base", type: "quantitative" } } },
  ];
  const spec = base({ height: 26 * rows.length, ...o }, rows);
  return { ...spec, data: { values }, layer, config: CONFIG };
}
