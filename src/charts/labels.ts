/**
 * Annotation labels that never overlap: each label tries a list of places around its anchor
 * (right, left, above, below …) and takes the first whose box stays inside the plot and clear
 * of every label already placed; a label with no free place is left out (its value stays in
 * the tooltip). Boxes are estimated from the text length (DejaVu Sans: ≤ 0.64 em a character,
 * 1.25 em a line) at pixel positions computed from the chart's own fixed scale domains.
 */

export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** One place to try: an offset from the anchor and the text alignment there. */
export interface Place {
  dx: number;
  dy: number;
  align: "left" | "center" | "right";
}

export interface Anchor {
  /** pixel position of the anchor, from the plot's top-left corner */
  x: number;
  y: number;
  text: string;
}

/** Places around a point: right, left, above, below, then further out. */
export const AROUND: readonly Place[] = [
  { dx: 6, dy: -6, align: "left" },
  { dx: -6, dy: -6, align: "right" },
  { dx: 0, dy: -12, align: "center" },
  { dx: 0, dy: 12, align: "center" },
  { dx: 6, dy: 8, align: "left" },
  { dx: -6, dy: 8, align: "right" },
  { dx: 0, dy: -24, align: "center" },
  { dx: 0, dy: 24, align: "center" },
];

/** The estimated box of `text` at font size `size`, placed at `p` from (x, y) (baseline middle). */
export function textBox(x: number, y: number, text: string, size: number, p: Place): Box {
  const w = text.length * size * 0.64;
  const h = size * 1.25;
  const x1 = p.align === "left" ? x + p.dx : p.align === "right" ? x + p.dx - w : x + p.dx - w / 2;
  return { x1, x2: x1 + w, y1: y + p.dy - h / 2, y2: y + p.dy + h / 2 };
}

const hit = (a: Box, b: Box) => Math.min(a.x2, b.x2) > Math.max(a.x1, b.x1) && Math.min(a.y2, b.y2) > Math.max(a.y1, b.y1);

/**
 * For each anchor (in priority order), the index of the place it takes in `places`, or null
 * when every place overlaps a label already placed or an obstacle (a drawn point), or leaves
 * the plot (width × height).
 */
export function placeLabels(anchors: readonly Anchor[], o: { width: number; height: number; size: number; places?: readonly Place[]; margin?: number; obstacles?: readonly Box[] }): (number | null)[] {
  const places = o.places ?? AROUND;
  const m = o.margin ?? 2;
  const taken: Box[] = [...(o.obstacles ?? [])];
  return anchors.map((a) => {
    for (let i = 0; i < places.length; i++) {
      const b = textBox(a.x, a.y, a.text, o.size, places[i]!);
      if (b.x1 < 0 || b.y1 < 0 || b.x2 > o.width || b.y2 > o.height) continue;
      const padded = { x1: b.x1 - m, y1: b.y1 - m, x2: b.x2 + m, y2: b.y2 + m };
      if (taken.some((t) => hit(t, padded))) continue;
      taken.push(b);
      return i;
    }
    return null;
  });
}

/** A pixel position on a scale with a fixed domain: linear or log, y measured down from the top. */
export function pixel(v: number, domain: readonly [number, number], size: number, o: { log?: boolean; flip?: boolean } = {}): number {
  const f = o.log ? (Math.log(v) - Math.log(domain[0])) / (Math.log(domain[1]) - Math.log(domain[0])) : (v - domain[0]) / (domain[1] - domain[0]);
  return o.flip ? size * (1 - f) : size * f;
}

/**
 * Text layers for placed labels: one layer per place used, each with the rows that took it.
 * Rows whose label found no place are left out.
 */
export function labelLayers<R>(rows: readonly R[], chosen: readonly (number | null)[], places: readonly Place[], mark: Record<string, unknown>, encoding: Record<string, unknown>): unknown[] {
  const layers: unknown[] = [];
  places.forEach((p, i) => {
    const values = rows.filter((_, k) => chosen[k] === i);
    if (values.length > 0) layers.push({ data: { values }, mark: { type: "text", baseline: "middle", ...mark, dx: p.dx, dy: p.dy, align: p.align }, encoding });
  });
  return layers;
}
