#!/usr/bin/env bash
# Cold start to the first 200 from /readyz, and idle resident memory, of the release build.
# Usage: bench/startup.sh [runs]   (default 5). Prints a table; never fails on timing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib/postgres.sh
runs=${1:-5}
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl; }

workdir=$(mktemp -d /tmp/crema-bench.XXXXXX)
chmod 755 "$workdir"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    pg_stop "$workdir/pg"
    rm -rf "$workdir"
}
trap cleanup EXIT

db_port=$(pg_free_port)
pg_init "$workdir/pg" "$db_port" test
pg_start "$workdir/pg"
pg_psql "$db_port" postgres "CREATE DATABASE crema"
export APP_ENV=test LOG_LEVEL=warning
export DATABASE_URL="postgres://postgres@127.0.0.1:$db_port/crema?sslmode=disable"

echo "building release…" >&2
swift build -c release --product crema >&2
bin="$(swift build -c release --show-bin-path)/crema"
"$bin" migrate >/dev/null

now_ms() { date +%s%3N; }
printf '%-4s %14s %14s %16s\n' run "cold start ms" "idle RSS MB" "RSS after 1k MB"
for run in $(seq 1 "$runs"); do
    port=$(pg_free_port)
    start=$(now_ms)
    PORT=$port "$bin" serve >/dev/null 2>"$workdir/serve.err" &
    server_pid=$!
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" 2>/dev/null)" = 200 ]; do
        kill -0 "$server_pid" 2>/dev/null || { cat "$workdir/serve.err" >&2; exit 1; }
        sleep 0.005
    done
    ready=$(now_ms)
    sleep 1
    idle_kb=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")
    for _ in $(seq 1 1000); do echo "url = \"http://127.0.0.1:$port/readyz\""; done > "$workdir/urls"
    curl -s -o /dev/null -K "$workdir/urls"
    busy_kb=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")
    kill -TERM "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    awk -v r="$run" -v ms="$((ready - start))" -v idle="$idle_kb" -v busy="$busy_kb" \
        'BEGIN { printf "%-4s %14s %14.1f %16.1f\n", r, ms, idle / 1024, busy / 1024 }'
done
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; commit $(git rev-parse --short HEAD 2>/dev/null || echo none); $(date -u +%Y-%m-%dT%H:%MZ)"
