#!/usr/bin/env bash
# The admin panel and the API customer lookup at scale: seeds CUSTOMERS guests and ORDERS orders
# (crema seed-demo --customers --orders) with points expiring after 12 months, times the seed,
# the expiry job and check-ledger, then prints p50/p95 of the heaviest
# pages over N requests each, and the plans of their queries.
# Usage: bench/admin-scale.sh [customers] [orders] [requests] [debug|release]
#        (defaults 1000000 10000000 100 release). Prints tables; never fails on timing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
customers=${1:-1000000}
orders=${2:-10000000}
requests=${3:-100}
configuration=${4:-release}

bench_database
export APP_ENV=dev LOG_LEVEL=warning
echo "building $configuration…" >&2
swift build -c "$configuration" --product crema >&2
bin="$(swift build -c "$configuration" --show-bin-path)/crema"
"$bin" migrate >/dev/null
db_port=$(echo "$DATABASE_URL" | sed -E 's#.*:([0-9]+)/.*#\1#')
# Points expire after 12 months, so the two years of seeded history have lots to expire.
pg_psql "$db_port" crema "UPDATE settings SET value = '12' WHERE key = 'points_validity_months'" >/dev/null

started=$(date +%s)
"$bin" seed-demo --customers "$customers" --orders "$orders" | grep -E "guests in|orders with" || true
echo "seed-demo --customers $customers --orders $orders: $(( $(date +%s) - started )) s in all"
started=$(date +%s)
"$bin" run-expiry
echo "run-expiry (the daily job, first run over two years of lots): $(( $(date +%s) - started )) s"
started=$(date +%s)
"$bin" run-expiry
echo "run-expiry again (nothing left to do): $(( $(date +%s) - started )) s"
started=$(date +%s)
"$bin" check-ledger | tail -1
echo "check-ledger (with the lots' proofs): $(( $(date +%s) - started )) s"

port=$(pg_free_port)
PORT=$port "$bin" serve >"$bench_workdir/serve.log" 2>&1 &
bench_pids+=("$!")
until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.05; done
key=$("$bin" api-key create --name bench --scopes customers:read | head -1)
# The partner limits (30 profile reads and 600 requests a minute per key) would answer 429 here.
pg_psql "$db_port" crema "UPDATE settings SET value = '1000000000' WHERE key IN ('api_requests_per_minute', 'api_profile_reads_per_minute')"
# A guest deep in the table, with orders and ledger rows.
read -r customer telegram < <(pg_psql "$db_port" crema \
    "SELECT id, telegram_id FROM customers WHERE telegram_id IS NOT NULL ORDER BY id DESC LIMIT 1 OFFSET $(( customers / 3 ))" -tA -F' ')
echo
echo "$customers guests, $orders orders; $requests sequential requests per page ($configuration build)"
python3 bench/admin_latency.py "http://127.0.0.1:$port" owner@crema.local crema-demo-2026 "$key" "$customer" "$telegram" "$requests"

# The plans: auto_explain logs every statement of one more request per page, with actual times
# and buffers, from a fresh instance (new sessions load it) without background jobs.
kill "${bench_pids[-1]}"; wait "${bench_pids[-1]}" 2>/dev/null || true
cat >>"$bench_workdir/pg/postgresql.conf" <<'CONF'
session_preload_libraries = 'auto_explain'
auto_explain.log_min_duration = 0
auto_explain.log_analyze = on
auto_explain.log_buffers = on
CONF
pg_psql "$db_port" crema "SELECT pg_reload_conf()" >/dev/null
: >"$bench_workdir/pg/server.log"
BACKGROUND_JOBS=false PORT=$port "$bin" serve >>"$bench_workdir/serve.log" 2>&1 &
bench_pids+=("$!")
until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.05; done
python3 bench/admin_latency.py "http://127.0.0.1:$port" owner@crema.local crema-demo-2026 "$key" "$customer" "$telegram" 1 >/dev/null
mkdir -p bench/results
plans="bench/results/explain-$customers.txt"
# Each logged plan starts at "duration: … plan:"; keep those, without the log-line prefixes.
sed -n '/duration: .* plan:/,$p' "$bench_workdir/pg/server.log" | sed -E 's/^[0-9-]+ [0-9:.]+ [A-Z]+ \[[0-9]+\] //' >"$plans"
echo
echo "plans of every statement those pages ran: $plans ($(grep -c 'plan:' "$plans") statements)"
echo
bench_footer
