#!/usr/bin/env bash
# End-to-end check of the production shape, all on 127.0.0.1: a private PostgreSQL, two
# `crema serve` instances, nginx from Debian with the repository's config and a self-signed
# certificate. It proves HTTPS and the redirect, that a spoofed X-Forwarded-For changes nothing,
# exactly-once sales while one instance is killed with -9, readiness across a PostgreSQL restart,
# and backup → drop → restore with identical data and retention.
#
# Usage: scripts/e2e-ops.sh CREMA_BIN
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib/postgres.sh
. scripts/lib/nginx.sh
crema=$1

step() { printf 'e2e: %s\n' "$*"; }
fail() { printf 'e2e: FAILED: %s\n' "$*" >&2; exit 1; }

step "installing nginx from Debian when missing"
nginx_install

work=$(mktemp -d /tmp/crema-e2e.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    nginx_stop "$work/nginx"
    pg_stop "$work/pg"
    if [ "${CREMA_E2E_KEEP:-0}" = 1 ]; then echo "e2e: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# --- PostgreSQL and the app ---------------------------------------------------------------
pg_port=$(pg_free_port)
pg_init "$work/pg" "$pg_port" test
pg_start "$work/pg"
pg_psql "$pg_port" postgres "CREATE DATABASE crema"
sql() { pg_psql "$pg_port" crema "$1" -t -A; }

export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/crema?sslmode=disable"
export APP_ENV=test LOG_LEVEL=info TRUSTED_PROXIES=127.0.0.1 TELEGRAM_API_BASE_URL=http://127.0.0.1:9
export TELEGRAM_CLIENT_WEBHOOK_SECRET=e2e_client_secret TELEGRAM_STAFF_WEBHOOK_SECRET=e2e_staff_secret
"$crema" migrate >/dev/null
"$crema" seed-demo >/dev/null
key=$(LOG_LEVEL=error "$crema" api-key create --name e2e --scopes customers:read,codes:write,orders:read,orders:write,gifts:read | head -1)
# The stream sends ~1,200 requests a minute with one key; the limits stay on, just higher.
sql "UPDATE settings SET value = '100000' WHERE key = 'api_requests_per_minute'" >/dev/null

start_instance() {
    local name=$1 port=$2
    PORT=$port "$crema" serve >>"$work/$name.log" 2>&1 &
    pids+=($!)
    eval "${name}_pid=$!"
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null && return 0
        sleep 0.1
    done
    fail "$name did not become ready on port $port"
}
app1_port=$(pg_free_port)
app2_port=$(pg_free_port)
start_instance app1 "$app1_port"
start_instance app2 "$app2_port"
step "PostgreSQL on $pg_port, instances on $app1_port and $app2_port"

# --- nginx with TLS -----------------------------------------------------------------------
https_port=$(pg_free_port)
http_port=$(pg_free_port)
CREMA_MONITORING_ADDRESS=192.0.2.1 nginx_start "$work/nginx" "$https_port" "$http_port" "127.0.0.1:$app1_port" "127.0.0.1:$app2_port" || fail "nginx did not start"
base="https://127.0.0.1:$https_port"
tls=(--cacert "$work/nginx/cert.pem" -sS)
step "nginx on https $https_port and http $http_port"

# --- HTTPS, redirect, headers -------------------------------------------------------------
headers=$(curl "${tls[@]}" -D - -o /dev/null "$base/healthz")
grep -q "^HTTP/2 200" <<<"$headers" || fail "GET /healthz over HTTPS: $headers"
grep -qi "^strict-transport-security: max-age=63072000" <<<"$headers" || fail "no HSTS header"
redirect=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$http_port/api/v1/gifts/catalog")
[ "$redirect" = "301 https://127.0.0.1:$https_port/api/v1/gifts/catalog" ] || fail "plain HTTP answered: $redirect"
curl "${tls[@]}" --tlsv1.2 --tls-max 1.2 -o /dev/null "$base/healthz" || fail "TLS 1.2 was refused"
if curl "${tls[@]}" --tlsv1.1 --tls-max 1.1 -o /dev/null "$base/healthz" 2>/dev/null; then fail "TLS 1.1 was accepted"; fi
webhook=$(curl "${tls[@]}" -o /dev/null -w '%{http_code}' -H "X-Telegram-Bot-Api-Secret-Token: e2e_client_secret" \
    -H "Content-Type: application/json" --data-binary @Tests/Fixtures/telegram-updates/start_private_ru.json "$base/telegram/client")
[ "$webhook" = 200 ] || fail "the client webhook answered $webhook"
api=$(curl "${tls[@]}" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$base/api/v1/gifts/catalog")
[ "$api" = 200 ] || fail "the API answered $api"
gzip=$(curl "${tls[@]}" -o /dev/null -D - -H "Accept-Encoding: gzip" "$base/openapi.yaml" | tr -d '\r' | grep -i '^content-encoding:' || true)
[ "${gzip,,}" = "content-encoding: gzip" ] || fail "the contract was not gzipped ($gzip)"
step "HTTPS with HSTS, TLS 1.2+ only, HTTP redirects, webhook 200, API 200, gzip"

# --- What nginx never passes on -----------------------------------------------------------
for path in /dev/playground /dev/playground/config /metrics /readyz; do
    code=$(curl "${tls[@]}" -o /dev/null -w '%{http_code}' "$base$path")
    [ "$code" = 404 ] || [ "$code" = 403 ] || fail "nginx passed $path on ($code)"
done
tr -d '\r' <<<"$headers" | grep -qi '^server: nginx$' || fail "nginx announced its version: $(grep -i '^server:' <<<"$headers")"
curl "${tls[@]}" -o /dev/null "$base/api/v1/customers?phone=%2B79001234567" || true
if grep -q '79001234567' "$work/nginx/access.log"; then fail "a phone number reached nginx's access log"; fi
for _ in $(seq 1 15); do curl "${tls[@]}" -o /dev/null -w '%{http_code}\n' -X POST "$base/admin/login"; done >"$work/logins.txt"
grep -q '^429$' "$work/logins.txt" || fail "nginx never slowed a burst of sign-ins: $(sort "$work/logins.txt" | uniq -c | tr '\n' ' ')"
step "nginx hides /dev/, /metrics and /readyz, its version and query strings, and slows sign-in bursts"

# --- A spoofed X-Forwarded-For ------------------------------------------------------------
curl "${tls[@]}" -o /dev/null -H "X-Forwarded-For: 6.6.6.6" "$base/e2e-spoof-check" || true
sleep 0.2
seen=$(grep -h '"path":"/e2e-spoof-check"' "$work/app1.log" "$work/app2.log" || true)
[ -n "$seen" ] || fail "no instance logged the spoof check"
grep -q '"client_ip":"127.0.0.1"' <<<"$seen" || fail "the app did not see the real client address: $seen"
if grep -q '6.6.6.6' "$work/app1.log" "$work/app2.log"; then fail "a spoofed X-Forwarded-For reached the app's idea of the client"; fi
step "a spoofed X-Forwarded-For does not change the client address the app logs"

# --- 500 sales while one instance is killed with -9 ---------------------------------------
guests=$(sql "SELECT string_agg(telegram_id::text, ',') FROM customers")
python3 scripts/e2e/sales.py "$base" "$work/nginx/cert.pem" "$key" 500 e2e-sale "$guests" \
    --kill-at 250 --kill-pid "$app1_pid" >"$work/sales.json" || fail "the sales stream failed"
read -r confirmed retries replays < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["confirmed"], d["retries"], d["replay_checks"])' "$work/sales.json")
kill -0 "$app1_pid" 2>/dev/null && fail "instance 1 was not killed"
orders=$(sql "SELECT count(*) FROM orders WHERE idempotency_key LIKE 'api:%:e2e-sale-%'")
distinct=$(sql "SELECT count(DISTINCT idempotency_key) FROM orders WHERE idempotency_key LIKE 'api:%:e2e-sale-%'")
[ "$confirmed" = 500 ] && [ "$orders" = 500 ] && [ "$distinct" = 500 ] || fail "sales: $confirmed confirmed, $orders orders, $distinct keys (want 500 each)"
returned=$(python3 -c 'import json,sys; print(",".join(str(v) for v in json.load(open(sys.argv[1]))["orders"].values()))' "$work/sales.json")
known=$(sql "SELECT count(*) FROM orders WHERE id IN ($returned)")
[ "$known" = 500 ] || fail "only $known of the 500 order ids the API returned exist"
"$crema" check-ledger >/dev/null || fail "check-ledger after the kill: $("$crema" check-ledger 2>&1 | tail -3)"
step "500 sales with instance 1 killed at sale 250: 500 orders, each once ($retries retries, $replays replays gave the same order), ledger clean"

# --- PostgreSQL restarts mid-stream -------------------------------------------------------
python3 scripts/e2e/sales.py "$base" "$work/nginx/cert.pem" "$key" 150 e2e-restart "$guests" >"$work/restart.json" &
stream=$!
sleep 0.5
pg_stop "$work/pg"
down=
for _ in $(seq 1 50); do
    status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$app2_port/readyz" || true)
    [ "$status" = 503 ] && { down=1; break; }
    sleep 0.1
done
[ -n "$down" ] || fail "/readyz did not report 503 while PostgreSQL was down"
sleep 1
pg_start "$work/pg"
up=
for _ in $(seq 1 100); do
    status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$app2_port/readyz" || true)
    [ "$status" = 200 ] && { up=1; break; }
    sleep 0.1
done
[ -n "$up" ] || fail "/readyz did not come back to 200 after PostgreSQL restarted"
kill -0 "$app2_pid" 2>/dev/null || fail "instance 2 exited while PostgreSQL restarted"
wait "$stream" || fail "the stream across the restart failed"
restart_orders=$(sql "SELECT count(*) FROM orders WHERE idempotency_key LIKE 'api:%:e2e-restart-%'")
[ "$restart_orders" = 150 ] || fail "$restart_orders orders for 150 sales across the restart"
"$crema" check-ledger >/dev/null || fail "check-ledger after the PostgreSQL restart"
step "PostgreSQL restarted mid-stream: /readyz 503 then 200 without restarting the app; 150 sales, each once"

# --- Backup, drop, restore, retention -----------------------------------------------------
# SIGTERM still stops an instance after its database went away and came back: at once normally,
# and within serve's limits (20 s graceful + 5 s cancellation, then a deliberate crash) when a
# request is stuck on a database call that never returns. The crash's backtrace of a debug binary
# takes several seconds more, so the bound is 45 s.
kill "$app2_pid" 2>/dev/null || true
stopped_at=$SECONDS
for _ in $(seq 1 450); do kill -0 "$app2_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$app2_pid" 2>/dev/null && fail "instance 2 did not stop within 45 s of SIGTERM after the PostgreSQL restart"
step "SIGTERM after the restart stopped instance 2 in $((SECONDS - stopped_at)) s"
wait "$app2_pid" 2>/dev/null || true
export BACKUP_DIR="$work/backups"
mkdir -p "$BACKUP_DIR"
touch -d "40 days ago" "$BACKUP_DIR/crema-20000101T000000Z.dump"
touch -d "29 days ago" "$BACKUP_DIR/crema-20000102T000000Z.dump"
fingerprint() {
    sql "SELECT (SELECT count(*) FROM customers) || '/' || (SELECT count(*) FROM orders) || '/' ||
                (SELECT count(*) FROM points_ledger) || '/' || (SELECT count(*) FROM outbox) || '/' ||
                (SELECT count(*) FROM audit_log) || '/' ||
                (SELECT md5(string_agg(id || ':' || customer_id || ':' || kind || ':' || points || ':' || debt || ':' ||
                                       coalesce(order_id, 0) || ':' || created_at, ',' ORDER BY id)) FROM points_ledger)"
}
before=$(fingerprint)
infra/backup.sh >"$work/backup.out" || fail "backup.sh failed: $(cat "$work/backup.out")"
dump=$(ls "$BACKUP_DIR"/crema-2*.dump | grep -v 2000010 | tail -n 1)
[ -s "$dump" ] || fail "no backup file was written"
[ "$(stat -c %a "$dump")" = 600 ] || fail "the backup is readable by others: mode $(stat -c %a "$dump")"
[ ! -e "$BACKUP_DIR/crema-20000101T000000Z.dump" ] || fail "retention kept a 40-day-old backup"
[ -e "$BACKUP_DIR/crema-20000102T000000Z.dump" ] || fail "retention deleted a 29-day-old backup"
touch -d '40 days ago' "$BACKUP_DIR/crema-before-upgrade-20000101T000000Z.dump"
infra/backup.sh before-upgrade >"$work/named.out" || fail "a named backup failed: $(cat "$work/named.out")"
[ -n "$(find "$BACKUP_DIR" -maxdepth 1 -name 'crema-before-upgrade-2*.dump' ! -name '*20000101T*' -print -quit)" ] \
    || fail "no named backup was written"
[ -e "$BACKUP_DIR/crema-before-upgrade-20000101T000000Z.dump" ] || fail "retention deleted a named backup"
if infra/backup.sh "../escape" >/dev/null 2>&1; then fail "backup.sh took a name with a path in it"; fi
if CREMA_BIN="$crema" infra/restore.sh "$dump" >"$work/refused.out" 2>&1; then fail "restore.sh overwrote a non-empty database without --force"; fi
grep -q "is not empty" "$work/refused.out" || fail "restore.sh refused without saying why: $(cat "$work/refused.out")"
pg_psql "$pg_port" postgres "DROP DATABASE crema WITH (FORCE)"
pg_psql "$pg_port" postgres "CREATE DATABASE crema"
CREMA_BIN="$crema" infra/restore.sh "$dump" >"$work/restore.out" 2>&1 || fail "restore.sh failed: $(cat "$work/restore.out")"
after=$(fingerprint)
[ "$before" = "$after" ] || fail "the restored data differs: before $before, after $after"
step "backup → drop → restore: identical counts and ledger checksum ($after), ledger clean; retention removed only the 40-day-old file; a named backup is written and kept"
step "all checks passed"
