#!/usr/bin/env node
/**
 * Run a script with arguments and report its peak resident memory: `node bench/child.mjs
 * SCRIPT ARGS…` writes "maxrss_kb N" as the last line on stderr (process.resourceUsage, KiB on
 * Linux). The benchmark uses it to measure the CLI as a user runs it.
 */
import { writeSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const [script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], resolve(script), ...args];
process.on("exit", () => writeSync(2, `\nmaxrss_kb ${process.resourceUsage().maxRSS}\n`));
await import(pathToFileURL(resolve(script)).href);
