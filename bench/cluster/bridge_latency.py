#!/usr/bin/env python3
"""Mouth-to-ear latency of a conversation bridge between two nodes, against the same conversation on one node.

One speaker leg on node 1 and two listener legs in the same named conversation: one on node 1 (local mix) and one on
node 2 (bridged to node 1). All three are WebSocket legs to this script (16 kHz L16, 20 ms frames). The speaker sends
silence in real time with a 1 kHz burst every BURST_EVERY seconds; for each burst, each listener's onset time (first
sample above the threshold, at the arrival time of its frame) minus the burst's send time is its mouth-to-ear latency.
Both listeners hear the same bursts in the same run, so their difference is the bridge's cost.

Usage: bridge_latency.py NODE1_URL NODE2_URL API_KEY API_SECRET [ROUNDS] [BURSTS]
Needs only python3 and python3-cryptography (Debian); loopback only; bounded in rounds, bursts and time.
"""
import asyncio, base64, hashlib, json, math, os, struct, sys, time, urllib.request, uuid
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

RATE, FRAME = 16000, 320
BURST_EVERY, BURST_MS, THRESHOLD = 1.0, 200, 2000

node1, node2, key, secret = sys.argv[1:5]
ROUNDS = int(sys.argv[5]) if len(sys.argv) > 5 else 4
BURSTS = int(sys.argv[6]) if len(sys.argv) > 6 else 5

