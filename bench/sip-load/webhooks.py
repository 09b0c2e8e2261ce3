#!/usr/bin/env python3
"""The application side of the SIP load run: GET /answer returns the NCCO in $NCCO_FILE (GET /answer-warmup the one in
$NCCO_WARMUP_FILE, when set), anything else gets an empty 200.

Deliberately tiny (threaded stdlib server, no logging) so that it costs little next to the host; it runs on the same
2 cores as the host and SIPp.
"""
import http.server
import os
import sys

NCCO = open(os.environ["NCCO_FILE"], "rb").read()
WARMUP_NCCO = open(os.environ["NCCO_WARMUP_FILE"], "rb").read() if os.environ.get("NCCO_WARMUP_FILE") else NCCO


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _reply(self, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        if self.path.startswith("/answer-warmup"):
            self._reply(WARMUP_NCCO)
        else:
            self._reply(NCCO if self.path.startswith("/answer") else b"")

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._reply(b"")

    def log_message(self, *args) -> None:  # quiet: one line per webhook would cost more than the webhook
        pass


http.server.ThreadingHTTPServer.daemon_threads = True
# The standard library's listen backlog is 5: at 200 calls a second a starved accept loop overflows it and the host's
# webhook connections are refused (its log: "ConnectionFailed"), retried with backoff — the bench's limit, not the host's.
http.server.ThreadingHTTPServer.request_queue_size = 4096
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
