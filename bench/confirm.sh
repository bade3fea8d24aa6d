#!/usr/bin/env bash
# Sale confirmation throughput against the physical limit: pgbench running crema's own confirm
# transaction (bench/confirm.pgbench: the same statements and indexes), then the same sales through
# POST /api/v1/orders with wrk (bench/confirm.lua: fresh Idempotency-Keys, GUESTS guests).
# Usage: bench/confirm.sh [seconds] [connections] [guests] [debug|release]   (defaults 20 32 1000 release)
# Prints a table; never fails on timing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
seconds=${1:-20}
connections=${2:-32}
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
echo "pgbench: $connections clients, ${seconds}s…" >&2
runuser -u postgres -- "$pgb" -h 127.0.0.1 -p "$db_port" -U postgres -n -M prepared -c "$connections" -j 2 -T "$seconds" \
    -D first="$first" -D last="$last" -f bench/confirm.pgbench -r crema >"$bench_workdir/pgbench.txt" 2>&1 \
    || { cat "$bench_workdir/pgbench.txt" >&2; exit 1; }
pgbench_tps=$(awk '/^tps/ {print $3; exit}' "$bench_workdir/pgbench.txt")
pgbench_latency=$(awk '/^latency average/ {print $4; exit}' "$bench_workdir/pgbench.txt")

port=$(pg_free_port)
PORT=$port "$bin" serve >"$bench_workdir/serve.log" 2>&1 &
bench_pids+=("$!")
until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.05; done
key=$("$bin" api-key create --name bench --scopes orders:write | head -1)
echo "wrk: $connections connections, ${seconds}s…" >&2
KEY=$key GUESTS=$guests wrk -t 2 -c "$connections" -d "${seconds}s" --latency -s bench/confirm.lua "http://127.0.0.1:$port" \
    >"$bench_workdir/wrk.txt" 2>&1 || { cat "$bench_workdir/wrk.txt" >&2; exit 1; }
read -r api_rps api_p50 api_p99 api_errors < <(sed -nE 's/^RESULT rps=([0-9.]+) p50=([0-9.]+) p99=([0-9.]+) non2xx=([0-9]+).*/\1 \2 \3 \4/p' "$bench_workdir/wrk.txt")
ledger=$("$bin" check-ledger 2>/dev/null | tail -1)

echo
echo "sale confirmation, $guests guests, $connections connections, ${seconds}s each ($configuration build)"
printf '%-34s %10s %10s %10s %8s\n' path "sales/s" "p50 ms" "p99 ms" "vs pgbench"
printf '%-34s %10.0f %10s %10s %8s\n' "pgbench, crema's confirm SQL" "$pgbench_tps" "(avg $pgbench_latency)" "—" "100 %"
printf '%-34s %10.0f %10.2f %10.2f %7.0f %%\n' "POST /api/v1/orders (wrk)" "$api_rps" "$api_p50" "$api_p99" "$(echo "$api_rps * 100 / $pgbench_tps" | bc -l)"
echo "API non-2xx answers: $api_errors; $ledger"
echo
echo "pgbench per-statement latency (ms):"
sed -n '/statement latencies/,$p' "$bench_workdir/pgbench.txt" | tail -n +2 | cut -c1-110
echo
bench_footer
