# Shared by the browser tests: headless Chromium and its driver (and zbarimg) from Debian, Selenium from PyPI
# in a venv, and a `crema serve` on a fresh database.
# Source it from the repository root after scripts/lib/postgres.sh.

# Installs what is missing and prints the venv's python.
browser_python() {
    local venv="$PWD/.build/browser-venv"
    if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
        echo "browser: installing chromium and chromium-driver from Debian" >&2
        apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 \
            || { apt-get update -q >/dev/null && apt-get install -y -q chromium chromium-driver >/dev/null; } >&2
    fi
    if ! command -v zbarimg >/dev/null 2>&1; then
        echo "browser: installing zbar-tools from Debian (the Mini App test reads the QR with it)" >&2
        apt-get install -y -q zbar-tools >/dev/null 2>&1 \
            || { apt-get update -q >/dev/null && apt-get install -y -q zbar-tools >/dev/null; } >&2
    fi
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import selenium" 2>/dev/null; then
        echo "browser: installing selenium into $venv" >&2
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install -q "selenium>=4.20,<5" >&2
    fi
    echo "$venv/bin/python"
}

# browser_serve PG_PORT CREMA_BIN DATABASE: migrates and seeds a fresh DATABASE, starts
# `crema serve` in dev on a free port and waits until it is ready. Sets BROWSER_BASE,
# BROWSER_SERVER (pid) and BROWSER_LOG; the caller stops the server.
browser_serve() {
    local pg_port=$1 crema=$2 database=$3 port
    pg_psql "$pg_port" postgres "DROP DATABASE IF EXISTS $database"
    pg_psql "$pg_port" postgres "CREATE DATABASE $database"
    port=$(pg_free_port)
    export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/$database?sslmode=disable"
    export APP_ENV=dev LOG_LEVEL=warning PORT=$port
    unset TELEGRAM_API_BASE_URL
    "$crema" migrate >/dev/null
    "$crema" seed-demo >/dev/null
    BROWSER_LOG=$(mktemp /tmp/crema-browser-serve.XXXXXX)
    "$crema" serve >"$BROWSER_LOG" 2>&1 &
    BROWSER_SERVER=$!
    BROWSER_BASE="http://127.0.0.1:$port"
    for _ in $(seq 1 100); do
        python3 -c "import urllib.request; urllib.request.urlopen('$BROWSER_BASE/readyz', timeout=1)" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "browser: crema serve did not become ready; its log:" >&2
    tail -30 "$BROWSER_LOG" >&2
    return 1
}
