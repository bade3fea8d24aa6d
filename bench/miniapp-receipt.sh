#!/usr/bin/env bash
# From the barista's Confirm in the till Mini App to the guest's receipt at the Bot API: SALES
# sales through the real `crema serve` (background jobs on, so the outbox sender delivers), the
# Bot API being bench/fake_bot_api.py at the network boundary. Each sale is the Mini App's calls:
# the guest's card draws a code, the till looks it up, quotes and confirms; the clock starts
# before Confirm is sent and stops when the receipt arrives. Sales run one after another.
# Usage: bench/miniapp-receipt.sh [sales] [release|debug]   (defaults 200 release)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
sales=${1:-200}
configuration=${2:-release}

bench_database
db_port=$(echo "$DATABASE_URL" | sed -E 's#.*:([0-9]+)/.*#\1#')
echo "building $configuration…" >&2
swift build -c "$configuration" --product crema >&2
bin="$(swift build -c "$configuration" --show-bin-path)/crema"
"$bin" migrate >/dev/null
"$bin" seed-demo --customers "$sales" >/dev/null

fake_port=$(pg_free_port)
python3 bench/fake_bot_api.py "$fake_port" &
bench_pids+=("$!")
export APP_ENV=test LOG_LEVEL=warning TELEGRAM_API_BASE_URL="http://127.0.0.1:$fake_port"
export TELEGRAM_CLIENT_BOT_TOKEN=100001:bench-client TELEGRAM_STAFF_BOT_TOKEN=100002:bench-staff
export TELEGRAM_STAFF_WEBHOOK_SECRET=bench-staff-secret
invite=$("$bin" staff-invite --role barista --location main | head -1 | sed -E 's/.*start=//')
port=$(pg_free_port)
PORT=$port "$bin" serve >"$bench_workdir/serve.log" 2>&1 &
bench_pids+=("$!")
until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.05; done

guests=$(pg_psql "$db_port" crema "SELECT string_agg(telegram_id::text, ',') FROM (SELECT telegram_id FROM customers ORDER BY id LIMIT $sales) g" -tA)
python3 bench/miniapp_receipt.py "http://127.0.0.1:$port" "http://127.0.0.1:$fake_port" "$invite" "$guests" "$sales"
echo "crema serve: $configuration build, one instance, background jobs on" >&2
bench_footer
