/**
 * One colour per thing across every chart: a memory term, a GPU, a precision, a batching
 * policy or a step component keeps its colour whichever chart it appears in and whatever else
 * is beside it. Known names have a fixed colour (Tableau 20, as vega's "tableau20" scheme);
 * any other name gets one of the ten strong colours from a hash of its text, moved to the next
 * free colour only when it would repeat one already in the same chart. Numbers (batch, context) keep vega's ordinal
 * colours in their order.
 */

const T20 = [
  "#4c78a8", "#9ecae9", "#f58518", "#ffbf79", "#54a24b", "#88d27a", "#b79a20", "#f2cf5b", "#439894", "#83bcb6",
  "#e45756", "#ff9d98", "#79706e", "#bab0ac", "#d67195", "#fcbfd2", "#b279a2", "#d6a5c9", "#9e765f", "#d8b5a5",
] as const;
const [blue, lightBlue, orange, lightOrange, green, lightGreen, olive, yellow, teal, lightTeal, red, pink, grey, lightGrey, rose, lightRose, purple, lightPurple, brown, tan] = T20;

/** Fixed colours, one list per vocabulary, distinct within each (names as the kit writes them). */
const NAMED: Readonly<Record<string, string>> = Object.freeze({
  // memory terms: training (training/memory.ts) and inference (inference/memory.ts)
  weights: blue,
  "FP8 weight copies": lightBlue,
  fp8Copies: lightBlue,
  gradients: orange,
  "optimizer states": red,
  optimizer: red,
  "ZeRO-3 gathered layer": lightOrange,
  zero3Gather: lightOrange,
  "activations (layers)": green,
  activations: green,
  "recompute working set": lightGreen,
  recomputeWorkingSet: lightGreen,
  "embedding activations": olive,
  embeddingActivations: olive,
  "logits / loss activations": yellow,
  logitsActivations: yellow,
  "runtime reserve": lightGrey,
  reserve: lightGrey,
  kv: purple,
  "KV cache": purple,
  // step components (training/step.ts)
  compute: blue,
  "pipeline bubble": lightGrey,
  "TP all-reduces": orange,
  "PP sends": teal,
  "DP gradients (exposed)": red,
  // precisions
  fp32: grey,
  tf32: lightGrey,
  bf16: lightBlue,
  fp16: blue,
  fp8: orange,
  int8: red,
  fp4: green,
  int4: lightGreen,
  // batching policies
  static: grey,
  inflight: blue,
  "in-flight": blue,
  // GPUs of the catalog, by id and by the short name people type
  H20: orange,
  "A800-SXM-80GB": blue,
  A800: blue,
  "A100-SXM-80GB": lightBlue,
  A100: lightBlue,
  "A100-PCIe-40GB": lightTeal,
  "H100-SXM": green,
  H100: green,
  "H100-PCIe": lightGreen,
  "H800-SXM": olive,
  H800: olive,
  "H200-SXM": teal,
  H200: teal,
  B200: purple,
  L20: rose,
  L40S: lightRose,
  L4: yellow,
  "RTX-4090": brown,
  "RTX 4090": brown,
  MI300X: red,
});

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * The colour of each name in one chart: its fixed colour, else one from its hash, moved on to
 * the next unused colour when two names of the chart would share one.
 * @example colorsOf(["weights", "gradients"]) // ["#4c78a8", "#f58518"]
 */
export function colorsOf(names: readonly string[]): string[] {
  const used = new Set<string>();
  const out: string[] = new Array(names.length);
  // fixed names first, so a hashed name never takes a fixed name's colour in the same chart
  names.forEach((n, i) => {
    const c = NAMED[n];
    if (c !== undefined && !used.has(c)) {
      out[i] = c;
      used.add(c);
    }
  });
  names.forEach((n, i) => {
    if (out[i] !== undefined) return;
    // the ten strong colours (even places) first, then their light partners
    const order = [...T20.filter((_, j) => j % 2 === 0), ...T20.filter((_, j) => j % 2 === 1)];
    let k = hash(n) % 10;
    for (let tries = 0; tries < order.length && used.has(order[k]!); tries++) k = (k + 1) % order.length;
    out[i] = order[k]!;
    used.add(out[i]!);
  });
  return out;
}

/**
 * The vega-lite colour scale for a nominal field's values: a fixed domain and range for text
 * values (colorsOf), nothing for numbers (their order sets their colour).
 */
export function colorScale(values: readonly unknown[]): Record<string, unknown> {
  const distinct = [...new Set(values)];
  if (distinct.some((v) => typeof v !== "string")) return {};
  const names = distinct as string[];
  return { scale: { domain: names, range: colorsOf(names) } };
}
