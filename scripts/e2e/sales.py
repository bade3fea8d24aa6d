#!/usr/bin/env python3
"""A stream of partner-API sales through nginx, the way a careful POS sends them: a fresh
payment code, then POST /api/v1/orders with an Idempotency-Key, retried with the same key on a
broken connection, a 5xx or a 409 "still in flight" until it gets an answer.

Usage: sales.py BASE_URL CA_FILE API_KEY COUNT KEY_PREFIX TELEGRAM_IDS [--kill-at N --kill-pid PID]
Prints one JSON object: sales confirmed, retries, and the order id for every key.
"""
import json, os, signal, ssl, sys, threading, time, http.client, urllib.parse

base, cafile, api_key, count, prefix, ids = sys.argv[1:7]
count = int(count)
telegram_ids = [int(x) for x in ids.split(",")]
kill_at = int(sys.argv[sys.argv.index("--kill-at") + 1]) if "--kill-at" in sys.argv else None
kill_pid = int(sys.argv[sys.argv.index("--kill-pid") + 1]) if "--kill-pid" in sys.argv else None

url = urllib.parse.urlparse(base)
context = ssl.create_default_context(cafile=cafile)


def call(method, path, body=None, idempotency_key=None):
    connection = http.client.HTTPSConnection(url.hostname, url.port, context=context, timeout=15)
    headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    try:
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw or b"{}")
        except ValueError:
            # nginx's own error pages (502 while an instance is down) are HTML.
            return response.status, {"raw": raw[:200].decode(errors="replace")}
    finally:
        connection.close()


def with_retries(method, path, body=None, idempotency_key=None):
    retries = 0
    deadline = time.time() + 60
    while True:
        try:
            status, answer = call(method, path, body, idempotency_key)
            if status < 500 and not (status == 409 and answer.get("code") == "idempotency_key_in_flight"):
                return status, answer, retries
        except (OSError, http.client.HTTPException):
            pass
        retries += 1
        if time.time() > deadline:
            raise SystemExit(f"gave up on {method} {path} after {retries} retries")
        time.sleep(min(0.05 * retries, 1.0))


orders = {}
bodies = {}
retries_total = 0
for index in range(count):
    if kill_at is not None and index == kill_at and kill_pid:
        # Killed a moment later, so the instance likely dies with a request in hand.
        threading.Timer(0.004, os.kill, (kill_pid, signal.SIGKILL)).start()
    telegram_id = telegram_ids[index % len(telegram_ids)]
    status, code, retries = with_retries("POST", f"/api/v1/customers/{telegram_id}/codes")
    retries_total += retries
    if status != 201:
        raise SystemExit(f"code for {telegram_id}: {status} {code}")
    key = f"{prefix}-{index}"
    bodies[key] = {"code": code["code"], "amount_kopecks": 10_000 + index}
    status, order, retries = with_retries("POST", "/api/v1/orders", bodies[key], key)
    retries_total += retries
    if status != 201:
        raise SystemExit(f"order {key}: {status} {order}")
    orders[key] = order["id"]

# A retry of a key that already succeeded gets the same order back (every 20th key).
replayed_same = 0
for key, order_id in list(orders.items())[:: max(1, count // 25)]:
    status, order, _ = with_retries("POST", "/api/v1/orders", bodies[key], key)
    if status != 201 or order.get("id") != order_id:
        raise SystemExit(f"replay of {key} answered {status} {order}, not order {order_id}")
    replayed_same += 1

print(json.dumps({"confirmed": len(orders), "retries": retries_total, "replay_checks": replayed_same, "orders": orders}))
