#!/usr/bin/env bash
# Builds the release app into dist/: index.html (home, no view) and one page per view
# (rnn.html, attention.html, gcn.html), each with its own wasm built with only that view's Cargo
# feature, so a student downloads only the view they open. trunk builds one page per run and
# empties its dist dir, so each page is built into target/pages/<page> and the pages are merged
# (their shared CSS and icon have the same hashed names). Extra arguments go to trunk.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$NNVIZ_ROOT"
rm -rf dist.new
mkdir -p dist.new
for page in index rnn attention gcn gcn-learn gpu; do
  echo "==> $page.html"
  trunk build "$page.html" --release --dist "target/pages/$page" "$@"
  for f in "target/pages/$page"/*; do
    name=$(basename "$f")
    [ "$name" = index.html ] && name="$page.html"
    cp -r "$f" "dist.new/$name"
  done
done
rm -rf dist
mv dist.new dist
