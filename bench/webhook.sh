#!/usr/bin/env bash
# Client-bot webhook latency: first the highest rate (wrk, CONNECTIONS connections), then half of
# it with a constant-rate load (wrk2 is not in Debian, so wrk with fewer connections stands in).
# /start, profile and payment-code updates from GUESTS registered guests.
# Usage: bench/webhook.sh [seconds] [connections] [guests] [debug|release]  (defaults 15 32 1000 release)
# Prints a table; never fails on timing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
seconds=${1:-15}
connections=${2:-32}
guests=${3:-1000}
configuration=${4:-release}
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }

bench_database
export APP_ENV=test LOG_LEVEL=warning BACKGROUND_JOBS=false TELEGRAM_CLIENT_WEBHOOK_SECRET=bench-secret
echo "building $configuration…" >&2
swift build -c "$configuration" --product crema >&2
bin="$(swift build -c "$configuration" --show-bin-path)/crema"
"$bin" migrate >/dev/null
"$bin" seed-demo --customers "$guests" >/dev/null

port=$(pg_free_port)
PORT=$port "$bin" serve >"$bench_workdir/serve.log" 2>&1 &
bench_pids+=("$!")
until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.05; done

run() {
    SECRET=bench-secret GUESTS=$guests wrk -t 2 -c "$1" -d "${seconds}s" --latency -s bench/webhook.lua "http://127.0.0.1:$port" \
        | sed -nE 's/^RESULT rps=([0-9.]+) p50=([0-9.]+) p99=([0-9.]+) non2xx=([0-9]+) errors=([0-9]+).*/\1 \2 \3 \4 \5/p'
}
read -r max_rps max_p50 max_p99 max_non2xx _ < <(run "$connections")
# Half the rate: wrk has no rate option, so fewer connections; the achieved rate is printed.
half=$(( connections / 4 > 0 ? connections / 4 : 1 ))
read -r half_rps half_p50 half_p99 half_non2xx _ < <(run "$half")

echo
echo "client-bot webhook (direct HTTP), $guests guests, ${seconds}s per row ($configuration build)"
printf '%-28s %10s %10s %10s %8s\n' load "updates/s" "p50 ms" "p99 ms" "non-2xx"
printf '%-28s %10.0f %10.2f %10.2f %8s\n' "$connections connections (max)" "$max_rps" "$max_p50" "$max_p99" "$max_non2xx"
printf '%-28s %10.0f %10.2f %10.2f %8s\n' "$half connections" "$half_rps" "$half_p50" "$half_p99" "$half_non2xx"
echo
bench_footer
