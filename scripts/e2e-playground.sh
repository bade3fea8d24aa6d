#!/usr/bin/env bash
# The dev playground in a real browser: headless Chromium from Debian, driven by Selenium (PyPI,
# in a venv), against `crema serve` in APP_ENV=dev on a fresh database. Screenshots land in
# artifacts/playground/.
#
# Usage: scripts/e2e-playground.sh PG_PORT CREMA_BIN
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib/postgres.sh
. scripts/lib/browser.sh

python=$(browser_python)
browser_serve "$1" "$2" crema_playground
trap 'kill "$BROWSER_SERVER" 2>/dev/null || true; wait "$BROWSER_SERVER" 2>/dev/null || true' EXIT

artifacts="$root/artifacts/playground"
rm -rf "$artifacts"
if ! "$python" scripts/e2e/playground_test.py "$BROWSER_BASE" "$artifacts"; then
    echo "playground: the browser test failed; screenshots in $artifacts; server log:" >&2
    tail -30 "$BROWSER_LOG" >&2
    exit 1
fi
