#!/usr/bin/env bash
# Prints the size of each page's release wasm, raw and gzipped (-9), and fails if any page's is
# above the budget (350 KB gz). Each view is its own page with its own wasm (scripts/build.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$NNVIZ_ROOT"
budget=$((350 * 1024))
shopt -s nullglob
pages=(dist/*.html)
if [ ${#pages[@]} -eq 0 ]; then echo "size check: no pages in dist/ (run scripts/build.sh)"; exit 1; fi
failed=0
for page in "${pages[@]}"; do
  stem=$(grep -o 'nnviz-[0-9a-f]*_bg\.wasm' "$page" | head -1 | sed 's/_bg\.wasm$//')
  if [ -z "$stem" ] || [ ! -f "dist/${stem}_bg.wasm" ]; then echo "size check: $page loads no wasm found in dist/"; exit 1; fi
  raw=$(stat -c %s "dist/${stem}_bg.wasm")
  gz=$(gzip -9 -c "dist/${stem}_bg.wasm" | wc -c)
  jsgz=$(gzip -9 -c "dist/${stem}.js" | wc -c)
  awk -v p="$(basename "$page")" -v r="$raw" -v g="$gz" -v j="$jsgz" -v b="$budget" 'BEGIN {
    printf "%-15s wasm %7.1f KB raw, %6.1f KB gzipped; JS glue %4.1f KB gzipped; budget %d KB gzipped\n", p, r/1024, g/1024, j/1024, b/1024 }'
  if [ "$gz" -gt "$budget" ]; then echo "size check FAILED: $page is over budget"; failed=1; fi
done
[ "$failed" -eq 0 ] && echo "size check passed"
exit "$failed"
