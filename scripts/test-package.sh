#!/usr/bin/env bash
# The kit as a user gets it: pack it, install the tarball into a fresh temporary folder with
# tslab (no overrides, nothing from this checkout but the tarball), check that it imports and
# that `npx suanli` runs there, then execute a notebook under the tslab kernel in that folder
# whose first cell is the README's "In your own notebook" cell, and assert that no cell errored
# and that a chart (PNG + SVG) and an HTML table came out.
#
#   bash scripts/test-package.sh            (needs npm with registry access, /usr/bin/python3
#                                            with jupyter_client + nbformat, tslab registered)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY=/usr/bin/python3
WORK="$(mktemp -d "${TMPDIR:-/tmp}/suanli-package.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
TSLAB="$(node -p "require('$ROOT/package.json').devDependencies.tslab")"

echo "--- npm pack"
mkdir -p "$WORK/pack" "$WORK/user"
(cd "$ROOT" && npm pack --silent --pack-destination "$WORK/pack" >/dev/null)
TARBALL="$(ls "$WORK"/pack/*.tgz)"
echo "    $(basename "$TARBALL") ($(du -k "$TARBALL" | cut -f1) KiB)"

echo "--- npm install the tarball + tslab@$TSLAB into $WORK/user"
cd "$WORK/user"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$TARBALL" "tslab@$TSLAB" >/dev/null
node -e 'import("suanli").then((m) => { if (typeof m.sweep !== "function") process.exit(1); })'
node -e 'import("suanli/notebook").then((m) => { if (typeof m.show !== "function") process.exit(1); })'
npx --no-install suanli reproduce >/dev/null
echo "    imports ok; npx suanli reproduce ok"

echo "--- notebook under tslab in the user's folder"
"$PY" - "$ROOT/README.md" "$WORK/user/first.ipynb" <<'PYEOF'
import re, sys, nbformat
readme = open(sys.argv[1], encoding="utf-8").read()
section = readme.split("## In your own notebook", 1)[1]
first = re.search(r"```ts\n(.*?)```", section, re.S).group(1)
nb = nbformat.v4.new_notebook()
nb.metadata["kernelspec"] = {"name": "tslab", "display_name": "TypeScript", "language": "typescript"}
cells = [
    first,
    # every public return type can be named by a user's const
    'import { streaming, simulate } from "suanli";\n'
    'const e = model("llama2-70b").on(cluster(gpu("H20"), 8).tp(8));\n'
    'const s = streaming(e, { batch: 8, context: 32768, window: 4096 });\n'
    'const sim = simulate(e, { requests: 10, seed: 1 });\n'
    'const big = t.filter((d: { batch: number }) => d.batch > 1);\n'
    'await show(s);\nawait show(sim);\nawait show(chart.bar(big, { x: "context", y: "kv_GiB", group: "batch" }));',
]
nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
nbformat.write(nb, sys.argv[2])
PYEOF
PATH="$WORK/user/node_modules/.bin:$PATH" "$PY" "$ROOT/scripts/nbrun.py" first.ipynb --out executed.ipynb --timeout 120

"$PY" - "$WORK/user/executed.ipynb" <<'PYEOF'
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
outs = [o for c in nb.cells for o in c.get("outputs", [])]
errors = [o for o in outs if o.output_type == "error" or (o.output_type == "stream" and o.get("name") == "stderr" and "rror" in o.text)]
charts = [o for o in outs if o.output_type == "display_data" and {"image/png", "image/svg+xml"} <= set(o.data)]
tables = [o for o in outs if o.output_type == "display_data" and "<table" in o.data.get("text/html", "")]
results = [o for o in outs if o.output_type == "display_data" and "suanli-result" in o.data.get("text/html", "")]
print("    %d outputs: %d charts (PNG + SVG), %d tables, %d results, %d errors" % (len(outs), len(charts), len(tables), len(results), len(errors)))
ok = not errors and len(charts) >= 2 and tables and len(results) >= 3
sys.exit(0 if ok else 1)
PYEOF
echo "test-package: ok"
