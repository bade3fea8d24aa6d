#!/usr/bin/env bash
# Fuzzes the partner API from its own contract with schemathesis (PyPI, in a venv this script
# creates): a real `crema serve` on a fresh database, a test key with every scope, and the checks
# "no 5xx" and "every response matches the schema". Prints the number of generated cases.
#
# Usage: scripts/fuzz-api.sh PG_PORT CREMA_BIN [max examples per operation, default 30]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib/postgres.sh
pg_port=$1
crema=$2
examples=${3:-30}

venv="$root/.build/fuzz-venv"
if [ ! -x "$venv/bin/schemathesis" ]; then
    echo "fuzz: installing schemathesis into $venv"
    if ! python3 -m venv "$venv" 2>/dev/null; then
        echo "fuzz: installing python3-venv from Debian"
        apt-get install -y -q python3-venv >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q python3-venv >/dev/null; }
        rm -rf "$venv"
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install -q "schemathesis>=4,<5"
fi

database=crema_fuzz
pg_psql "$pg_port" postgres "DROP DATABASE IF EXISTS $database"
pg_psql "$pg_port" postgres "CREATE DATABASE $database"
export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/$database?sslmode=disable"
export APP_ENV=test LOG_LEVEL=warning TELEGRAM_API_BASE_URL=http://127.0.0.1:9
"$crema" migrate >/dev/null
"$crema" seed-demo >/dev/null
key=$("$crema" api-key create --name fuzz \
    --scopes customers:read,customers:write,codes:write,orders:read,orders:write,feedback:write,gifts:read,gifts:write,analytics:read | head -1)
# Limits stay on, but high enough that the fuzzer reaches the handlers rather than 429.
pg_psql "$pg_port" "$database" "UPDATE settings SET value = '100000' WHERE key LIKE 'api_%_per_minute'"

port=$(pg_free_port)
log=$(mktemp /tmp/crema-fuzz-serve.XXXXXX)
PORT=$port "$crema" serve >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "${scratch:-}"' EXIT
for _ in $(seq 1 100); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/readyz', timeout=1)" 2>/dev/null && break
    sleep 0.1
done

report=$(mktemp /tmp/crema-fuzz-report.XXXXXX)
set +e
# schemathesis keeps a cache in its working folder: give it a throw-away one.
scratch=$(mktemp -d /tmp/crema-fuzz.XXXXXX)
(cd "$scratch" && "$venv/bin/schemathesis" run "http://127.0.0.1:$port/openapi.yaml" \
    -H "Authorization: Bearer $key" \
    --checks not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance \
    --max-examples "$examples" --seed 20261125) >"$report" 2>&1
status=$?
set -e
sed -n '/SUMMARY/,$p' "$report"
if [ "$status" -ne 0 ]; then
    echo "fuzz: schemathesis found problems; full report:" >&2
    cat "$report" >&2
    echo "fuzz: server log:" >&2
    tail -50 "$log" >&2
    exit "$status"
fi
if grep -q '"level":"error"' "$log"; then
    echo "fuzz: the server logged errors:" >&2
    grep '"level":"error"' "$log" | head -20 >&2
    exit 1
fi
echo "fuzz: $(grep -Eo '[0-9]+ generated' "$report" | head -1) cases, no 5xx, every response matched the contract"
