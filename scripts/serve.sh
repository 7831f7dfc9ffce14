#!/usr/bin/env bash
# Installs what is missing, builds the release app and serves dist/ at http://127.0.0.1:${PORT:-8080}/
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$NNVIZ_ROOT"
scripts/setup.sh
scripts/build.sh
port="${PORT:-8080}"
echo "==> nnviz at http://127.0.0.1:$port/  (Ctrl-C to stop)"
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory dist
