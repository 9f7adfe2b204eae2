/**
 * Headless Chromium (Debian's `chromium`) for the report tests: load a file, dump the DOM,
 * take a screenshot and collect console messages (chromium logs each one to stderr as
 * `…:CONSOLE:…] "message", source: …` with --enable-logging=stderr).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));

const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
  "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
];

function run(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM!, args, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && !stdout && !/screenshot/i.test(stderr)) reject(new Error(`chromium failed: ${err.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

export interface PageCheck {
  dom: string;
  console: string[];
  screenshot: Uint8Array;
}

/** Load `file` in a fresh headless Chromium profile: its DOM, console messages and a screenshot. */
export async function loadPage(file: string): Promise<PageCheck> {
  if (!CHROMIUM) throw new Error("chromium is not installed (apt-get install -y chromium)");
  const url = pathToFileURL(file).href;
  const dir = mkdtempSync(join(tmpdir(), "suanli-chromium-"));
  try {
    const dump = await run([...FLAGS, `--user-data-dir=${join(dir, "a")}`, "--dump-dom", url]);
    const shot = join(dir, "shot.png");
    const s = await run([...FLAGS, `--user-data-dir=${join(dir, "b")}`, "--window-size=1200,1400", `--screenshot=${shot}`, url]);
    const consoleLines = (dump.stderr + "\n" + s.stderr).split("\n").filter((l) => /:CONSOLE[:(]/.test(l));
    return { dom: dump.stdout, console: consoleLines, screenshot: new Uint8Array(readFileSync(shot)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
