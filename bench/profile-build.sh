#!/usr/bin/env bash
# A release build whose wasm keeps its function names, for bench/profile.mjs: the same
# opt-level and wasm-opt -Oz as the shipped build, plus -g. Output in /tmp/dist-prof.
# Usage: bench/profile-build.sh [page]   (rnn, attention, gcn or index; default attention)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
page="${1:-attention}"
sed 's/data-wasm-opt="z"/& data-keep-debug/' "$page.html" > index-prof.html
trunk build --release --dist /tmp/dist-prof index-prof.html
wasm=$(ls /tmp/dist-prof/*_bg.wasm)
node_modules/.bin/wasm-opt -Oz -g target/wasm-bindgen/release/nnviz_bg.wasm -o "$wasm" \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-simd
sed -i 's/ integrity="[^"]*"//g' /tmp/dist-prof/index.html
rm index-prof.html
echo "named build in /tmp/dist-prof"
