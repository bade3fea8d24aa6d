#!/usr/bin/env bash
# CPU time per partner-API sale, PostgreSQL's and crema's, read from /proc: first pgbench of the
# whole API sale's SQL (bench/confirm-api.pgbench), then the same sales through POST /api/v1/orders
# (bench/confirm.lua), CONNECTIONS each, the middle SECONDS of each run counted. The rates move with
# the machine; what PostgreSQL spends per sale under each client is the comparison.
# Usage: bench/cpu-per-sale.sh [seconds] [connections] [crema binary]   (defaults 10 8, release build)
# Prints two lines; never fails on timing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
seconds=${1:-10}
connections=${2:-8}
bin=${3:-}
for tool in wrk pgbench; do
    command -v "$tool" >/dev/null || { apt-get install -y -qq wrk postgresql-contrib >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk postgresql-contrib >/dev/null; }; }
done
if [ -z "$bin" ]; then
    swift build -c release --product crema >&2
    bin="$(swift build -c release --show-bin-path)/crema"
fi
bench_database
db_port=$(echo "$DATABASE_URL" | sed -E 's#.*:([0-9]+)/.*#\1#')
export APP_ENV=test LOG_LEVEL=warning DATABASE_POOL_SIZE=${DATABASE_POOL_SIZE:-20} BACKGROUND_JOBS=false
"$bin" migrate >/dev/null
"$bin" seed-demo --customers 1000 >/dev/null
pg_psql "$db_port" crema "UPDATE settings SET value = '1000000000' WHERE key = 'api_requests_per_minute'"
port=$(pg_free_port)
PORT=$port "$bin" serve >"$bench_workdir/serve.log" 2>&1 &
crema_pid=$!
bench_pids+=("$crema_pid")
until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.05; done
key=$("$bin" api-key create --name bench --scopes orders:write | head -1)
defines=(-D guests=1000 -D now="$(date -u '+%Y-%m-%d %H:%M:%S+00')" -D window_start="$(date -u '+%Y-%m-%d %H:%M:00+00')"
         -D secret_hash="\\x$(printf %s "$key" | sha256sum | cut -d' ' -f1)")
while IFS= read -r line; do defines+=(-D "$line"); done < bench/confirm.defines

ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; } # user + system, in 1/100 s
# PostgreSQL's processes: the backends serving connections, and the rest (WAL writer, checkpointer,
# autovacuum…), whose work per second does not follow the rate.
postgres_ticks() { # backends|background
    local sum=0 pid
    for pid in $(pgrep -x postgres); do
        if grep -qa 'postgres: postgres crema' "/proc/$pid/cmdline" 2>/dev/null; then
            [ "$1" = backends ] && sum=$((sum + $(ticks "$pid")))
        else
            [ "$1" = background ] && sum=$((sum + $(ticks "$pid")))
        fi
    done
    echo "$sum"
}
orders() { pg_psql "$db_port" crema "SELECT count(*) FROM orders" -tA; }
# Counts the middle of a run that lasts seconds + 4: backends opened at its start are all there.
measure() { # label
    local orders_before backends_before background_before crema_before sold
    sleep 2
    orders_before=$(orders) backends_before=$(postgres_ticks backends) background_before=$(postgres_ticks background)
    crema_before=$(ticks "$crema_pid")
    sleep "$seconds"
    sold=$(($(orders) - orders_before))
    if [ "$sold" -le 0 ]; then
        echo "$1: no sale in ${seconds}s, nothing to divide by; the server's last words:" >&2
        tail -5 "$bench_workdir/serve.log" >&2
        return
    fi
    printf '%-34s %5d sales/s   ms of CPU a sale: PostgreSQL backends %.3f, its other processes %.3f, crema %.3f\n' \
        "$1" $((sold / seconds)) "$(echo "($(postgres_ticks backends) - $backends_before) * 10 / $sold" | bc -l)" \
        "$(echo "($(postgres_ticks background) - $background_before) * 10 / $sold" | bc -l)" \
        "$(echo "($(ticks "$crema_pid") - $crema_before) * 10 / $sold" | bc -l)"
}
runuser -u postgres -- pgbench -h 127.0.0.1 -p "$db_port" -U postgres -n -M prepared -c "$connections" -j 2 -T $((seconds + 4)) \
    "${defines[@]}" -f bench/confirm-api.pgbench crema >"$bench_workdir/pgbench.txt" 2>&1 &
measure "pgbench, the whole API sale's SQL"
wait "$!"
KEY=$key GUESTS=1000 wrk -t 2 -c "$connections" -d "$((seconds + 4))s" -s bench/confirm.lua "http://127.0.0.1:$port" >"$bench_workdir/wrk.txt" 2>&1 &
measure "POST /api/v1/orders"
wait "$!"
grep -E '^STATUSES' "$bench_workdir/wrk.txt" || true
bench_footer
