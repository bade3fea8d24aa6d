#!/usr/bin/env bash
# Broadcast delivery to GUESTS guests (seed-demo) through two `crema serve` instances against a
# fake Bot API (bench/fake_bot_api.py), queued from the admin panel as an owner would.
#   1. the default 25 msg/s setting, measured over PACED_SECONDS (all 100 k at 25/s would take
#      67 minutes; the rest of that broadcast is then set aside);
#   2. the setting raised to CEILING msg/s: the sender's own ceiling, every guest;
#   3. the same, with the sending instance killed with -9 halfway; the other one finishes.
# During run 1, with the whole broadcast queued, a guest buys something through the partner API:
# the time from the confirmed sale to the receipt's arrival at the fake Bot API is printed
# (receipts are claimed before broadcast messages).
# Each run prints sent, rate, duplicates (chats that got the text twice) and losses (recipients
# that never got it).
# Usage: bench/broadcast.sh [guests] [paced-seconds] [ceiling] [debug|release]   (defaults 100000 60 2000 release)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
guests=${1:-100000}
paced_seconds=${2:-60}
ceiling=${3:-2000}
configuration=${4:-release}
command -v curl >/dev/null || apt-get install -y -qq curl >/dev/null

bench_database
db_port=$(echo "$DATABASE_URL" | sed -E 's#.*:([0-9]+)/.*#\1#')
sql() { pg_psql "$db_port" crema "$1" -tA; }
echo "building $configuration…" >&2
swift build -c "$configuration" --product crema >&2
bin="$(swift build -c "$configuration" --show-bin-path)/crema"
"$bin" migrate >/dev/null
"$bin" seed-demo --customers "$guests" >/dev/null
# The runs queue several broadcasts from one account: lift the daily cap (broadcasts_per_day).
pg_psql "$db_port" crema "UPDATE settings SET value = '1000' WHERE key = 'broadcasts_per_day'" >/dev/null

fake_port=$(pg_free_port)
python3 bench/fake_bot_api.py "$fake_port" &
bench_pids+=("$!")
export APP_ENV=test LOG_LEVEL=warning TELEGRAM_API_BASE_URL="http://127.0.0.1:$fake_port"
export TELEGRAM_CLIENT_BOT_TOKEN=100001:bench-client TELEGRAM_STAFF_BOT_TOKEN=100002:bench-staff

declare -A instance_pid
start_instances() {
    for name in a b; do
        local port
        port=$(pg_free_port)
        PORT=$port "$bin" serve >>"$bench_workdir/serve-$name.log" 2>&1 &
        instance_pid[$name]=$!
        bench_pids+=("$!")
        until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.05; done
        if [ "$name" = a ]; then admin_url="http://127.0.0.1:$port"; fi
    done
}
stop_instances() {
    for name in a b; do kill "${instance_pid[$name]}" 2>/dev/null || true; wait "${instance_pid[$name]}" 2>/dev/null || true; done
}
# The instance whose session holds the client bot's sender lock (an advisory lock).
leader_pid() {
    local client_port
    client_port=$(sql "SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                       WHERE l.locktype = 'advisory' AND l.granted AND l.classid::text = '1668441453' AND l.objid::text = '1633644288'")
    [ -n "$client_port" ] && ss -tnpH "sport = :$client_port" | sed -nE 's/.*pid=([0-9]+).*/\1/p' | head -1
}
fake_stats() { curl -sf "http://127.0.0.1:$fake_port/stats"; }
# calls chats duplicates first last, for one text
stats_of() {
    fake_stats | python3 -c "import json,sys; s=json.load(sys.stdin).get(sys.argv[1]); print(*(s and [s['calls'], s['chats'], s['duplicates'], s['first'], s['last']] or [0, 0, 0, 0, 0]))" "$1"
}
queue() {
    python3 bench/queue_broadcast.py "$admin_url" owner@crema.local crema-demo-2026 "$1"
    sql "SELECT id, recipients FROM broadcasts WHERE body = '$1'"
}
sent_of() { sql "SELECT count(*) FROM outbox WHERE broadcast_id = $1 AND status = 'sent'"; }
wait_until_done() {
    while [ "$(sql "SELECT count(*) FROM outbox WHERE broadcast_id = $1 AND status = 'pending'")" != 0 ]; do sleep 1; done
}
results=()
report() { # label text recipients
    local calls chats duplicates first last
    read -r calls chats duplicates first last < <(stats_of "$2")
    local seconds rate
    seconds=$(echo "$last - $first" | bc -l)
    rate=$(echo "if ($seconds > 0) ($calls - 1) / $seconds else 0" | bc -l)
    results+=("$(printf '%-44s %10s %10d %8.1f %10.1f %6d %6d' "$1" "$3" "$calls" "$seconds" "$rate" "$duplicates" "$(( $3 - chats ))")")
}

