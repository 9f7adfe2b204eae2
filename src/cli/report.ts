/**
 * `suanli report --out DIR` — write the article reproduction as a report: DIR/report.md with
 * its charts (PNG + SVG) beside it, and DIR/report.html, self-contained; all or nothing.
 */
import { flag, str, type Parsed } from "./args.js";
import { print } from "./output.js";

export async function runReport(p: Parsed): Promise<number> {
  const { articleReport } = await import("../report/article.js");
  const written = await articleReport().write(str(p, "out") ?? "suanli-report", { name: str(p, "name") ?? "report" });
  if (flag(p, "json")) print(JSON.stringify(written, null, 2));
  else print(`wrote ${written.files.length} files:\n  ${written.markdown}\n  ${written.html}`);
  return 0;
}
