// Make the CLI entry executable after tsc writes it (tsc does not keep the mode).
import { chmodSync, existsSync } from "node:fs";
if (existsSync("dist/cli.js")) chmodSync("dist/cli.js", 0o755);
