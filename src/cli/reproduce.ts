/** `suanli reproduce` — every numeric claim of the seed article, checked. */
import { reproduce, verdictSummary, type ReproductionRow } from "../article/reproduce.js";
import { flag, type Parsed } from "./args.js";
import { print } from "./output.js";

export function renderReproduction(rows: readonly ReproductionRow[]): string {
  const out: string[] = [];
  const s = verdictSummary(rows);
  out.push("H20算力秘密: GPU算力评估-中 — every numeric claim, recomputed by suanli");
  out.push(`${rows.length} claims: ` + Object.entries(s).map(([k, v]) => `${v} ${k}`).join(", "));
  rows.forEach((r, i) => {
    out.push("");
    out.push(`[${i + 1}] ${r.id} · §${r.section} · ${r.verdict.toUpperCase()}`);
    out.push(`    claim    ${r.claimZh}`);
    out.push(`             ${r.claimEn}`);
    out.push(`    article  ${r.stated}`);
    out.push(`    kit      ${r.kit}`);
    out.push(`    verdict  ${r.verdict}: ${r.reason}`);
    if (r.note) out.push(`    note     ${r.note}`);
    out.push(`    how      ${r.derivation}`);
  });
  return out.join("\n");
}

export async function runReproduce(p: Parsed): Promise<number> {
  const rows = reproduce();
  print(flag(p, "json") ? JSON.stringify({ article: "h20-gpu-compute-evaluation", summary: verdictSummary(rows), claims: rows }, null, 2) : renderReproduction(rows));
  return 0;
}