# 1. The default setting.
sql "UPDATE settings SET value = '25' WHERE key = 'broadcast_messages_per_second'" >/dev/null
start_instances
IFS='|' read -r id recipients < <(queue "bench paced")
echo "run 1: $recipients recipients at 25/s, measuring ${paced_seconds}s…" >&2
sleep 3
receipt_latency=$(python3 - "$admin_url" "$("$bin" api-key create --name bench-receipt --scopes codes:write,orders:write | head -1)" \
    "$(sql "SELECT telegram_id FROM customers WHERE telegram_id IS NOT NULL ORDER BY id DESC LIMIT 1")" "$fake_port" <<'PY'
import json, sys, time, urllib.request
base, key, guest, fake = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
def post(path, body, idempotency=None):
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    if idempotency: headers["Idempotency-Key"] = idempotency
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=10) as answer: return json.load(answer)
code = post(f"/api/v1/customers/{guest}/codes", {})["code"]
order = post("/api/v1/orders", {"code": code, "amount_kopecks": 35000}, idempotency="bench-receipt")["id"]
confirmed = time.time()
prefixes = (f"Спасибо за покупку! Заказ №{order}\n", f"Thank you for your purchase! Order #{order}\n")
while time.time() - confirmed < 60:
    stats = json.load(urllib.request.urlopen(f"http://127.0.0.1:{fake}/stats", timeout=5))
    arrived = [entry["first"] for text, entry in stats.items() if text.startswith(prefixes)]
    if arrived:
        print(f"{(arrived[0] - confirmed) * 1000:.0f} ms")
        break
    time.sleep(0.02)
else:
    print("not within 60 s")
PY
)
echo "run 1: a receipt queued behind the broadcast reached the fake Bot API $receipt_latency after the sale" >&2
sleep "$paced_seconds"
stop_instances
read -r calls _ duplicates first last < <(stats_of "bench paced")
paced_rate=$(echo "($calls - 1) / ($last - $first)" | bc -l)
results+=("$(printf '%-44s %10s %10d %8.1f %10.1f %6d %6s' "25/s setting (first ${paced_seconds}s)" "$recipients" "$calls" "$(echo "$last - $first" | bc -l)" "$paced_rate" "$duplicates" "—")")
sql "UPDATE outbox SET status = 'skipped', last_error = 'set aside by the benchmark' WHERE broadcast_id = $id AND status = 'pending'" >/dev/null

# 2. The sender's own ceiling.
sql "UPDATE settings SET value = '$ceiling' WHERE key = 'broadcast_messages_per_second'" >/dev/null
start_instances
IFS='|' read -r id recipients < <(queue "bench ceiling")
echo "run 2: $recipients recipients at up to $ceiling/s…" >&2
wait_until_done "$id"
report "setting $ceiling/s (the sender's ceiling)" "bench ceiling" "$recipients"
stop_instances

# 3. Kill -9 the sending instance halfway.
start_instances
IFS='|' read -r id recipients < <(queue "bench kill")
echo "run 3: $recipients recipients, killing the sender at half…" >&2
while [ "$(sent_of "$id")" -lt $(( recipients / 2 )) ]; do sleep 0.2; done
victim=$(leader_pid)
kill -9 "$victim"
killed_at=$(sent_of "$id")
echo "killed pid $victim after $killed_at sent" >&2
wait_until_done "$id"
report "setting $ceiling/s, sender killed -9 at half" "bench kill" "$recipients"
stop_instances
outbox=$(sql "SELECT string_agg(status || ' ' || n, ', ') FROM (SELECT status, count(*) n FROM outbox WHERE broadcast_id = $id GROUP BY status) s")

echo
echo "broadcast to $guests guests, 2 instances, fake Bot API ($configuration build)"
printf '%-44s %10s %10s %8s %10s %6s %6s\n' run recipients "calls" seconds "msg/s" dup lost
printf '%s\n' "${results[@]}"
echo "run 3: the leader (pid $victim) was killed after $killed_at rows were marked sent; outbox afterwards: $outbox"
echo "receipt behind the queued broadcast (run 1): $receipt_latency from the confirmed sale to the Bot API"
echo
bench_footer
