/** Where the package's datasets/ folder is, from src/ (tests) or dist/ (built) alike. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SuanliError } from "../errors.js";

let root: string | undefined;

/** The package root: the nearest folder above this file holding datasets/ and package.json. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "datasets")) && existsSync(join(dir, "package.json"))) return (root = dir);
    dir = dirname(dir);
  }
  throw new SuanliError("bad-dataset", "cannot find the suanli datasets/ folder above " + fileURLToPath(import.meta.url));
}

export function datasetPath(...parts: string[]): string {
  return join(packageRoot(), "datasets", ...parts);
}

/** Read and parse a JSON dataset, naming the file on failure. */
export function readJson(...parts: string[]): unknown {
  const p = datasetPath(...parts);
  try {
    return JSON.parse(readFileSync(p, "utf8"));
  } catch (e) {
    throw new SuanliError("bad-dataset", `cannot read dataset ${p}: ${(e as Error).message}`, { value: p });
  }
}
