#!/usr/bin/env python3
"""The timing half of bench/miniapp-receipt.sh: binds a barista through the staff bot's webhook,
then for each sale signs init data as Telegram would (HMAC-SHA256 under the bot's token), calls
the Mini Apps' API as the pages do, and times Confirm → the receipt at the fake Bot API.

Usage: miniapp_receipt.py CREMA_URL FAKE_BOT_API_URL INVITE GUEST_IDS SALES
"""
import hashlib, hmac, json, os, re, statistics, sys, time, urllib.parse, urllib.request

crema, fake, invite, guest_ids, sales = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(","), int(sys.argv[5])
CLIENT_TOKEN, STAFF_TOKEN = os.environ["TELEGRAM_CLIENT_BOT_TOKEN"], os.environ["TELEGRAM_STAFF_BOT_TOKEN"]
BARISTA = 990000001


def init_data(token, user_id, name):
    fields = {"user": json.dumps({"id": int(user_id), "first_name": name, "language_code": "ru"}, separators=(",", ":")),
              "auth_date": str(int(time.time())), "query_id": "bench"}
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urllib.parse.urlencode(fields)


def call(url, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


call(crema + "/telegram/staff", {
    "update_id": 1, "message": {"message_id": 1, "date": int(time.time()), "text": f"/start {invite}",
                                "from": {"id": BARISTA, "is_bot": False, "first_name": "Bench", "language_code": "ru"},
                                "chat": {"id": BARISTA, "type": "private"}}},
     {"X-Telegram-Bot-Api-Secret-Token": os.environ["TELEGRAM_STAFF_WEBHOOK_SECRET"]})
till = {"Authorization": "tma " + init_data(STAFF_TOKEN, BARISTA, "Bench")}

latencies = []
for index in range(sales):
    guest = {"Authorization": "tma " + init_data(CLIENT_TOKEN, guest_ids[index % len(guest_ids)], "Guest")}
    code = call(crema + "/miniapp/api/guest/code", {}, guest)["code"]
    call(crema + "/miniapp/api/till/lookup", {"code": code}, till)
    sale = {"code": code, "amount": "450", "redeem": "none", "gift_ids": []}
    sale["confirm_token"] = call(crema + "/miniapp/api/till/quote", sale, till)["confirm_token"]
    started = time.time()
    order = call(crema + "/miniapp/api/till/confirm", sale, till)["order_id"]
    marker = re.compile(rf"(№|#){order}\n")
    while True:
        arrived = next((s["first"] for text, s in call(fake + "/stats").items() if marker.search(text + "\n")), None)
        if arrived is not None:
            latencies.append((arrived - started) * 1000)
            break
        if time.time() - started > 30:
            sys.exit(f"the receipt of order {order} never arrived")
        time.sleep(0.002)

latencies.sort()
p = lambda q: latencies[min(len(latencies) - 1, int(round(q * (len(latencies) - 1))))]
print(f"{'sales':>6} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} {'mean ms':>8}")
print(f"{len(latencies):>6} {p(0.5):>8.1f} {p(0.9):>8.1f} {p(0.99):>8.1f} {latencies[-1]:>8.1f} {statistics.mean(latencies):>8.1f}")
