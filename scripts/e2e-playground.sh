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
pg_port=$1
crema=$2

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    echo "playground: installing chromium and chromium-driver from Debian"
    apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null && apt-get install -y -q chromium chromium-driver >/dev/null; }
fi
venv="$root/.build/browser-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import selenium" 2>/dev/null; then
    echo "playground: installing selenium into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "selenium>=4.20,<5"
fi

database=crema_playground
pg_psql "$pg_port" postgres "DROP DATABASE IF EXISTS $database"
pg_psql "$pg_port" postgres "CREATE DATABASE $database"
port=$(pg_free_port)
export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/$database?sslmode=disable"
export APP_ENV=dev LOG_LEVEL=warning PORT=$port
unset TELEGRAM_API_BASE_URL
"$crema" migrate >/dev/null
"$crema" seed-demo >/dev/null
log=$(mktemp /tmp/crema-playground-serve.XXXXXX)
"$crema" serve >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/readyz', timeout=1)" 2>/dev/null && break
    sleep 0.1
done

artifacts="$root/artifacts/playground"
rm -rf "$artifacts"
if ! "$venv/bin/python" scripts/e2e/playground_test.py "http://127.0.0.1:$port" "$artifacts"; then
    echo "playground: the browser test failed; screenshots in $artifacts; server log:" >&2
    tail -30 "$log" >&2
    exit 1
fi
