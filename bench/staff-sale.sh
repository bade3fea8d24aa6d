#!/usr/bin/env bash
# Whole sales through the bots (client code, then the barista's code, amount and Confirm:
# bench/staff-sale.lua), each binary given on a fresh database, the binaries alternated ROUNDS
# times so that a machine whose speed drifts compares them fairly. With STATEMENTS=1 each run
# also prints what PostgreSQL spent per statement (pg_stat_statements with planning), costliest first.
# With SALES=api the sales go through POST /api/v1/orders instead (bench/confirm.lua, a fresh
# Idempotency-Key each, one connection per "barista"), for the partner API's side by side.
# Usage: [SALES=api] [STATEMENTS=1] bench/staff-sale.sh [seconds] [baristas] [rounds] [crema binary …]
#        (defaults 20 8 1 and the release build of this tree). Prints a table; never fails on timing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
seconds=${1:-20}
baristas=${2:-8}
rounds=${3:-1}
shift $(($# < 3 ? $# : 3))
binaries=("$@")
guests=1000
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }
if [ ${#binaries[@]} -eq 0 ]; then
    swift build -c release --product crema >&2
    binaries=("$(swift build -c release --show-bin-path)/crema")
fi
export APP_ENV=test LOG_LEVEL=warning DATABASE_POOL_SIZE=${DATABASE_POOL_SIZE:-20} BACKGROUND_JOBS=false
export TELEGRAM_CLIENT_WEBHOOK_SECRET=bench-secret TELEGRAM_STAFF_WEBHOOK_SECRET=bench-secret

# One run: a fresh cluster, the demo guests, BARISTAS staff rows, no redemption cap (so a sale is
# four updates), wrk for SECONDS. Prints the RESULT line of bench/staff-sale.lua.
run_once() { # binary
    local bin=$1 db_port port pid
    bench_database
    db_port=$(echo "$DATABASE_URL" | sed -E 's#.*:([0-9]+)/.*#\1#')
    if [ "${STATEMENTS:-0}" = 1 ]; then
        printf "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track_planning = on\n" >>"$bench_workdir/pg/postgresql.conf"
        pg_stop "$bench_workdir/pg"
        pg_start "$bench_workdir/pg"
    fi
    "$bin" migrate >/dev/null
    "$bin" seed-demo --customers "$guests" >/dev/null
    pg_psql "$db_port" crema "INSERT INTO staff (telegram_id, display_name, role, location_id)
                              SELECT 5000000000 + n, 'Bench ' || n, 'barista', (SELECT min(id) FROM locations) FROM generate_series(1, $baristas) n;
                              UPDATE settings SET value = '0' WHERE key = 'redeem_cap_percent'" >/dev/null
    if [ "${STATEMENTS:-0}" = 1 ]; then pg_psql "$db_port" crema "CREATE EXTENSION pg_stat_statements" >/dev/null; fi
    port=$(pg_free_port)
    PORT=$port "$bin" serve >"$bench_workdir/serve.log" 2>&1 &
    pid=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.05; done
    if [ "${STATEMENTS:-0}" = 1 ]; then pg_psql "$db_port" crema "SELECT pg_stat_statements_reset()" >/dev/null; fi
    if [ "${SALES:-staff}" = api ]; then
        # The partner limit (600 requests a minute per key) would cap the run: lifted, as bench/confirm.sh does.
        pg_psql "$db_port" crema "UPDATE settings SET value = '1000000000' WHERE key = 'api_requests_per_minute'" >/dev/null
        KEY=$("$bin" api-key create --name bench --scopes orders:write | head -1) GUESTS=$guests \
            wrk -t 2 -c "$baristas" -d "${seconds}s" --latency -s bench/confirm.lua "http://127.0.0.1:$port" \
            >"$bench_workdir/sales.txt" 2>&1 || { cat "$bench_workdir/sales.txt" >&2; exit 1; }
    else
        SECRET=bench-secret GUESTS=$guests THREADS=$baristas wrk -t "$baristas" -c "$baristas" -d "${seconds}s" --latency \
            -s bench/staff-sale.lua "http://127.0.0.1:$port" >"$bench_workdir/sales.txt" 2>&1 || { cat "$bench_workdir/sales.txt" >&2; exit 1; }
    fi
    grep '^RESULT' "$bench_workdir/sales.txt"
    if [ "${STATEMENTS:-0}" = 1 ]; then
        pg_psql "$db_port" crema "
            WITH sales AS (SELECT greatest(count(*), 1) AS n FROM orders WHERE created_at > now() - interval '1 hour')
            SELECT calls, plans, round(calls::numeric / sales.n, 2) AS per_sale, round(mean_plan_time::numeric, 3) AS plan_ms,
                   round(mean_exec_time::numeric, 3) AS exec_ms, left(regexp_replace(query, '\s+', ' ', 'g'), 80) AS statement
            FROM pg_stat_statements, sales WHERE calls > 100 ORDER BY total_plan_time + total_exec_time DESC" >&2
    fi
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pg_stop "$bench_workdir/pg"
    rm -rf "$bench_workdir/pg"
}

printf '%-6s %-40s %10s %12s %10s %10s %9s\n' round binary "sales/s" "updates/s" "p50 ms" "p99 ms" restarts
for round in $(seq 1 "$rounds"); do
    for bin in "${binaries[@]}"; do
        line=$(run_once "$bin")
        if [ "${SALES:-staff}" = api ]; then
            read -r sales p50 p99 errors < <(echo "$line" | sed -nE 's/^RESULT rps=([0-9.]+) p50=([0-9.]+) p99=([0-9.]+) non2xx=([0-9]+).*/\1 \2 \3 \4/p')
            updates=$sales restarts=0
        else
            read -r sales updates p50 p99 restarts errors < <(echo "$line" |
                sed -nE 's/^RESULT sales=([0-9.]+) updates=([0-9.]+) p50=([0-9.]+) p99=([0-9.]+) restarts=([0-9]+) non2xx=([0-9]+).*/\1 \2 \3 \4 \5 \6/p')
        fi
        printf '%-6s %-40s %10s %12s %10s %10s %9s' "$round" "$(basename "$(dirname "$bin")")/$(basename "$bin")" "$sales" "$updates" "$p50" "$p99" "$restarts"
        if [ "$errors" = 0 ]; then echo; else echo "   !!! $errors answers were not 2xx: not a measurement"; fi
    done
done
if [ "${SALES:-staff}" = api ]; then echo "SALES=api: one request a sale; updates/s is requests/s."; else echo "p50 and p99 are per update; a sale is four updates."; fi
bench_footer
