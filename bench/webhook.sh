#!/usr/bin/env bash
# Client-bot webhook latency: first the highest rate (wrk, CONNECTIONS connections), then about
# half of it as a steady load (wrk2 is not in Debian: 16 connections that pause between requests).
# /start, profile and payment-code updates from GUESTS registered guests. Then the same through
# nginx with TLS (the repository's config, a self-signed certificate) in front of two instances.
# Usage: bench/webhook.sh [seconds] [connections] [guests] [debug|release]  (defaults 15 32 1000 release)
# Prints a table; never fails on timing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. scripts/lib/nginx.sh
seconds=${1:-15}
connections=${2:-32}
guests=${3:-1000}
configuration=${4:-release}
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }
nginx_install

bench_database
export APP_ENV=test LOG_LEVEL=warning BACKGROUND_JOBS=false TELEGRAM_CLIENT_WEBHOOK_SECRET=bench-secret
echo "building $configuration…" >&2
swift build -c "$configuration" --product crema >&2
bin="$(swift build -c "$configuration" --show-bin-path)/crema"
"$bin" migrate >/dev/null
"$bin" seed-demo --customers "$guests" >/dev/null

start_instance() {
    PORT=$1 "$bin" serve >>"$bench_workdir/serve-$1.log" 2>&1 &
    bench_pids+=("$!")
    until curl -sf -o /dev/null "http://127.0.0.1:$1/readyz"; do sleep 0.05; done
}
port=$(pg_free_port)
start_instance "$port"

run() { # base-url connections [delay-ms]
    SECRET=bench-secret GUESTS=$guests DELAY_MS=${3:-0} wrk -t 2 -c "$2" -d "${seconds}s" --latency -s bench/webhook.lua "$1" \
        | sed -nE 's/^RESULT rps=([0-9.]+) p50=([0-9.]+) p99=([0-9.]+) non2xx=([0-9]+) errors=([0-9]+).*/\1 \2 \3 \4 \5/p'
}
# Half the maximum rate: wrk has no rate option, so each of `steady` connections pauses between
# requests long enough that together they send about half the maximum; the achieved rate is printed.
steady=16
rows=()
measure() { # label base-url
    local rps p50 p99 non2xx pause
    read -r rps p50 p99 non2xx _ < <(run "$2" "$connections")
    rows+=("$(printf '%-34s %-22s %10.0f %10.2f %10.2f %8s' "$1" "maximum, $connections conns" "$rps" "$p50" "$p99" "$non2xx")")
    pause=$(echo "$steady * 1000 * 2 / $rps" | bc)
    read -r rps p50 p99 non2xx _ < <(run "$2" "$steady" "$pause")
    rows+=("$(printf '%-34s %-22s %10.0f %10.2f %10.2f %8s' "$1" "about half ($steady × ${pause} ms)" "$rps" "$p50" "$p99" "$non2xx")")
}
measure "direct HTTP, one instance" "http://127.0.0.1:$port"

second=$(pg_free_port)
start_instance "$second"
https_port=$(pg_free_port)
nginx_start "$bench_workdir/nginx" "$https_port" "$(pg_free_port)" "127.0.0.1:$port" "127.0.0.1:$second"
trap 'nginx_stop "$bench_workdir/nginx"; bench_cleanup' EXIT
measure "nginx TLS, two instances" "https://127.0.0.1:$https_port"

echo
echo "client-bot webhook, $guests guests, ${seconds}s per row ($configuration build)"
printf '%-34s %-22s %10s %10s %10s %8s\n' path load "updates/s" "p50 ms" "p99 ms" "non-2xx"
printf '%s\n' "${rows[@]}"
echo
bench_footer
