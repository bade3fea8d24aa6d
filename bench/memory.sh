#!/usr/bin/env bash
# Resident memory of the release `crema serve` under a steady load of client-bot updates: idle,
# then after each of ROUNDS wrk runs of SECONDS (bench/webhook.lua: /start, profile, code).
# Growth from round to round would be a leak. Usage: bench/memory.sh [rounds] [seconds] [connections]
# (defaults 3 45 16). Prints a table; never fails on timing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rounds=${1:-3}
seconds=${2:-45}
connections=${3:-16}
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }

bench_database
export APP_ENV=test LOG_LEVEL=warning BACKGROUND_JOBS=false TELEGRAM_CLIENT_WEBHOOK_SECRET=bench-secret
swift build -c release --product crema >&2
bin="$(swift build -c release --show-bin-path)/crema"
"$bin" migrate >/dev/null
"$bin" seed-demo --customers 1000 >/dev/null
port=$(pg_free_port)
PORT=$port "$bin" serve >"$bench_workdir/serve.log" 2>&1 &
pid=$!
bench_pids+=("$pid")
until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.05; done
sleep 1
rss_mb() { printf '%10s %10s' "$(bench_rss_mb "$1")" "$(bench_anon_mb "$1")"; }

echo "MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-unset (crema serve then limits itself to 2 arenas)}" >&2
printf '%-8s %16s %10s %10s\n' round "requests so far" "RSS MB" "anon MB"
printf '%-8s %16s %s\n' idle 0 "$(rss_mb "$pid")"
total=0
for round in $(seq 1 "$rounds"); do
    count=$(SECRET=bench-secret GUESTS=1000 wrk -t 2 -c "$connections" -d "${seconds}s" -s bench/webhook.lua "http://127.0.0.1:$port" \
        | sed -nE 's/^ *([0-9]+) requests in.*/\1/p')
    total=$((total + count))
    sleep 1
    printf '%-8s %16s %s\n' "$round" "$total" "$(rss_mb "$pid")"
done
echo
bench_footer
