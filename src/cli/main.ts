/**
 * The command line as a function: `main(argv)` runs one command and returns its exit status;
 * `describeError(e)` is the one line and status an error ends it with (2: SuanliError — bad
 * input or an unwritable path; 1: internal). Flags are parsed by args.ts from the specs in
 * verbs.ts; a verb's module (and the kit modules it needs) is loaded only when it runs.
 */
import { readFileSync } from "node:fs";
import { SuanliError, show } from "../errors.js";
import { helpText, parseVerb, registerVerbs, type Parsed } from "./args.js";
import { MAIN_HELP, VERBS } from "./verbs.js";
import { didYouMean } from "../validate.js";

/** Each verb's runner, imported on demand. */
const RUN: Record<string, () => Promise<(p: Parsed) => Promise<number>>> = {
  reproduce: async () => (await import("./reproduce.js")).runReproduce,
  gpus: async () => (await import("./catalog.js")).runGpus,
  models: async () => (await import("./catalog.js")).runModels,
  kv: async () => (await import("./kv.js")).runKv,
  decode: async () => (await import("./decode.js")).runDecode,
  sweep: async () => (await import("./sweep.js")).runSweep,
  train: async () => (await import("./train.js")).runTrain,
  simulate: async () => (await import("./simulate.js")).runSimulate,
  report: async () => (await import("./report.js")).runReport,
  capacity: async () => (await import("./capacity.js")).runCapacity,
  plan: async () => (await import("./plan.js")).runPlan,
};

registerVerbs(VERBS);

function version(): string {
  return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
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

/** The stderr line (without "suanli: ") and exit status for an error that ended a command. */
export function describeError(e: unknown): { status: number; line: string } {
  if (e instanceof SuanliError) return { status: 2, line: e.message.split("\n")[0]! };
  if (e instanceof RangeError && /Invalid (string|array) length|Array buffer allocation failed/.test(e.message)) {
    return { status: 2, line: `the result is too large to hold in memory (${e.message}); write it in pieces, e.g. sweep … --out FILE.parquet` };
  }
  const msg = e instanceof Error ? e.message.split("\n")[0]! : String(e);
  return { status: 1, line: `internal error: ${msg}` };
}
