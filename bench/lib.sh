# shellcheck shell=bash
# Shared by the benchmarks: a throw-away PostgreSQL cluster with one database, `crema`, and a
# cleanup trap. Source it, then call bench_database.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib/postgres.sh

# bc does the tables' arithmetic, curl waits for /readyz, iproute2's ss finds which process owns
# a connection.
for tool in bc curl ss; do
    command -v "$tool" >/dev/null || apt-get install -y -qq bc curl iproute2 >/dev/null 2>&1 \
        || { apt-get update -qq && apt-get install -y -qq bc curl iproute2 >/dev/null; }
done

bench_workdir=$(mktemp -d /tmp/crema-bench.XXXXXX)
chmod 755 "$bench_workdir"
bench_pids=()
bench_cleanup() {
    for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    pg_stop "$bench_workdir/pg"
    rm -rf "$bench_workdir"
}
trap bench_cleanup EXIT

# Starts the cluster, creates database `crema`, exports DATABASE_URL.
bench_database() {
    local port
    port=$(pg_free_port)
    pg_init "$bench_workdir/pg" "$port" test
    pg_start "$bench_workdir/pg"
    pg_psql "$port" postgres "CREATE DATABASE crema"
    export DATABASE_URL="postgres://postgres@127.0.0.1:$port/crema?sslmode=disable"
    # A benchmark is no production: its demo data and generated secrets need a test environment.
    export APP_ENV=${APP_ENV:-test}
}

# Resident memory of process $1 in MB, and the anonymous part of it: heap and stacks, as opposed
# to the mapped code of the binary and Swift's libraries, which instances on one host share.
bench_rss_mb() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
bench_anon_mb() { awk '/^RssAnon/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

bench_footer() {
    echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; commit $(git rev-parse --short HEAD 2>/dev/null || echo none); $(date -u +%Y-%m-%dT%H:%MZ)"
}
