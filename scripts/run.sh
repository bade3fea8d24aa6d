#!/usr/bin/env bash
# Runs Crema on this machine: a private PostgreSQL under .data/ (unless DATABASE_URL is set),
# migrations, demo data, then the server in the foreground. Ctrl-C stops the server and the
# cluster this script started. Running it again reuses the cluster and its data.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib/postgres.sh

export APP_ENV=${APP_ENV:-dev}
export HOST=${HOST:-127.0.0.1}
export PORT=${PORT:-8080}
# What happens, not how the database driver talks: LOG_LEVEL=debug shows that too.
export LOG_LEVEL=${LOG_LEVEL:-info}
started_cluster=""

stop_cluster() {
    if [ -n "$started_cluster" ]; then
        echo "stopping the PostgreSQL cluster at $started_cluster"
        pg_stop "$started_cluster"
    fi
}
trap stop_cluster EXIT

if [ -z "${DATABASE_URL:-}" ]; then
    data="$root/.data/pg"
    mkdir -p "$root/.data"
    if ! pg_user_can_use "$data"; then
        # The postgres user cannot enter this clone's folders; keep the cluster where it can.
        data="/var/tmp/crema-$(printf '%s' "$root" | sha1sum | cut -c1-12)/pg"
        mkdir -p "$(dirname "$data")"
        chmod 755 "$(dirname "$data")"
        echo "note: the postgres user cannot enter $root, so the cluster lives in $data"
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
        echo "creating a private PostgreSQL cluster in $data"
        pg_init "$data" "$(pg_free_port)"
    fi
    db_port=$(pg_port_of "$data")
    if ! pg_is_running "$data"; then
        pg_start "$data"
        started_cluster="$data"
    fi
    if ! pg_psql "$db_port" postgres "SELECT 1 FROM pg_database WHERE datname = 'crema'" -tA 2>/dev/null | grep -q 1; then
        pg_psql "$db_port" postgres "CREATE DATABASE crema"
    fi
    export DATABASE_URL="postgres://postgres@127.0.0.1:$db_port/crema?sslmode=disable"
    echo "PostgreSQL: 127.0.0.1:$db_port (database crema)"
fi

echo "building crema…"
swift build --quiet --product crema
bin="$(swift build --show-bin-path)/crema"

"$bin" migrate
"$bin" seed-demo --month

base="http://$HOST:$PORT"
cat <<MSG

Crema is starting at $base
  admin panel:  $base/admin  (demo login: owner@crema.local / crema-demo-2026)
  health:       $base/healthz
  readiness:    $base/readyz
  metrics:      $base/metrics
  partner API:  $base/api/v1  (docs: $base/docs, contract: $base/openapi.yaml)
  bot webhooks: $base/telegram/client and $base/telegram/staff
  playground:   $base/dev/playground  (both bots in the browser, no Telegram needed; APP_ENV=dev only)
An API key for trying the API: $bin api-key create --name demo --scopes customers:read,customers:write,codes:write,orders:read,orders:write,feedback:write,gifts:read,gifts:write,analytics:read
Press Ctrl-C to stop.

MSG
status=0
"$bin" serve || status=$?
exit "$status"
