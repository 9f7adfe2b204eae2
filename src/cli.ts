#!/usr/bin/env node
/**
 * The suanli command line. Each verb prints text, or JSON with --json. Exit status: 0 done; 2
 * bad input or an unwritable path — one line on stderr naming the value and what is accepted,
 * never a stack trace; 1 an internal error. Flags are parsed by cli/args.ts from the specs in
 * cli/verbs.ts; a verb's module (and the kit modules it needs) is loaded only when it runs, so a
 * one-shot answer starts fast.
 */
import { readFileSync } from "node:fs";
import { SuanliError, show } from "./errors.js";
import { helpText, parseVerb, registerVerbs, type Parsed } from "./cli/args.js";
import { MAIN_HELP, VERBS } from "./cli/verbs.js";
import { didYouMean } from "./validate.js";

/** Each verb's runner, imported on demand. */
const RUN: Record<string, () => Promise<(p: Parsed) => Promise<number>>> = {
  reproduce: async () => (await import("./cli/reproduce.js")).runReproduce,
  gpus: async () => (await import("./cli/catalog.js")).runGpus,
  models: async () => (await import("./cli/catalog.js")).runModels,
  kv: async () => (await import("./cli/kv.js")).runKv,
  decode: async () => (await import("./cli/decode.js")).runDecode,
  sweep: async () => (await import("./cli/sweep.js")).runSweep,
  train: async () => (await import("./cli/train.js")).runTrain,
  simulate: async () => (await import("./cli/simulate.js")).runSimulate,
  report: async () => (await import("./cli/report.js")).runReport,
};

registerVerbs(VERBS);

function version(): string {
  return (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

/** Run one command line (argv without node and the script); returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === "--help" || cmd === "-h" || cmd === "help") {
    if (cmd === "help" && rest[0] !== undefined) return main([rest[0], "--help"]);
    process.stdout.write(MAIN_HELP + "\n");
    return 0;
  }
  if (cmd === "--version" || cmd === "-v" || cmd === "version") {
    process.stdout.write(`suanli ${version()}\n`);
    return 0;
  }
  const spec = VERBS.find((v) => v.name === cmd);
  if (!spec) {
    const hint = didYouMean(cmd, VERBS.map((v) => v.name));
    throw new SuanliError("bad-argument", `unknown command ${show(cmd)}${hint ? ` (did you mean ${hint}?)` : ""}; commands: ${VERBS.map((v) => v.name).join(", ")} (suanli --help)`, { value: cmd });
  }
  const parsed = parseVerb(spec, rest);
  if (parsed.help) {
    process.stdout.write(helpText(spec) + "\n");
    return 0;
  }
  return (await RUN[cmd]!())(parsed);
}

process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  // a closed pipe (suanli sweep … | head) ends the output quietly
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof SuanliError) {
    process.stderr.write(`suanli: ${e.message.split("\n")[0]}\n`);
    process.exitCode = 2;
  } else if (e instanceof RangeError && /Invalid (string|array) length|Array buffer allocation failed/.test(e.message)) {
    process.stderr.write(`suanli: the result is too large to hold in memory (${e.message}); write it in pieces, e.g. sweep … --out FILE.parquet\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`suanli: internal error: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}${process.env.SUANLI_DEBUG ? "\n" + (e as Error).stack : " (set SUANLI_DEBUG=1 for the stack)"}\n`);
    process.exitCode = 1;
  }
}
