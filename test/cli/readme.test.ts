import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { DuckDBInstance } from "@duckdb/node-api";
import { cliPath } from "./run.js";

// Every `suanli …` line of the README's shell blocks runs against the built CLI, and its SQL
// block runs in DuckDB on the Parquet file the sweep command wrote.
const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const blocks = (lang: string) => [...readme.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]!);

/** Split a shell line into words (double quotes only, as the README uses them). */
const words = (line: string) => [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);

describe("README: the CLI commands run", () => {
  const lines = blocks("sh").flatMap((b) => b.split("\n")).filter((l) => l.startsWith("suanli "));
  const cwd = mkdtempSync(join(tmpdir(), "suanli-readme-"));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));
  it("every suanli command exits 0", () => {
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const line of lines) {
      const r = spawnSync(process.execPath, [cliPath, ...words(line).slice(1)], { cwd, encoding: "utf8", timeout: 120_000 });
      expect(r.status, `${line}\n${r.stderr}`).toBe(0);
      expect(r.stdout.length, line).toBeGreaterThan(0);
    }
  }, 300_000);
  it("the SQL of the Parquet hand-off runs on the file the sweep wrote", async () => {
    const [sql] = blocks("sql");
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    const rows = (await c.runAndReadAll(`SET file_search_path='${cwd}'; ` + sql!)).getRowObjects();
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) expect(Number(r.largest_batch_that_fits)).toBeGreaterThan(0);
    c.closeSync();
  });
});
