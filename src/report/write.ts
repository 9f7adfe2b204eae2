/**
 * Writing a report's files so that a reader never sees half of one: see util/files.ts — a new
 * directory appears complete or not at all; into an existing one each file is staged and
 * renamed over its target after every target was checked.
 */
import { writeFilesAtomically } from "../util/files.js";

/** Write `files` (name → content) into `dir`, all or nothing; returns their paths. */
export function writeAtomically(dir: string, files: ReadonlyMap<string, string | Uint8Array>): string[] {
  return writeFilesAtomically(dir, files, "report.write");
}
