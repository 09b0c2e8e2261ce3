#!/usr/bin/env python3
"""The application side of scripts/interop/asterisk.sh: answer webhook, event and input webhooks, the prompt.

Every request is appended to LOG as one JSON line ({"path", "query", "body"}), which the script reads to judge each
scenario. The NCCO depends on the number Asterisk dialled (the answer webhook's `to`):
  1xxx  a call from Asterisk that Ncco answers (talk/stream/input; which one by the last digits, see NCCOS)
  2xxx  connect to the phone number 5550xxx, routed back out through the Asterisk trunk
"""
import http.server, json, sys, urllib.parse

port, log_path, prompt_path, hook = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
prompt = open(prompt_path, "rb").read()
log = open(log_path, "a", buffering=1)

def input_dtmf(tag):
    return {"action": "input", "type": ["dtmf"], "dtmf": {"maxDigits": 4, "timeOut": 8},
            "eventUrl": [f"{hook}/input?s={tag}"]}

NCCOS = {
    # RFC 2833 keys after a talk; Ncco hangs up at the end of the NCCO.
    "1001": [{"action": "talk", "text": "Enter four digits.", "bargeIn": True}, input_dtmf("1001"),
             {"action": "talk", "text": "Thank you."}],
    # In-band keys over a stream; Ncco hangs up.
    "1002": [{"action": "stream", "streamUrl": [f"{hook}/prompt.wav"], "bargeIn": True}, input_dtmf("1002"),
             {"action": "stream", "streamUrl": [f"{hook}/prompt.wav"]}],
    # Endless prompt: Asterisk hangs up.
    "1003": [{"action": "stream", "streamUrl": [f"{hook}/prompt.wav"], "loop": 0}],
    # Codec scenarios: a short talk, then Ncco hangs up.
    "1011": [{"action": "talk", "text": "A law."}],
    "1012": [{"action": "talk", "text": "Mu law."}],
    "1013": [{"action": "talk", "text": "G seven twenty two."}],
    # Session timers: a call longer than Asterisk's session interval (Asterisk hangs up).
    "1090": [{"action": "stream", "streamUrl": [f"{hook}/prompt.wav"], "loop": 0}],
    # PJSIP only: 100rel required, a connected-line update once answered, a call placed as the softphone user alice.
    # Long enough for the update to arrive mid-call, then Ncco hangs up.
    "1100": [{"action": "talk", "text": "Reliable provisional responses."}],
    "1050": [{"action": "stream", "streamUrl": [f"{hook}/prompt.wav"]}, {"action": "talk", "text": "Connected line."}],
    "1020": [{"action": "talk", "text": "Outbound authentication."}],
}

def connect(to):
    number = "5550" + to[1:]
    endpoint = {"type": "phone", "number": number}
    if number == "5550142":
        endpoint["dtmfAnswer"] = "42"  # keys Ncco sends once the callee answers (RFC 4733)
    return [{"action": "connect", "timeout": 8, "from": "442079460000",
             "eventUrl": [f"{hook}/events?s=connect-{number}"], "endpoint": [endpoint]}]

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status, body, kind):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if kind == "audio/wav":
            self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        self.wfile.write(body)

    def record(self, body):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = body.decode("utf-8", "replace")
        log.write(json.dumps({"path": url.path, "query": query, "body": parsed}) + "\n")
        return url.path, query, parsed

    def do_GET(self):
        path, query, _ = self.record(b"")
        if path == "/prompt.wav":
            return self.reply(200, prompt, "audio/wav")
        if path == "/answer":
            to = query.get("to", "")
            ncco = NCCOS.get(to) or (connect(to) if to.startswith("2") else [{"action": "talk", "text": "Unknown."}])
            return self.reply(200, json.dumps(ncco).encode(), "application/json")
        self.reply(404, b"", "text/plain")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.record(self.rfile.read(length))
        self.reply(200, b"", "application/json")

    def log_message(self, *args):
        pass

http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
