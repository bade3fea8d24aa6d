#!/usr/bin/env python3
"""Signs in to the admin panel and sends a broadcast to everyone, as an owner would.

Usage: queue_broadcast.py BASE_URL EMAIL PASSWORD TEXT
"""
import http.client
import re
import sys
import urllib.parse

base, email, password, text = sys.argv[1:5]
url = urllib.parse.urlparse(base)
connection = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
cookies = {}


def request(method, path, form=None):
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    page = response.read().decode(errors="replace")
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            cookies[name] = rest.split(";")[0]
    return response.status, page


def csrf(page):
    return re.search(r'name="_csrf" value="([^"]+)"', page).group(1)


_, page = request("GET", "/admin/login")
status, _ = request("POST", "/admin/login", {"email": email, "password": password, "_csrf": csrf(page), "next": "/admin"})
assert status == 303, f"sign-in answered {status}"
_, page = request("GET", "/admin/broadcasts")
status, page = request("POST", "/admin/broadcasts", {"_csrf": csrf(page), "audience": "everyone", "text": text, "action": "send"})
assert status == 303, f"the broadcast form answered {status}: {page[:300]}"
