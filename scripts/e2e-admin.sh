#!/usr/bin/env bash
# The admin panel in a real browser: headless Chromium from Debian driven by Selenium, against
# `crema serve` on a fresh database with the demo data. Desktop and 390×844 phone screenshots
# land in artifacts/admin/.
#
# Usage: scripts/e2e-admin.sh PG_PORT CREMA_BIN
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib/postgres.sh
. scripts/lib/browser.sh

python=$(browser_python)
browser_serve "$1" "$2" crema_admin_e2e
trap 'kill "$BROWSER_SERVER" 2>/dev/null || true; wait "$BROWSER_SERVER" 2>/dev/null || true' EXIT

artifacts="$root/artifacts/admin"
rm -rf "$artifacts"
if ! "$python" scripts/e2e/admin_test.py "$BROWSER_BASE" "$artifacts"; then
    echo "admin: the browser test failed; screenshots in $artifacts; server log:" >&2
    tail -30 "$BROWSER_LOG" >&2
    exit 1
fi
