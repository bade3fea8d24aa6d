#!/usr/bin/env python3
"""A stand-in for api.telegram.org for the broadcast benchmark: answers every Bot API call as
Telegram would (a message object for sendMessage), counts the calls per chat_id and per text,
and reports them as JSON on GET /stats. Telegram cannot be reached from here; this is the
network boundary, nothing else is fake.

Usage: fake_bot_api.py PORT
"""
import json
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
calls_by_text = {}  # text -> Counter(chat_id -> calls)
first_call = {}
last_call = {}
message_ids = iter(range(1, 1 << 62))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, the second waits for
    # the client's delayed ACK, 40 ms a call.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def answer(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path != "/stats":
            return self.answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        with lock:
            report = {}
            for text, counter in calls_by_text.items():
                report[text] = {
                    "calls": sum(counter.values()),
                    "chats": len(counter),
                    "duplicates": sum(n - 1 for n in counter.values() if n > 1),
                    "first": first_call[text],
                    "last": last_call[text],
                }
        self.answer(200, report)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        method = self.path.rsplit("/", 1)[-1]
        chat_id = body.get("chat_id")
        now = time.time()
        if method == "sendMessage":
            text = body.get("text", "")
            with lock:
                counter = calls_by_text.setdefault(text, Counter())
                counter[chat_id] += 1
                first_call.setdefault(text, now)
                last_call[text] = now
                message_id = next(message_ids)
            return self.answer(200, {"ok": True, "result": {
                "message_id": message_id, "date": int(now), "chat": {"id": chat_id, "type": "private"}, "text": text}})
        if method == "getMe":
            return self.answer(200, {"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "Crema", "username": "crema_bench_bot"}})
        return self.answer(200, {"ok": True, "result": True})


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    server.serve_forever()
