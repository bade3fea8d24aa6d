#!/usr/bin/env bash
# Cold start to the first 200 from /readyz, and resident memory idle and after 1,000 requests,
# of the release build. Usage: bench/startup.sh [runs]   (default 5). Prints a table; never fails on timing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
runs=${1:-5}
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl; }

bench_database
export APP_ENV=test LOG_LEVEL=warning
echo "building release…" >&2
swift build -c release --product crema >&2
bin="$(swift build -c release --show-bin-path)/crema"
"$bin" migrate >/dev/null

now_ms() { date +%s%3N; }
printf '%-4s %14s %12s %12s %18s\n' run "cold start ms" "idle RSS MB" "of it anon" "RSS after 1k MB"
for run in $(seq 1 "$runs"); do
    port=$(pg_free_port)
    start=$(now_ms)
    PORT=$port "$bin" serve >/dev/null 2>"$bench_workdir/serve.err" &
    pid=$!
    bench_pids+=("$pid")
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" 2>/dev/null)" = 200 ]; do
        kill -0 "$pid" 2>/dev/null || { cat "$bench_workdir/serve.err" >&2; exit 1; }
        sleep 0.005
    done
    ready=$(now_ms)
    sleep 1
    idle=$(bench_rss_mb "$pid")
    anon=$(bench_anon_mb "$pid")
    for _ in $(seq 1 1000); do printf 'url = "http://127.0.0.1:%s/readyz"\noutput = "/dev/null"\n' "$port"; done > "$bench_workdir/urls"
    curl -s -K "$bench_workdir/urls"
    busy=$(bench_rss_mb "$pid")
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
    printf '%-4s %14s %12s %12s %18s\n' "$run" "$((ready - start))" "$idle" "$anon" "$busy"
done
bench_footer
