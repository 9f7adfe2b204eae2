#!/usr/bin/env node
/**
 * The suanli command line. Each verb prints text, or JSON with --json. Exit status: 0 done; 2
 * bad input or an unwritable path — one line on stderr naming the value and what is accepted,
 * never a stack trace; 1 an internal error (SUANLI_DEBUG=1 adds the stack). See cli/main.ts.
 */
import { describeError, main } from "./cli/main.js";

process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  // a closed pipe (suanli sweep … | head) ends the output quietly
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  const d = describeError(e);
  process.stderr.write(`suanli: ${d.line}${d.status === 1 ? (process.env.SUANLI_DEBUG ? "\n" + (e as Error).stack : " (set SUANLI_DEBUG=1 for the stack)") : ""}\n`);
  process.exitCode = d.status;
}
