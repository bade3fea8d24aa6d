#!/usr/bin/env bash
# A browser test: headless Chromium from Debian driven by Selenium (PyPI, in a venv), against
# `crema serve` in APP_ENV=dev on a fresh database with the demo data.
#   playground: both bots through the real webhooks (scripts/e2e/playground_test.py)
#   admin:      the admin panel as an owner uses it (scripts/e2e/admin_test.py), once in Russian
#               and once in English, each on a fresh database
#   miniapp:    the guest's card and the barista's till Mini Apps (scripts/e2e/miniapp_test.py)
# Screenshots land in artifacts/NAME/.
#
# Usage: scripts/e2e-browser.sh PG_PORT CREMA_BIN playground|admin|miniapp
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib/postgres.sh
. scripts/lib/browser.sh
name=$3
case "$name" in playground|admin|miniapp) ;; *) echo "usage: $0 PG_PORT CREMA_BIN playground|admin|miniapp" >&2; exit 64 ;; esac

python=$(browser_python)
artifacts="$root/artifacts/$name"
rm -rf "$artifacts"

# run_once DATABASE [ARGUMENTS…]: a fresh server and database for one run of the test.
run_once() {
    local database=$1
    shift
    browser_serve "$PG_PORT" "$CREMA_BIN" "$database"
    if ! "$python" "scripts/e2e/${name}_test.py" "$BROWSER_BASE" "$artifacts" "$@"; then
        echo "$name: the browser test failed; screenshots in $artifacts; server log:" >&2
        tail -30 "$BROWSER_LOG" >&2
        kill "$BROWSER_SERVER" 2>/dev/null || true
        exit 1
    fi
    kill "$BROWSER_SERVER" 2>/dev/null || true
    wait "$BROWSER_SERVER" 2>/dev/null || true
}

PG_PORT=$1
CREMA_BIN=$2
trap 'kill "${BROWSER_SERVER:-}" 2>/dev/null || true' EXIT
if [ "$name" = admin ]; then
    run_once "crema_admin_ru_e2e" ru
    run_once "crema_admin_en_e2e" en
else
    run_once "crema_${name}_e2e"
fi
