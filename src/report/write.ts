/**
 * Writing files so that a reader never sees half of one: each file goes to a temporary name
 * in the same directory and is renamed over the target (rename is atomic within a file
 * system). Everything is rendered in memory first, so a failure leaves no partial report.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { SuanliError, show } from "../errors.js";

/** Write `files` (name → content) into `dir`, each via write-then-rename; returns their paths. */
export function writeAtomically(dir: string, files: ReadonlyMap<string, string | Uint8Array>): string[] {
  if (typeof dir !== "string" || dir === "") throw new SuanliError("bad-argument", `report.write: give an output directory, got ${show(dir)}`, { value: dir });
  mkdirSync(dir, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const staged: [string, string][] = [];
  try {
    for (const [name, content] of files) {
      const target = join(dir, name);
      const tmp = join(dir, `.${name}.${tag}.tmp`);
      writeFileSync(tmp, content);
      staged.push([tmp, target]);
    }
    const out: string[] = [];
    for (const [tmp, target] of staged) {
      renameSync(tmp, target);
      out.push(target);
    }
    return out;
  } catch (e) {
    for (const [tmp] of staged) rmSync(tmp, { force: true });
    throw e;
  }
}
