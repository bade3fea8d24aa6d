#!/usr/bin/env bash
# Sale confirmation throughput against the physical limit: pgbench running crema's own confirm
# transaction (bench/confirm.pgbench: the same statements and indexes), then the same sales through
# POST /api/v1/orders with wrk (bench/confirm.lua: fresh Idempotency-Keys, GUESTS guests).
# Then whole sales through the client and staff bots (bench/staff-sale.lua).
# Usage: bench/confirm.sh [seconds] ["connections …"] [guests] [debug|release]   (defaults 20 "8 32" 1000 release)
# Prints a table; never fails on timing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
seconds=${1:-20}
connections=${2:-"8 32"}
guests=${3:-1000}
configuration=${4:-release}
for tool in wrk pgbench curl; do
    command -v "$tool" >/dev/null || { apt-get install -y -qq wrk postgresql-contrib curl >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk postgresql-contrib curl >/dev/null; }; }
done

bench_database
db_port=$(echo "$DATABASE_URL" | sed -E 's#.*:([0-9]+)/.*#\1#')
export APP_ENV=test LOG_LEVEL=warning DATABASE_POOL_SIZE=${DATABASE_POOL_SIZE:-20}
echo "building $configuration…" >&2
swift build -c "$configuration" --product crema >&2
bin="$(swift build -c "$configuration" --show-bin-path)/crema"
"$bin" migrate >/dev/null
"$bin" seed-demo --customers "$guests" >/dev/null
read -r first last < <(pg_psql "$db_port" crema "SELECT min(id), max(id) FROM customers WHERE telegram_id >= 7000000000" -tA -F' ')
# The partner limit (600 requests a minute per key) would cap the run: lift it for the benchmark.
pg_psql "$db_port" crema "UPDATE settings SET value = '1000000000' WHERE key IN ('api_requests_per_minute')"

pgb=$(pg_bindir)/pgbench
[ -x "$pgb" ] || pgb=$(command -v pgbench)
export TELEGRAM_CLIENT_WEBHOOK_SECRET=bench-secret TELEGRAM_STAFF_WEBHOOK_SECRET=bench-secret BACKGROUND_JOBS=false
port=$(pg_free_port)
PORT=$port "$bin" serve >"$bench_workdir/serve.log" 2>&1 &
bench_pids+=("$!")
until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.05; done
key=$("$bin" api-key create --name bench --scopes orders:write | head -1)

rows=()
declare -A pgbench_at
for clients in $connections; do
    echo "pgbench: $clients clients, ${seconds}s…" >&2
    runuser -u postgres -- "$pgb" -h 127.0.0.1 -p "$db_port" -U postgres -n -M prepared -c "$clients" -j 2 -T "$seconds" \
        -D first="$first" -D last="$last" -f bench/confirm.pgbench -r crema >"$bench_workdir/pgbench-$clients.txt" 2>&1 \
        || { cat "$bench_workdir/pgbench-$clients.txt" >&2; exit 1; }
    pgbench_tps=$(awk '/^tps/ {print $3; exit}' "$bench_workdir/pgbench-$clients.txt")
    pgbench_at[$clients]=$pgbench_tps
    pgbench_latency=$(awk '/^latency average/ {print $4; exit}' "$bench_workdir/pgbench-$clients.txt")
    rows+=("$(printf '%-40s %6s %10.0f %10s %10s %8s' "pgbench, crema's confirm SQL" "$clients" "$pgbench_tps" "(avg $pgbench_latency)" "—" "100 %")")

    echo "wrk, the partner API: $clients connections, ${seconds}s…" >&2
    KEY=$key GUESTS=$guests wrk -t 2 -c "$clients" -d "${seconds}s" --latency -s bench/confirm.lua "http://127.0.0.1:$port" \
        >"$bench_workdir/wrk-$clients.txt" 2>&1 || { cat "$bench_workdir/wrk-$clients.txt" >&2; exit 1; }
    read -r rps p50 p99 errors < <(sed -nE 's/^RESULT rps=([0-9.]+) p50=([0-9.]+) p99=([0-9.]+) non2xx=([0-9]+).*/\1 \2 \3 \4/p' "$bench_workdir/wrk-$clients.txt")
    rows+=("$(printf '%-40s %6s %10.0f %10.2f %10.2f %7.0f %%' "POST /api/v1/orders" "$clients" "$rps" "$p50" "$p99" "$(echo "$rps * 100 / $pgbench_tps" | bc -l)")")
    [ "$errors" = 0 ] || rows+=("    ($errors non-2xx answers)")
done

# Whole sales through the bots: a barista per connection (staff rows made here; the invite flow
# has its own tests), the points step skipped (no redemption cap), so each sale is 4 updates.
staff=${connections%% *}
pg_psql "$db_port" crema "INSERT INTO staff (telegram_id, display_name, role, location_id)
                          SELECT 5000000000 + n, 'Bench ' || n, 'barista', (SELECT min(id) FROM locations) FROM generate_series(1, $staff) n;
                          UPDATE settings SET value = '0' WHERE key = 'redeem_cap_percent'" >/dev/null
echo "wrk, the bots: $staff baristas, ${seconds}s…" >&2
SECRET=bench-secret GUESTS=$guests THREADS=$staff wrk -t "$staff" -c "$staff" -d "${seconds}s" --latency -s bench/staff-sale.lua \
    "http://127.0.0.1:$port" >"$bench_workdir/staff.txt" 2>&1 || { cat "$bench_workdir/staff.txt" >&2; exit 1; }
read -r sales updates p50 p99 restarts < <(sed -nE 's/^RESULT sales=([0-9.]+) updates=([0-9.]+) p50=([0-9.]+) p99=([0-9.]+) restarts=([0-9]+).*/\1 \2 \3 \4 \5/p' "$bench_workdir/staff.txt")
rows+=("$(printf '%-40s %6s %10.0f %10.2f %10.2f %7.0f %%' "staff bot (4 updates a sale; per update)" "$staff" "$sales" "$p50" "$p99" "$(echo "$sales * 100 / ${pgbench_at[$staff]}" | bc -l)")")
ledger=$("$bin" check-ledger 2>/dev/null | tail -1)

echo
echo "sale confirmation, $guests guests, ${seconds}s each ($configuration build)"
printf '%-40s %6s %10s %10s %10s %8s\n' path conns "sales/s" "p50 ms" "p99 ms" "vs pgbench"
printf '%s\n' "${rows[@]}"
echo "staff bot: $updates updates/s in all, $restarts sales started over"
echo "$ledger"
echo
echo "pgbench per-statement latency at $clients clients (ms):"
sed -n '/statement latencies/,$p' "$bench_workdir/pgbench-$clients.txt" | tail -n +2 | cut -c1-110
echo
bench_footer
