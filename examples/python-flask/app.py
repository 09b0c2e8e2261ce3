"""The answer webhook from Vonage's "receive an inbound call" guide, in Flask: it greets callers it knows by name and
reads out the number of everyone else. An ordinary Vonage Voice app (nothing here knows about Ncco); `ncco test
scenarios/` tests it.

    python3 app.py                  # listens on 127.0.0.1:3000; PORT=0 picks a free port (printed on the first line)
"""

import os
import sys

from flask import Flask, jsonify, request
from werkzeug.serving import make_server

app = Flask(__name__)

# Callers the business knows, by the number they call from (E.164 without the +, as Vonage sends it).
KNOWN_CALLERS = {
    "447700900001": "Alice",
    "447700900002": "Bob",
}


@app.get("/webhooks/answer")
def answer_call():
    number = request.args.get("from", "")
    name = KNOWN_CALLERS.get(number)
    if name:
        text = f"Hello {name}, welcome back. Thank you for calling."
    else:
        # Spaced digits make text-to-speech read the number digit by digit.
        text = f"Hello, thank you for calling from {' '.join(number)}."
    return jsonify([{"action": "talk", "text": text}])


@app.post("/webhooks/event")
def call_event():
    event = request.get_json(silent=True) or {}
    print(f"event: {event.get('uuid')} {event.get('status')}", flush=True)
    return "", 204


if __name__ == "__main__":
    server = make_server(os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "3000")), app)
    print(f"python-flask listening on http://{server.host}:{server.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)
