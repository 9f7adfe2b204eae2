import { vi } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describeError, main } from "../../src/cli/main.js";

export interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

/** Run the command line in this process (src/cli/main.ts), capturing stdout and the error line. */
export async function cliInProcess(argv: string[]): Promise<Outcome> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((stdout += typeof s === "string" ? s : Buffer.from(s).toString("utf8")), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  try {
    const status = await main(argv);
    return { status, stdout, stderr };
  } catch (e) {
    const d = describeError(e);
    return { status: d.status, stdout, stderr: stderr + `suanli: ${d.line}\n` };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** The built CLI (dist/cli.js; npm test builds first), as a user runs it. */
export const cliPath = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
export function cliSpawn(args: string[], timeout = 60_000): Outcome & { signal: NodeJS.Signals | null } {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: "utf8", timeout });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}
