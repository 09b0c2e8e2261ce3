"""A moderated conference line in Flask, the way Vonage's conference-call guide builds one: the host (a known number)
starts the conference and ends it on leaving; everyone else waits with music until the host is there. The conference is
recorded, and the app keeps the recording events it is sent. An ordinary Vonage Voice app (nothing here knows about
Ncco); `ncco test scenarios/ --app http://127.0.0.1:3000` tests it.

Its webhooks use both methods Vonage offers: the answer webhook is POST (answer_method POST: the call's details in a
JSON body) and the event webhook is GET (event_method GET: the event's fields in the query string), as the
application's settings, and the scenarios' `app:` section, say.

    python3 app.py                  # listens on 127.0.0.1:3000; PORT=0 picks a free port (printed on the first line)
"""

import os
import sys

from flask import Flask, jsonify, request
from werkzeug.serving import make_server

app = Flask(__name__)

CONFERENCE = "weekly-standup"
HOST_NUMBER = "447700900001"
HOLD_MUSIC = "https://example.com/audio/hold-music.mp3"

# What the app was sent, for its own /calls and /recordings pages (in memory: an example, not a product).
recordings = []
completed_calls = []


@app.post("/webhooks/answer")
def answer_call():
    call = request.get_json(silent=True) or {}
    is_host = call.get("from") == HOST_NUMBER
    greeting = "Welcome, you are the host. The conference starts now." if is_host \
        else "Welcome to the weekly standup. The conference starts when the host joins."
    return jsonify([
        {"action": "talk", "text": greeting},
        {
            "action": "conversation",
            "name": CONFERENCE,
            "startOnEnter": is_host,
            "endOnExit": is_host,
            "musicOnHoldUrl": [HOLD_MUSIC],
            "record": True,
            "eventUrl": [request.host_url + "webhooks/recording"],
        },
    ])


@app.get("/webhooks/event")
def call_event():
    # event_method GET: every field is a query parameter.
    if request.args.get("status") == "completed":
        completed_calls.append({"uuid": request.args.get("uuid"), "from": request.args.get("from"),
                                "duration": request.args.get("duration")})
    return "", 204


@app.post("/webhooks/recording")
def recording():
    event = request.get_json(silent=True) or {}
    recordings.append({"url": event.get("recording_url"), "conversation": event.get("conversation_uuid")})
    print(f"recording: {event.get('recording_url')}", flush=True)
    return "", 204


@app.get("/recordings")
def list_recordings():
    return jsonify(recordings)


if __name__ == "__main__":
    server = make_server(os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "3000")), app)
    print(f"python-conference listening on http://{server.host}:{server.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)
