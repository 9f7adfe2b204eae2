/**
 * The seed article's reproduction (article/reproduce.ts) as a report: the verdict summary, a
 * chart of the verdicts and one of the GPUs the article compares, the claims table, and every
 * claim's derivation — what `suanli report --out DIR` writes.
 */
import { reproduce, verdictSummary } from "../article/reproduce.js";
import { bar, gpuComparison } from "../charts/bar.js";
import { report, type Report } from "./report.js";

/** Build the article-reproduction report (pure: nothing is written until `.write(dir)`). */
export function articleReport(): Report {
  const rows = reproduce();
  const summary = verdictSummary(rows);
  const counts = Object.entries(summary).map(([verdict, claims]) => ({ verdict, claims }));
  let r = report("Reproducing “H20 GPU compute evaluation” with suanli")
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
