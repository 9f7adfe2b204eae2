#!/usr/bin/env bash
# Execute every notebooks/*.ipynb (sorted) under the real tslab kernel.
#
#   bash scripts/run-notebooks.sh [--inplace] [--out-dir DIR] [--timeout S] [NOTEBOOK...]
#   npm run notebooks [-- --inplace]
#
# - kernel working directory = the notebook's folder (notebooks import ../dist/index.js,
#   so run `npm run build` first);
# - executed copies go to $NB_OUT_DIR (default: a fresh mktemp dir); the committed
#   notebooks are only overwritten with --inplace (and never when a cell fails);
# - per-cell timeout: --timeout or $NB_CELL_TIMEOUT (default 300 s);
# - on a cell error, scripts/nbrun.py prints the cell index, its source and that
#   cell's full iopub stream (tslab errors arrive as stderr text, which nbconvert
#   reports as an empty "<Error>:"); the script keeps going with the remaining
#   notebooks and exits 1 at the end if any failed.
# Needs /usr/bin/python3 with jupyter_client + nbformat (Debian: python3-nbclient,
# python3-ipykernel) and the tslab kernel registered:
#   PATH="$PWD/node_modules/.bin:$PATH" npx tslab install --python=/usr/bin/python3
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PY=/usr/bin/python3
INPLACE=0
OUT_DIR="${NB_OUT_DIR:-}"
TIMEOUT="${NB_CELL_TIMEOUT:-300}"
NOTEBOOKS=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --inplace) INPLACE=1 ;;
    --out-dir) OUT_DIR="$2"; shift ;;
    --out-dir=*) OUT_DIR="${1#*=}" ;;
    --timeout) TIMEOUT="$2"; shift ;;
    --timeout=*) TIMEOUT="${1#*=}" ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "run-notebooks: unknown option $1" >&2; exit 2 ;;
    *) NOTEBOOKS+=("$1") ;;
  esac
  shift
done

if [[ ${#NOTEBOOKS[@]} -eq 0 ]]; then
  shopt -s nullglob
  NOTEBOOKS=(notebooks/*.ipynb)
  shopt -u nullglob
  if [[ ${#NOTEBOOKS[@]} -eq 0 ]]; then
    echo "run-notebooks: no notebooks in notebooks/*.ipynb; nothing to do."
    exit 0
  fi
  # sort (glob order is locale-dependent)
  mapfile -t NOTEBOOKS < <(printf '%s\n' "${NOTEBOOKS[@]}" | LC_ALL=C sort)
fi

if ! "$PY" -c 'import jupyter_client, nbformat' 2>/dev/null; then
  echo "run-notebooks: $PY lacks jupyter_client/nbformat." >&2
  echo "  install: apt-get install -y jupyter-nbconvert python3-nbclient python3-ipykernel" >&2
  exit 1
fi

# tslab's kernel.json launches the bare command "tslab": it must be on PATH.
export PATH="$ROOT/node_modules/.bin:$PATH"
if ! command -v tslab >/dev/null 2>&1; then
  echo "run-notebooks: tslab not found in node_modules/.bin (run npm ci)." >&2
  exit 1
fi
if ! "$PY" -c 'import sys
from jupyter_client.kernelspec import KernelSpecManager
sys.exit(0 if "tslab" in KernelSpecManager().find_kernel_specs() else 1)' 2>/dev/null; then
  echo "run-notebooks: tslab kernel not registered; registering it."
  tslab install --python="$PY"
fi

if [[ ! -f dist/index.js ]]; then
  echo "run-notebooks: warning: dist/index.js missing (notebooks import ../dist/index.js); run npm run build." >&2
fi

if [[ $INPLACE -eq 0 ]]; then
  if [[ -z "$OUT_DIR" ]]; then OUT_DIR="$(mktemp -d "${TMPDIR:-/tmp}/suanli-notebooks.XXXXXX")"; fi
  mkdir -p "$OUT_DIR"
  echo "run-notebooks: executed copies -> $OUT_DIR"
fi

failed=()
total_start=$SECONDS
for nb in "${NOTEBOOKS[@]}"; do
  echo "--- notebook: $nb"
  args=("$nb" --timeout "$TIMEOUT")
  if [[ $INPLACE -eq 1 ]]; then
    args+=(--inplace)
  else
    args+=(--out "$OUT_DIR/$(basename "$nb")")
  fi
  if ! "$PY" "$ROOT/scripts/nbrun.py" "${args[@]}"; then
    failed+=("$nb")
  fi
done

echo "run-notebooks: ${#NOTEBOOKS[@]} notebook(s), ${#failed[@]} failed, $((SECONDS - total_start))s"
if [[ ${#failed[@]} -gt 0 ]]; then
  printf 'run-notebooks: FAILED: %s\n' "${failed[@]}" >&2
  exit 1
fi
