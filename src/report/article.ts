/**
 * The seed article's reproduction (article/reproduce.ts) as a report: the verdict summary, a
 * chart of the verdicts and one of the GPUs the article compares, the claims table, and every
 * claim's derivation — what `suanli report --out DIR` writes.
 */
import { reproduce, verdictSummary } from "../article/reproduce.js";
import { bar, gpuComparison } from "../charts/bar.js";
import { report, type Report } from "./report.js";
import { articleClaims } from "../article/claims.js";
import { gpu } from "../hardware/gpu.js";
import { cluster } from "../hardware/cluster.js";
import { model } from "../model/model.js";

type Side = { gpu: string; precision?: string; gpus: number; tp?: number };

/**
 * The decode predictions behind the article's inference comparisons, each printed with its 80 %
 * error band (uncertainty/interval.ts): where the two bands do not overlap the choice is clear
 * beyond the kit's error on published measurements; where they do it is within it.
 */
function predictions(r: Report): Report {
  const seen = new Set<string>();
  let out = r.heading("Predictions with their error bands");
  out = out.text("Each decode step below is a prediction; beside it, the 80 % band the kit's held-out error on published measurements gives its regime (README: Uncertainty).");
  for (const c of articleClaims()) {
    const s = c.compute as { fn?: string; model?: string; a?: Side; b?: Side; batch?: number; context?: number };
    if (s.fn !== "decodeRatio" || !s.model || !s.a || !s.b || s.batch === undefined || s.context === undefined) continue;
    const key = JSON.stringify([s.model, s.a, s.b, s.batch, s.context]);
    if (seen.has(key)) continue;
    seen.add(key);
    const steps = [s.a, s.b].map((side) => {
      let g = gpu(side.gpu);
      if (side.precision) g = g.precision(side.precision as never);
      const d = model(s.model!).on(cluster(g, side.gpus).tp(side.tp ?? 1)).decode({ batch: s.batch!, context: s.context! });
      return { label: `${side.gpus}× ${side.gpu} ${side.precision ?? ""}`.trim(), d, i: d.interval() };
    });
    for (const x of steps) out = out.number(`${s.model} decode step, batch ${s.batch} @ ${s.context}, ${x.label}`, x.d.time, { interval: x.i });
    const [a, b] = steps as [(typeof steps)[0], (typeof steps)[0]];
    const apart = a.i.high.value < b.i.low.value || b.i.high.value < a.i.low.value;
    out = out.text(apart ? `${a.label} vs ${b.label}: the bands do not overlap — the difference is larger than the kit's error.` : `${a.label} vs ${b.label}: the bands overlap — the difference is within the kit's error.`);
  }
  return out;
}

/** Build the article-reproduction report (pure: nothing is written until `.write(dir)`). */
export function articleReport(): Report {
  const rows = reproduce();
  const summary = verdictSummary(rows);
  const counts = Object.entries(summary).map(([verdict, claims]) => ({ verdict, claims }));
  let r: Report = report("Reproducing “H20 GPU compute evaluation” with suanli")
    .text(
      "Every numeric claim of the seed article (an evaluation of the NVIDIA H20 against the A800 for LLM serving) " +
        "recomputed with the kit, each with the article's stated value, the kit's value with its unit, a verdict and the arithmetic behind it.\n\n" +
        `${rows.length} claims: ${counts.map((c) => `${c.claims} ${c.verdict}`).join(", ")}.`,
    )
    .heading("Verdicts")
    .table(counts, { caption: "claims per verdict" })
    .chart(bar(counts, { x: "verdict", y: "claims", title: "Claims per verdict", labels: true }), { caption: "How the article's numbers hold up", name: "verdicts" })
    .heading("The GPUs compared")
    .chart(gpuComparison(["H20", "A800", "H100"], { precisions: ["fp16", "fp8", "int8"] }), {
      caption: "Dense peak by precision (vendor datasheets; sparse headline figures halved)",
      name: "gpu-comparison",
    })
  r = predictions(r)
    .heading("Claims")
    .table(
      rows.map((x) => ({ id: x.id, section: x.section, claim: x.claimEn, stated: x.stated, kit: x.kit, verdict: x.verdict })),
      { limit: rows.length },
    )
    .heading("Derivations");
  for (const x of rows) {
    r = r
      .heading(`${x.id} — ${x.claimEn}`, 3)
      .text(`> ${x.claimZh}\n\nStated: **${x.stated}** · kit: **${x.kit}** · verdict: **${x.verdict}** — ${x.reason}${x.note ? `\n\n${x.note}` : ""}`)
      .text(x.derivationMarkdown);
  }
  return r;
}
