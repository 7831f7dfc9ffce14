#!/usr/bin/env bash
# Installs what is missing to build and test nnviz, skipping whatever is already there at the
# right version. Fresh machine: ~11 minutes (trunk's compile dominates); afterwards: seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$NNVIZ_ROOT"
say() { printf '==> %s\n' "$*"; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (~2.5 min)"
  # Not --locked: its lock file names a crate version the registry lacks (TOOLCHAIN.md).
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (~7.5 min)"
  cargo install trunk --version "$TRUNK_VERSION" --locked --force
fi

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  say "installing Debian chromium and chromium-driver"
  sudo_if_needed apt-get update
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
fi

wasm_opt_ok=$(wasm-opt --version 2>/dev/null | grep -c 'version 132' || true)
if [ "$wasm_opt_ok" = 0 ] || [ ! -d node_modules/playwright-core ] \
   || ! cmp -s package-lock.json node_modules/.nnviz-lock-stamp 2>/dev/null; then
  say "installing node tools (playwright-core, binaryen 132)"
  npm ci --no-audit --no-fund
  cp package-lock.json node_modules/.nnviz-lock-stamp
fi

# trunk runs cargo offline (Trunk.toml): make sure every crate is downloaded first.
cargo fetch --locked >/dev/null
say "setup complete"
