#!/usr/bin/env python3
"""Signs in to the admin panel and times its heaviest pages, plus the API's customer lookup.
Prints p50/p95/max per page over N sequential requests on one keep-alive connection.

Usage: admin_latency.py BASE_URL EMAIL PASSWORD API_KEY CUSTOMER_ID TELEGRAM_ID [N]
"""
import http.client, re, statistics, sys, time, urllib.parse

base, email, password, api_key, customer_id, telegram_id = sys.argv[1:7]
count = int(sys.argv[7]) if len(sys.argv) > 7 else 100
url = urllib.parse.urlparse(base)
connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
cookies = {}


def request(method, path, body=None, headers=None):
    headers = dict(headers or {})
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            cookies[name] = rest.split(";")[0]
    return response.status, data.decode(errors="replace")


status, page = request("GET", "/admin/login")
csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
form = urllib.parse.urlencode({"email": email, "password": password, "_csrf": csrf, "next": "/admin"})
status, _ = request("POST", "/admin/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
assert status == 303, f"sign-in answered {status}"

cases = [
    ("customers list, first page", "/admin/customers", {}),
    ("customers list, page 200 (keyset)", None, {}),
    ("search by name (common: 'Анна')", "/admin/customers?q=" + urllib.parse.quote("Анна"), {}),
    ("search by name (rare: 'Каренина')", "/admin/customers?q=" + urllib.parse.quote("Каренина"), {}),
    ("search by phone digits", "/admin/customers?q=79500012345", {}),
    ("search by Telegram id", f"/admin/customers?q={telegram_id}", {}),
    ("customers list, tier gold", "/admin/customers?tier=gold", {}),
    ("customer card", f"/admin/customers/{customer_id}", {}),
    ("orders list", "/admin/orders", {}),
    ("dashboard (30 days)", "/admin", {}),
    ("API customer lookup", f"/api/v1/customers/{telegram_id}", {"Authorization": f"Bearer {api_key}"}),
]
# A deep page: the keyset cursor of the 200th page is an id; ids are dense, so pick one far down.
status, page = request("GET", "/admin/customers")
first_id = int(re.search(r'href="/admin/customers/(\d+)"', page).group(1))
cases[1] = (cases[1][0], f"/admin/customers?before={max(1, first_id - 200 * 50)}", {})

print(f"{'page':40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
for name, path, headers in cases:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        status, _ = request("GET", path, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        assert status == 200, f"{path} answered {status}"
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(f"{name:40} {statistics.median(timings):8.1f} {p95:8.1f} {timings[-1]:8.1f}")
