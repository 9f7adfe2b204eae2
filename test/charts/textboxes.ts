import * as vega from "vega";
import type { ChartSpec } from "../../src/index.js";
import { compile } from "../../src/charts/render.js";

/** A text item as drawn: its string, its box in view pixels, and the mark it belongs to. */
export interface TextBox {
  text: string;
  role: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

interface SceneItem {
  x?: number;
  y?: number;
  text?: unknown;
  opacity?: number;
  bounds?: { x1: number; y1: number; x2: number; y2: number };
  items?: SceneNode[];
  mark?: { role?: string };
}
interface SceneNode {
  marktype?: string;
  role?: string;
  items?: SceneItem[];
}

/** Every visible text item of a rendered chart, with its bounds from vega's scenegraph (offset by its enclosing groups). */
export async function textBoxes(spec: ChartSpec): Promise<{ boxes: TextBox[]; width: number; height: number }> {
  const { vega: v } = await compile(spec);
  const view = new vega.View(vega.parse(v as never), { renderer: "none" });
  await view.runAsync();
  const boxes: TextBox[] = [];
  const walk = (mark: SceneNode, ox: number, oy: number) => {
    for (const item of mark.items ?? []) {
      if (mark.marktype === "text") {
        const t = Array.isArray(item.text) ? item.text.join(" ") : String(item.text ?? "");
        if (t.trim() !== "" && item.opacity !== 0 && item.bounds && Number.isFinite(item.bounds.x1)) {
          boxes.push({ text: t, role: mark.role ?? "", x1: item.bounds.x1 + ox, y1: item.bounds.y1 + oy, x2: item.bounds.x2 + ox, y2: item.bounds.y2 + oy });
        }
      } else if (mark.marktype === "group") {
        for (const child of item.items ?? []) walk(child, ox + (item.x ?? 0), oy + (item.y ?? 0));
      }
    }
  };
  walk((view.scenegraph() as unknown as { root: SceneNode }).root, 0, 0);
  const out = { boxes, width: view.width(), height: view.height() };
  view.finalize();
  return out;
}

/** Pairs of text boxes that intersect (by more than `slack` pixels on both axes). */
export function overlaps(boxes: readonly TextBox[], slack = 0.5): [TextBox, TextBox][] {
  const out: [TextBox, TextBox][] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) > slack && Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) > slack) out.push([a, b]);
    }
  }
  return out;
}
