/**
 * `suanli report --out DIR` — write the article reproduction as a report: DIR/report.md with
 * its charts (PNG + SVG) beside it, and DIR/report.html, self-contained.
 */
import { parseArgs } from "node:util";
import { articleReport } from "../report/article.js";

export const REPORT_HELP = `usage: suanli report [--out DIR] [--name NAME] [--json]

Write the seed article's reproduction as a report: DIR/NAME.md (default report.md) with its
charts as PNG and SVG files beside it, and DIR/NAME.html, one self-contained file. DIR defaults
to ./suanli-report. Files are written whole (write, then rename). --json prints
{ markdown, html, files[] }.`;

/** Run `suanli report`; returns the exit code. */
export async function runReport(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: "string", default: "suanli-report" },
      name: { type: "string", default: "report" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(REPORT_HELP + "\n");
    return 0;
  }
  const written = await articleReport().write(values.out!, { name: values.name! });
  if (values.json) process.stdout.write(JSON.stringify(written, null, 2) + "\n");
  else process.stdout.write(`wrote ${written.files.length} files:\n  ${written.markdown}\n  ${written.html}\n`);
  return 0;
}
