#!/usr/bin/env bash
# Installs what is missing, then runs every test of nnviz:
#   1. native cargo test (engine goldens, architecture rule, logic)
#   2. wasm-bindgen-test in headless Chromium (components mounted, clicked, asserted)
#   3. release build with trunk + the wasm size budget
#   4. Playwright (playwright-core + Debian chromium) against dist/ served under /nnviz/
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$NNVIZ_ROOT"
scripts/setup.sh

echo "==> 1/4 native tests"
cargo test --locked --workspace

echo "==> 2/4 browser tests (wasm-bindgen-test in headless Chromium)"
cargo test --locked --target wasm32-unknown-unknown --test browser --test browser_rnn --test browser_attention --test browser_gcn --test browser_gpu

echo "==> 3/4 release build and size budget"
scripts/build.sh
scripts/check-size.sh

echo "==> 4/4 end-to-end tests (Playwright, dist/ served under /nnviz/)"
node --test --test-reporter=spec tests/e2e/