def b64u(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
public_pem = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

def http(method, url, body=None, auth=None):
    req = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", "Authorization": auth or ""})
    with urllib.request.urlopen(req, timeout=20) as r:
        text = r.read()
        return json.loads(text) if text else None

basic = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
app = http("POST", node1 + "/v2/applications", {"name": "bridge latency", "keys": {"public_key": public_pem},
           "capabilities": {"voice": {"webhooks": {"event_url": {"address": "http://127.0.0.1:9/events", "http_method": "POST"}}}}}, basic)
app_id = app["id"]

def jwt():
    now = int(time.time())
    head = b64u(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    body = b64u(json.dumps({"application_id": app_id, "iat": now, "exp": now + 600, "jti": str(uuid.uuid4())}).encode())
    sig = private.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"Bearer {head}.{body}.{b64u(sig)}"

class Leg:
    """The application's end of one WebSocket leg: arrival-timed audio, and a writer."""
    def __init__(self, reader, writer):
        self.reader, self.writer, self.onsets, self.closed = reader, writer, [], False
        self.armed_after = math.inf

    async def run(self):
        try:
            while True:
                head = await self.reader.readexactly(2)
                op, n = head[0] & 0x0F, head[1] & 0x7F
                if n == 126: n = struct.unpack(">H", await self.reader.readexactly(2))[0]
                elif n == 127: n = struct.unpack(">Q", await self.reader.readexactly(8))[0]
                mask = await self.reader.readexactly(4) if head[1] & 0x80 else None
                data = await self.reader.readexactly(n)
                at = time.monotonic()
                if mask: data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
                if op == 8: break
                if op == 2 and at > self.armed_after:
                    samples = struct.unpack(f"<{len(data) // 2}h", data)
                    for i, s in enumerate(samples):
                        if abs(s) > THRESHOLD:
                            self.onsets.append(at - (len(samples) - i) / RATE)
                            self.armed_after = at + BURST_EVERY / 2   # one onset per burst
                            break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        self.closed = True

    def send(self, op, payload):
        n = len(payload)
        head = bytes([0x80 | op, n]) if n < 126 else bytes([0x80 | op, 126]) + struct.pack(">H", n)
        self.writer.write(head + payload)

legs, waiting = {}, {}

async def accept(reader, writer):
    request = (await reader.readuntil(b"\r\n\r\n")).decode()
    path = request.split(" ")[1].lstrip("/")
    key_line = next(l for l in request.split("\r\n") if l.lower().startswith("sec-websocket-key:"))
    accept_key = base64.b64encode(hashlib.sha1((key_line.split(":", 1)[1].strip() + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
    writer.write(f"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept_key}\r\n\r\n".encode())
    leg = Leg(reader, writer)
    legs[path] = leg
    waiting.pop(path).set_result(leg)
    await leg.run()

async def call(node, name, port, room):
    fut = asyncio.get_running_loop().create_future()
    waiting[name] = fut
    body = {"to": [{"type": "websocket", "uri": f"ws://127.0.0.1:{port}/{name}", "content-type": "audio/l16;rate=16000"}],
            "from": {"type": "phone", "number": "447700900000"}, "ncco": [{"action": "conversation", "name": room}]}
    created = await asyncio.to_thread(http, "POST", node + "/v1/calls", body, jwt())
    return created["uuid"], await asyncio.wait_for(fut, 20)

def median(v): v = sorted(v); return v[len(v) // 2] if v else float("nan")
def pct(v, p): v = sorted(v); return v[min(len(v) - 1, int(p * len(v)))] if v else float("nan")

async def main():
    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    local, bridged, diffs = [], [], []
    for r in range(ROUNDS):
        room = f"latency-{uuid.uuid4().hex[:8]}"
        speaker_id, speaker = await call(node1, f"s{r}", port, room)
        local_id, local_leg = await call(node1, f"l{r}", port, room)
        bridged_id, bridged_leg = await call(node2, f"b{r}", port, room)
        silence = bytes(FRAME * 2)
        burst = b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * 1000 * i / RATE))) for i in range(FRAME))
        sends, start = [], time.monotonic()
        frames = int((1.5 + BURSTS * BURST_EVERY) * 50)
        local_leg.armed_after = bridged_leg.armed_after = start + 1.4   # the first 1.5 s let the bridge settle
        for f in range(frames):   # real time: one frame per 20 ms
            t = f * 0.02
            in_burst = t >= 1.5 and ((t - 1.5) % BURST_EVERY) < BURST_MS / 1000
            if in_burst and (not sends or t - sends[-1][1] > BURST_EVERY / 2): sends.append((time.monotonic(), t))
            speaker.send(2, burst if in_burst else silence)
            await asyncio.sleep(max(0, start + (f + 1) * 0.02 - time.monotonic()))
        await asyncio.sleep(0.5)
        for i, (sent, _) in enumerate(sends):
            lo = next((o for o in local_leg.onsets if o >= sent - 0.01), None)
            br = next((o for o in bridged_leg.onsets if o >= sent - 0.01), None)
            if lo is None or br is None: continue
            local.append((lo - sent) * 1000); bridged.append((br - sent) * 1000); diffs.append((br - lo) * 1000)
        for uid, node in ((bridged_id, node2), (local_id, node1), (speaker_id, node1)):
            try: await asyncio.to_thread(http, "PUT", f"{node}/v1/calls/{uid}", {"action": "hangup"}, jwt())
            except Exception: pass
        print(f"round {r + 1}: {len(sends)} bursts, heard by both {len(diffs)} so far", flush=True)
    server.close()
    print(f"bursts measured: {len(diffs)} ({ROUNDS} rounds x {BURSTS})")
    print(f"mouth-to-ear, listener on the speaker's node (local mix): median {median(local):.1f} ms, p90 {pct(local, 0.9):.1f} ms")
    print(f"mouth-to-ear, listener on the other node (bridged):     median {median(bridged):.1f} ms, p90 {pct(bridged, 0.9):.1f} ms")
    print(f"bridge cost (bridged - local, same burst):                median {median(diffs):.1f} ms, p90 {pct(diffs, 0.9):.1f} ms, min {min(diffs, default=float('nan')):.1f} ms")
    if not diffs: sys.exit(1)

asyncio.run(asyncio.wait_for(main(), 60 + ROUNDS * (BURSTS + 20)))
