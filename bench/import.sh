#!/usr/bin/env bash
# `crema import-v1` (release) of a generated v1 café: GUESTS guests and ORDERS orders
# (Tests/Fixtures/v1/generate.sql), a dry run, the real run, then a second run that imports
# nothing. Usage: bench/import.sh [guests] [orders] (defaults 100000 1000000). Prints a table;
# never fails on timing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
guests=${1:-100000}
orders=${2:-1000000}

bench_database
swift build -c release --product crema >&2
bin="$(swift build -c release --show-bin-path)/crema"
"$bin" migrate >/dev/null
port=$(echo "$DATABASE_URL" | sed -E 's/.*:([0-9]+)\/.*/\1/')
pg_psql "$port" postgres "CREATE DATABASE v1"
bindir=$(pg_bindir)
"$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d v1 -f Tests/Fixtures/v1/schema.sql >/dev/null
started=$(date +%s.%N)
"$bindir/psql" -X -q -v ON_ERROR_STOP=1 -v guests="$guests" -v orders="$orders" -h 127.0.0.1 -p "$port" -U postgres -d v1 \
    -f Tests/Fixtures/v1/generate.sql >/dev/null
echo "generated $guests guests and $orders orders in $(echo "$(date +%s.%N) - $started" | bc | xargs printf '%.1f') s" >&2
source_url="postgres://postgres@127.0.0.1:$port/v1?sslmode=disable"

run() {
    local label=$1 started elapsed rss
    shift
    started=$(date +%s.%N)
    /usr/bin/time -f '%M' -o "$bench_workdir/rss" "$bin" import-v1 --from "$source_url" "$@" >"$bench_workdir/$label.out"
    elapsed=$(echo "$(date +%s.%N) - $started" | bc)
    rss=$(awk '{ printf "%.0f", $1 / 1024 }' "$bench_workdir/rss")
    printf '%-10s %10.1f %10s   %s\n' "$label" "$elapsed" "$rss" "$(grep -E '^(reconciled|NOT)' "$bench_workdir/$label.out")"
}
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

printf '%-10s %10s %10s\n' run seconds "max RSS MB"
run dry-run --dry-run
run import
run again
echo
sed -n '2,7p' "$bench_workdir/import.out"
echo
"$bin" check-ledger | tail -1
bench_footer
