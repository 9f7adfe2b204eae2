/**
 * What the README shows is run: every ```ts block is type-checked and executed against the
 * built package (dist/), in order, as one module; every ```sh line runs against the built CLI
 * and must exit 0. Lines that install or rebuild (npm ci, npm test, npm link, jupyter, tslab
 * install) are what CI itself runs and are listed, not repeated here.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { DuckDBInstance } from "@duckdb/node-api";

const root = new URL("..", import.meta.url).pathname;
const readme = readFileSync(join(root, "README.md"), "utf8");
const dist = join(root, "dist");

/** Fenced blocks of one language, in order. */
export function fencedBlocks(md: string, lang: string): string[] {
  return fencedModules(md, lang).flat();
}

/**
 * The blocks grouped into modules: a block preceded by `<!-- readme-test: a new module … -->`
 * starts a module of its own (a user's own notebook, say); the others run on from the last.
 */
export function fencedModules(md: string, lang: string): string[][] {
  const out: string[][] = [[]];
  const re = new RegExp("(<!-- readme-test: a new module[^>]*-->\\s*\\n)?^```" + lang + "[ \\t]*\\n([\\s\\S]*?)^```[ \\t]*$", "gm");
  for (let m = re.exec(md); m; m = re.exec(md)) {
    if (m[1] && out.at(-1)!.length > 0) out.push([]);
    out.at(-1)!.push(m[2]!);
  }
  return out.filter((x) => x.length > 0);
}

