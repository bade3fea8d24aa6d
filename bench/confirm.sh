#!/usr/bin/env bash
# Sale confirmation throughput against the physical limit. pgbench runs the server's own SQL,
# generated from its prepared statements (Tests/IntegrationTests/BenchScriptTests.swift): the
# engine's sale under the lock (bench/confirm.pgbench, the staff bot's), the engine's guarded sale
# on the pool (bench/confirm-guarded.pgbench, the API's) and the partner API's whole sale with
# admission and idempotency (bench/confirm-api.pgbench); then the same sales through POST /api/v1/orders with wrk
# (bench/confirm.lua: fresh Idempotency-Keys, GUESTS guests), then whole sales through the staff bot
# (bench/staff-sale.lua). A run in which any request was answered other than 2xx prints which
# statuses, and no ratio: such a run measured something else.
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

defines=(-D guests="$guests" -D now="$(date -u '+%Y-%m-%d %H:%M:%S+00')" -D window_start="$(date -u '+%Y-%m-%d %H:%M:00+00')"
         -D secret_hash="\\x$(printf %s "$key" | sha256sum | cut -d' ' -f1)")
while IFS= read -r line; do defines+=(-D "$line"); done < bench/confirm.defines

rows=()
invalid=()
declare -A pgbench_at
run_pgbench() { # clients script label
    runuser -u postgres -- "$pgb" -h 127.0.0.1 -p "$db_port" -U postgres -n -M prepared -c "$1" -j 2 -T "$seconds" \
        "${defines[@]}" -f "$2" -r crema >"$bench_workdir/pgbench-$3-$1.txt" 2>&1 \
        || { cat "$bench_workdir/pgbench-$3-$1.txt" >&2; exit 1; }
    awk '/^tps/ {print $3; exit}' "$bench_workdir/pgbench-$3-$1.txt"
}
pgbench_latency() { awk '/^latency average/ {print $4; exit}' "$bench_workdir/pgbench-$1-$2.txt"; }
for clients in $connections; do
    echo "pgbench, the engine's sale (locked, guarded) and the whole API sale: $clients clients, ${seconds}s each…" >&2
    locked_tps=$(run_pgbench "$clients" bench/confirm.pgbench locked)
    sale_tps=$(run_pgbench "$clients" bench/confirm-guarded.pgbench sale)
    whole_tps=$(run_pgbench "$clients" bench/confirm-api.pgbench api)
    pgbench_at[$clients]=$locked_tps
    rows+=("$(printf '%-44s %6s %10.0f %10s %10s %8.0f %% %9s' "pgbench, the locked sale SQL (staff bot)" "$clients" "$locked_tps" "(avg $(pgbench_latency locked "$clients"))" "—" "$(echo "$locked_tps * 100 / $sale_tps" | bc -l)" "—")")
    rows+=("$(printf '%-44s %6s %10.0f %10s %10s %9s %9s' "pgbench, the guarded sale SQL (API)" "$clients" "$sale_tps" "(avg $(pgbench_latency sale "$clients"))" "—" "100 %" "—")")
    rows+=("$(printf '%-44s %6s %10.0f %10s %10s %8.0f %% %9s' "pgbench, the whole API sale's SQL" "$clients" "$whole_tps" "(avg $(pgbench_latency api "$clients"))" "—" "$(echo "$whole_tps * 100 / $sale_tps" | bc -l)" "100 %")")

    echo "wrk, the partner API: $clients connections, ${seconds}s…" >&2
    KEY=$key GUESTS=$guests wrk -t 2 -c "$clients" -d "${seconds}s" --latency -s bench/confirm.lua "http://127.0.0.1:$port" \
        >"$bench_workdir/wrk-$clients.txt" 2>&1 || { cat "$bench_workdir/wrk-$clients.txt" >&2; exit 1; }
    read -r rps p50 p99 errors < <(sed -nE 's/^RESULT rps=([0-9.]+) p50=([0-9.]+) p99=([0-9.]+) non2xx=([0-9]+).*/\1 \2 \3 \4/p' "$bench_workdir/wrk-$clients.txt")
    statuses=$(sed -nE 's/^STATUSES (.*)/\1/p' "$bench_workdir/wrk-$clients.txt")
    if [ "$errors" = 0 ]; then
        rows+=("$(printf '%-44s %6s %10.0f %10.2f %10.2f %8.0f %% %8.0f %%' "POST /api/v1/orders" "$clients" "$rps" "$p50" "$p99" \
            "$(echo "$rps * 100 / $sale_tps" | bc -l)" "$(echo "$rps * 100 / $whole_tps" | bc -l)")")
    else
        rows+=("$(printf '%-44s %6s %10.0f %10.2f %10.2f %9s %9s' "POST /api/v1/orders" "$clients" "$rps" "$p50" "$p99" "INVALID" "INVALID")")
        invalid+=("at $clients connections $errors answers were not 2xx (by status: $statuses); see $bench_workdir/serve.log")
    fi
    rows+=("    answers by status: $statuses")
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
rows+=("$(printf '%-44s %6s %10.0f %10.2f %10.2f %8.0f %% %9s' "staff bot (4 updates a sale; per update)" "$staff" "$sales" "$p50" "$p99" "$(echo "$sales * 100 / ${pgbench_at[$staff]}" | bc -l)" "—")")
ledger=$("$bin" check-ledger 2>/dev/null | tail -1)

echo
echo "sale confirmation, $guests guests, ${seconds}s each ($configuration build)"
printf '%-44s %6s %10s %10s %10s %9s %9s\n' path conns "sales/s" "p50 ms" "p99 ms" "vs sale" "vs whole"
printf '%s\n' "${rows[@]}"
echo "(vs sale: against pgbench of the guarded sale's SQL for the API, of the locked sale's for the staff bot)"
for line in "${invalid[@]}"; do
    echo "!!! NOT A MEASUREMENT: $line"
done
echo "staff bot: $updates updates/s in all, $restarts sales started over"
echo "$ledger"
echo
echo "pgbench per-statement latency at $clients clients (ms):"
sed -n '/statement latencies/,$p' "$bench_workdir/pgbench-api-$clients.txt" | tail -n +2 | grep -vE '^ +[0-9.]+ +[0-9]+ +\\set' | cut -c1-110
echo
bench_footer
