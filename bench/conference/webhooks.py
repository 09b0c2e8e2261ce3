#!/usr/bin/env python3
"""The application of the conference bench: GET /answer returns a `conversation` NCCO; anything else gets an empty 200.

Usage: webhooks.py PORT ROOMS [PREFIX]
Callers are dealt to ROOMS named conversations in turn (the i-th answer joins PREFIX-(i mod ROOMS)), so K rooms of N
fill evenly whatever order SIPp's calls arrive in. Tiny on purpose (threaded stdlib server, no logging): it shares the
2 cores with the host and SIPp.
"""
import http.server
import itertools
import json
import sys
import threading

PORT, ROOMS = int(sys.argv[1]), int(sys.argv[2])
PREFIX = sys.argv[3] if len(sys.argv) > 3 else "bench-room"
counter = itertools.count()
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _reply(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the host gave up on this request (its webhook timeout, on a loaded box): its log says so

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        if not self.path.startswith("/answer"):
            self._reply(b"")
            return
        with lock:
            room = next(counter) % ROOMS
        self._reply(json.dumps([{"action": "conversation", "name": f"{PREFIX}-{room}"}]).encode())

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._reply(b"")

    def log_message(self, *args) -> None:
        pass


http.server.ThreadingHTTPServer.daemon_threads = True
http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
