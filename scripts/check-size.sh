#!/usr/bin/env bash
# Prints the release wasm size raw and gzipped (-9) and fails above the budget (350 KB gz).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$NNVIZ_ROOT"
budget=$((350 * 1024))
shopt -s nullglob
wasm=(dist/*.wasm)
js=(dist/*.js)
if [ ${#wasm[@]} -ne 1 ]; then echo "size check: expected one .wasm in dist/ (run trunk build --release)"; exit 1; fi
raw=$(stat -c %s "${wasm[0]}")
gz=$(gzip -9 -c "${wasm[0]}" | wc -c)
jsgz=$(cat "${js[@]}" | gzip -9 -c | wc -c)
awk -v r="$raw" -v g="$gz" -v j="$jsgz" -v b="$budget" 'BEGIN {
  printf "release wasm: %d bytes raw (%.1f KB), %d bytes gzipped (%.1f KB); JS glue %.1f KB gzipped; budget %d KB gzipped\n", r, r/1024, g, g/1024, j/1024, b/1024 }'
if [ "$gz" -gt "$budget" ]; then echo "size check FAILED: over budget"; exit 1; fi
echo "size check passed"