/** Split `a; b(c; d);` at top-level semicolons (outside brackets and strings). */
function statements(code: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = "";
  let cur = "";
  for (const ch of code) {
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth--;
    else if (ch === ";" && depth === 0) {
      out.push(cur.trim());
      cur = "";
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/**
 * A line `expr;  // "148 TFLOPS"` (or `// 31`, `// true`; several statements with as many
 * values) states its result: it becomes a check that the expression gives exactly that.
 */
export function checkedLine(line: string): string {
  const m = /^(\s*)(.*;)\s*\/\/\s*(.*)$/.exec(line);
  if (!m || /^\s*(const|let|import|await)\b/.test(m[2]!)) return line;
  const stated = [...m[3]!.matchAll(/\s*("[^"]*"|-?\d+(?:\.\d+)?\b|true\b|false\b),?/gy)].map((x) => x[1]!);
  const stmts = statements(m[2]!);
  if (stated.length === 0 || stated.length !== stmts.length) return line;
  return m[1] + stmts.map((st, i) => `__stated(${st}, ${stated[i]}, ${JSON.stringify(st)});`).join(" ");
}

const STATED = `function __stated(actual: unknown, stated: unknown, what: string): void {
  if (actual !== stated) throw new Error(\`README: \${what} gives \${JSON.stringify(actual)}, the README says \${JSON.stringify(stated)}\`);
}`;

/** Merge the blocks into one module: imports hoisted and merged per specifier, the rest in order. */
export function snippetModule(blocks: readonly string[], resolve: (spec: string) => string): string {
  const names = new Map<string, Set<string>>();
  const body: string[] = [STATED];
  for (const b of blocks) {
    for (const line of b.split("\n")) {
      const m = /^import\s*\{([^}]*)\}\s*from\s*"([^"]+)";?/.exec(line);
      if (!m) {
        body.push(checkedLine(line));
        continue;
      }
      const set = names.get(m[2]!) ?? new Set<string>();
      for (const n of m[1]!.split(",").map((x) => x.trim()).filter(Boolean)) set.add(n);
      names.set(m[2]!, set);
    }
  }
  const imports = [...names].map(([spec, set]) => `import { ${[...set].join(", ")} } from ${JSON.stringify(resolve(spec))};`);
  return [...imports, ...body, "export {};"].join("\n");
}

/** Shell lines CI runs itself (installs, builds, the test suite): listed, not re-run here. */
const CI_RUNS = [/^npm (ci|test|install|link|init)\b/, /^npx tslab install\b/, /^(sudo )?apt(-get)? /, /^jupyter /, /^cd /];

/** A README shell line as argv for node: `suanli …` and `npm run suanli -- …` run dist/cli.js. */
export function shellArgv(line: string): string[] | null {
  const words = [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  if (words[0] === "suanli") return [join(dist, "cli.js"), ...words.slice(1)];
  if (words[0] === "npm" && words[1] === "run") {
    const scripts = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts as Record<string, string>;
    const script = scripts[words[2]!];
    if (script === undefined) throw new Error(`README runs npm run ${words[2]}, which package.json lacks`);
    const cmd = script.replace(/^npm run build && /, "");
    const m = /^node (\S+)(.*)$/.exec(cmd);
    if (!m) throw new Error(`README's npm run ${words[2]} is not a node script: ${script}`);
    const rest = words.slice(3);
    return [join(root, m[1]!), ...m[2]!.trim().split(/\s+/).filter(Boolean), ...(rest[0] === "--" ? rest.slice(1) : rest)];
  }
  return null;
}

function shellLines(): string[] {
  return fencedBlocks(readme, "(?:sh|bash|shell)")
    .flatMap((b) => b.split("\n"))
    .map((l) => l.replace(/\s+#.*$/, "").replace(/^\$ /, "").trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .flatMap((l) => l.split(/\s*&&\s*/));
}

describe("README", () => {
  const tsBlocks = fencedBlocks(readme, "ts");
  const tsModules = fencedModules(readme, "ts");
  it("has TypeScript examples and shell commands", () => {
    expect(tsBlocks.length).toBeGreaterThanOrEqual(3);
    expect(shellLines().length).toBeGreaterThanOrEqual(3);
  });

  it("turns a stated result into a check", () => {
    expect(checkedLine(`h20.peak().format();   // "148 TFLOPS"   (dense)`)).toBe(`__stated(h20.peak().format(), "148 TFLOPS", "h20.peak().format()");`);
    expect(checkedLine(`a.x(); b.y(1, 2);  // "1 GiB", 31`)).toBe(`__stated(a.x(), "1 GiB", "a.x()"); __stated(b.y(1, 2), 31, "b.y(1, 2)");`);
    expect(checkedLine(`e.decode(o).time;  // and .bound`)).toBe(`e.decode(o).time;  // and .bound`);
    const stated = snippetModule(tsBlocks, (x) => x).match(/__stated\(/g)?.length ?? 0;
    expect(stated).toBeGreaterThanOrEqual(10);
  });

  it.each(tsModules.map((m, i) => [i + 1, m] as const))("TypeScript examples (module %i) type-check and run against dist/", (_i, blocks) => {
    const dir = mkdtempSync(join(tmpdir(), "suanli-readme-"));
    const stub = join(dir, "notebook-stub.mjs");
    // show() needs a Jupyter kernel; here it builds the same MIME bundle, which refuses what it cannot display.
    writeFileSync(stub, `import { mimeBundle } from ${JSON.stringify(join(dist, "notebook.js"))};\nexport * from ${JSON.stringify(join(dist, "notebook.js"))};\nexport async function show(x, o) { const b = await mimeBundle(x, o); if (Object.keys(b).length === 0) throw new Error("show: empty bundle"); }\n`);
    writeFileSync(join(dir, "notebook-stub.d.mts"), `export * from ${JSON.stringify(join(dist, "notebook.js"))};\n`);
    const resolve = (forRun: boolean) => (spec: string) =>
      spec === "suanli" ? join(dist, "index.js") : spec === "suanli/notebook" ? (forRun ? stub : join(dist, "notebook.js")) : spec;
    const file = join(dir, "readme.mts");
    writeFileSync(file, snippetModule(blocks, resolve(false)));
    const program = ts.createProgram([file], {
      module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
      strict: true, noEmit: true, skipLibCheck: true, types: ["node"], typeRoots: [join(root, "node_modules/@types")],
    });
    const diags = ts.getPreEmitDiagnostics(program).map((d) => {
      const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      return `${pos ? `line ${pos.line + 1}: ` : ""}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
    expect(diags, readFileSync(file, "utf8")).toEqual([]);
    const js = ts.transpileModule(snippetModule(blocks, resolve(true)), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(dir, "readme.mjs"), js);
    const p = spawnSync(process.execPath, [join(dir, "readme.mjs")], { cwd: dir, encoding: "utf8", timeout: 120_000 });
    expect(p.stderr.replace(/^suanli warning: .*\n/gm, ""), p.stdout).toBe("");
    expect(p.status).toBe(0);
  }, 180_000);

  it("every shell command runs and exits 0, and the SQL runs on what they wrote", async () => {
    const ran: string[] = [];
    const skipped: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), "suanli-readme-sh-"));
    for (const line of shellLines()) {
      if (CI_RUNS.some((re) => re.test(line))) {
        skipped.push(line);
        continue;
      }
      const argv = shellArgv(line);
      expect(argv, `README shell line the test cannot run: ${line}`).not.toBeNull();
      const p = spawnSync(process.execPath, argv!, { cwd: dir, encoding: "utf8", timeout: 120_000 });
      expect(p.status, `${line}\n${p.stderr}`).toBe(0);
      ran.push(line);
    }
    expect(ran.length).toBeGreaterThan(0);
    // The quick start's install and test lines are what CI runs; nothing else is skipped.
    for (const s of skipped) expect(CI_RUNS.some((re) => re.test(s))).toBe(true);
    // The SQL of the Parquet hand-off runs in DuckDB on the file the README's sweep wrote.
    for (const sql of fencedBlocks(readme, "sql")) {
      const db = await DuckDBInstance.create(":memory:");
      const c = await db.connect();
      const rows = (await c.runAndReadAll(`SET file_search_path='${dir}'; ` + sql)).getRowObjects();
      expect(rows.length, sql).toBeGreaterThan(0);
      c.closeSync();
    }
  }, 600_000);

  it("the reproduction summary it prints is the one `suanli reproduce --json` gives", () => {
    const stated = /"summary": (\{[^}]*\})/.exec(readme);
    expect(stated, "README shows the reproduce --json summary").not.toBeNull();
    const p = spawnSync(process.execPath, [join(dist, "cli.js"), "reproduce", "--json"], { encoding: "utf8" });
    expect(p.status).toBe(0);
    expect(JSON.parse(stated![1]!)).toEqual(JSON.parse(p.stdout).summary);
  });
});
