#!/usr/bin/env python3
"""Judges one scenario of scripts/interop/asterisk.sh from the webhooks the application received (app.jsonl) and
Asterisk's full log (`sip set debug on` with chan_sip, `pjsip set logger on` with res_pjsip: CHANNEL, the 4th argument). Prints "PASS name: what was seen" or "FAIL name: what was expected, what was
seen" and exits 0/1."""
import json, re, sys

name, app_log, ast_log = sys.argv[1], sys.argv[2], sys.argv[3]
channel = sys.argv[4] if len(sys.argv) > 4 else "sip"
records = [json.loads(line) for line in open(app_log) if line.strip()]
asterisk = open(ast_log, errors="replace").read()

def events(to, path="/events"):
    return [r["body"] for r in records if r["path"] == path and isinstance(r["body"], dict) and r["body"].get("to") == to]

def statuses(to):
    return [e.get("status") for e in events(to)]

def answer_query(to):
    return next((r["query"] for r in records if r["path"] == "/answer" and r["query"].get("to") == to), None)

def last(to, status):
    return next((e for e in reversed(events(to)) if e.get("status") == status), None)

def sip_messages():
    # Every SIP message Asterisk printed: "<--- SIP read from ... --->" and "<--- Transmitting ... --->" blocks, and
    # "Reliably Transmitting ... :" ones (chan_sip writes both forms); res_pjsip_logger's "<--- Received SIP request
    # (n bytes) from UDP:... --->" and "<--- Transmitting SIP response (n bytes) to UDP:... --->".
    return re.findall(r"(?:<--- )?(?:SIP read from|Received SIP|(?:Reliably )?Transmitting)[^\n]*(?:--->|:)\n(.*?)(?=\n<-{5,}>|\n\[\w{3} |\Z)", asterisk, re.S)

def sent_to_ncco(message):
    """Whether Asterisk sent this message (the log block's heading), for the PJSIP checks that count directions."""
    return message in sent_by_asterisk

sent_by_asterisk = set(re.findall(r"(?:(?:Reliably )?Transmitting)[^\n]*(?:--->|:)\n(.*?)(?=\n<-{5,}>|\n\[\w{3} |\Z)", asterisk, re.S))

def messages(first_line, header_pattern):
    return [m for m in sip_messages() if m.startswith(first_line) and re.search(header_pattern, m)]

def ncco_sdp(number, inbound=True):
    """(RTP port, first payload type) of Ncco's SDP on the call with `number`: its 200 OK to Asterisk's INVITE, or the
    INVITE it sent through the trunk."""
    found = messages("SIP/2.0 200 OK", r"CSeq: \d+ INVITE") if inbound else messages(f"INVITE sip:{number}@", r"CSeq: 1 INVITE")
    for m in found:
        mline = re.search(r"^m=audio (\d+) RTP/AVP ([\d ]+)", m, re.M)
        if mline and f"<sip:{number}@" in m:
            return mline.group(1), mline.group(2).split()[0]
    return None, None

def heard_from_ncco(port):
    """Asterisk locks its strict-RTP source on the first packet from that address: Ncco's audio arrived."""
    return port is not None and f"switching to RTP target address 127.0.0.1:{port} as source" in asterisk

def answer_codec(number):
    return ncco_sdp(number)[1]

def result(ok, seen):
    print(f"{'PASS' if ok else 'FAIL'} {name}: {seen}")
    sys.exit(0 if ok else 1)

def dial_inbound(number, digits=None, by="platform", caller=None):
    sts = statuses(number)
    done = last(number, "completed")
    seen = f"events {sts}"
    ok = sts[:1] == ["started"] and "answered" in sts and done is not None and done.get("disconnected_by") == by
    if digits is not None:
        got = [e.get("dtmf", {}).get("digits") for e in events(number, "/input")]
        seen += f", input digits {got}"
        ok = ok and digits in got
    if caller is not None:
        q = answer_query(number) or {}
        seen += f", answer webhook from={q.get('from')}"
        ok = ok and q.get("from") == caller
    if done:
        seen += f", completed by {done.get('disconnected_by')} after {done.get('duration')} s"
    port = ncco_sdp(number)[0]
    heard = heard_from_ncco(port)
    seen += f", Ncco's RTP (port {port}) reached Asterisk: {heard}"
    return ok and heard, seen

def connect(number, expect_status, **fields):
    sts = statuses(number)
    final = last(number, expect_status)
    ok = final is not None and all(final.get(k) == v for k, v in fields.items())
    seen = f"events {sts}" + (f", {expect_status} {({k: final.get(k) for k in ('sip_code', 'detail')})}" if final else "")
    return ok, seen

if name == "in-rfc2833":
    result(*dial_inbound("1001", digits="1234", caller="442079460123"))
elif name == "in-inband":
    result(*dial_inbound("1002", digits="1234"))
elif name == "in-asterisk-hangs-up":
    result(*dial_inbound("1003", by="user"))
elif name in ("codec-alaw-only", "codec-ulaw-only", "codec-g722-only"):
    number, want = {"codec-alaw-only": ("1011", "8"), "codec-ulaw-only": ("1012", "0"), "codec-g722-only": ("1013", "9")}[name]
    ok, seen = dial_inbound(number)
    pt = answer_codec(number)
    result(ok and pt == want, f"{seen}; Ncco answered with payload type {pt} (want {want})")
elif name == "out-digest-answer":
    ok, seen = connect("5550100", "completed", disconnected_by="user")
    challenged = len([m for m in messages("SIP/2.0 401 Unauthorized", r"CSeq: \d+ INVITE") if "<sip:5550100@" in m])
    authorized = len(messages("INVITE sip:5550100@", r"\nAuthorization: Digest username=\"ncco\""))
    port = ncco_sdp("5550100", inbound=False)[0]
    heard = heard_from_ncco(port)
    result(ok and "answered" in statuses("5550100") and challenged > 0 and authorized > 0 and heard,
           f"{seen}; Asterisk challenged {challenged} INVITE(s) with 401, Ncco answered with credentials {authorized}x; "
           f"Ncco's RTP (port {port}) reached Asterisk: {heard}")
elif name == "out-dtmf-answer":
    ok, seen = connect("5550142", "completed", disconnected_by="user")
    keys = re.findall(r"^\[[^\]]*\] NOTICE\[[^\n]*: KEYS FROM NCCO (\d*)$", asterisk, re.M)
    result(ok and "42" in keys, f"{seen}; Asterisk collected {keys} (dtmfAnswer 42, RFC 2833)")
elif name == "out-early-media":
    ok, seen = connect("5550183", "completed", disconnected_by="user")
    early = [m for m in messages("SIP/2.0 183 Session Progress", r"application/sdp") if "5550183@" in m]
    sts = statuses("5550183")
    ordered = "ringing" in sts and "answered" in sts and sts.index("ringing") < sts.index("answered")
    # res_pjsip sends its 18x reliably (Require: 100rel, RSeq) when Ncco's INVITE says Supported: 100rel: each needs a PRACK
    reliable = [m for m in early if re.search(r"\nRequire:[^\n]*100rel", m)]
    pracks = [m for m in messages("PRACK sip:", r"\nRAck: \d+ \d+ INVITE") if "5550183@" in m]
    result(ok and ordered and len(early) > 0 and (not reliable or len(pracks) > 0),
           f"{seen}; 183 with SDP from Asterisk: {len(early)} (reliable {len(reliable)}), Ncco's PRACKs {len(pracks)}")
elif name == "out-busy":
    result(*connect("5550486", "busy", sip_code=486))
elif name == "out-unavailable":
    result(*connect("5550480", "unanswered", sip_code=480, detail="unavailable"))
elif name == "out-congestion":
    result(*connect("5550503", "failed", sip_code=503, detail="cannot_route"))
elif name == "out-no-answer":
    ok, seen = connect("5550408", "timeout")
    cancels = len(messages("CANCEL sip:5550408@", r"CSeq"))
    result(ok and cancels > 0, f"{seen}; CANCELs sent {cancels}")
elif name == "in-100rel-required":
    # res_pjsip with 100rel = required: "Require: 100rel" in its INVITE. RFC 3262 §3: a provisional response to it is
    # sent reliably (Require: 100rel, RSeq) and Asterisk PRACKs it; the call goes on to 200 as usual.
    ok, seen = dial_inbound("1100")
    invites = [m for m in messages("INVITE sip:1100@", r"\nRequire:[^\n]*100rel") if sent_to_ncco(m)]
    provisional = [m for m in messages("SIP/2.0 18", r"CSeq: \d+ INVITE") if "<sip:1100@" in m and not sent_to_ncco(m)]
    unreliable = [m for m in provisional if not re.search(r"\nRequire:[^\n]*100rel", m) or not re.search(r"\nRSeq: \d+", m)]
    pracks = [m for m in messages("PRACK sip:", r"\nRAck: \d+ \d+ INVITE") if sent_to_ncco(m)]
    prack_ok = [m for m in messages("SIP/2.0 200 OK", r"CSeq: \d+ PRACK") if not sent_to_ncco(m)]
    result(ok and len(invites) > 0 and not unreliable and len(pracks) >= len(provisional) and len(prack_ok) >= len(pracks),
           f"{seen}; INVITEs with Require: 100rel {len(invites)}, Ncco's provisional responses {len(provisional)} "
           f"(unreliable {len(unreliable)}), Asterisk's PRACKs {len(pracks)}, answered 200 {len(prack_ok)}")
elif name == "in-connected-line":
    # Set(CONNECTEDLINE(...)) on the answered PJSIP channel: Asterisk tells Ncco in an UPDATE (the peer allows UPDATE)
    # or a re-INVITE; Ncco answers 200 and the call goes on to its normal end.
    ok, seen = dial_inbound("1050")
    updates = [m for m in sip_messages() if re.match(r"(UPDATE|INVITE) sip:", m) and sent_to_ncco(m)
               and "<sip:1050@" in m and re.search(r"\nTo:[^\n]*;tag=", m)]
    answered = [m for m in messages("SIP/2.0 200 OK", r"CSeq: \d+ (UPDATE|INVITE)") if "<sip:1050@" in m and not sent_to_ncco(m)]
    pai = [m for m in updates if "442079460555" in m]
    result(ok and len(pai) > 0 and len(answered) >= 2,
           f"{seen}; in-dialog UPDATE/re-INVITEs from Asterisk {len(updates)} (with the new connected line {len(pai)}: "
           f"{sorted({m.split(' ', 1)[0] for m in pai})}), Ncco's 200s to INVITE/UPDATE {len(answered)}")
elif name == "in-outbound-auth":
    # Asterisk calls as Ncco's softphone user alice: Ncco challenges, Asterisk's outbound_auth answers.
    ok, seen = dial_inbound("1020")
    challenged = [m for m in messages("SIP/2.0 401", r"CSeq: \d+ INVITE") if "<sip:1020@" in m and not sent_to_ncco(m)]
    authorized = [m for m in messages("INVITE sip:1020@", r"\nAuthorization: Digest username=\"alice\"") if sent_to_ncco(m)]
    result(ok and len(challenged) > 0 and len(authorized) > 0,
           f"{seen}; Ncco challenged {len(challenged)} INVITE(s), Asterisk answered with alice's credentials {len(authorized)}x")
elif name in ("session-timer-in", "session-timer-out"):
    # The call outlives the 90 s interval, nobody logs an expiry, and every 2xx Ncco gives to a refresh from Asterisk
    # (re-INVITE, or UPDATE from res_pjsip) carries Session-Expires, as RFC 4028 §9 asks: pjsip reads a 2xx without it
    # as "no session timer" and, with its default timers=yes, stops them for the rest of the call.
    number = "1090" if name == "session-timer-in" else "5550190"
    ok, seen = dial_inbound(number, by="user") if name == "session-timer-in" else connect(number, "completed", disconnected_by="user")
    done = last(number, "completed") or {}
    expired = asterisk.count("Session-Timer expired") + asterisk.count("stopping session now")
    theirs = [m for m in sip_messages() if re.match(r"(UPDATE|INVITE) sip:", m) and sent_to_ncco(m) and f"{number}@" in m
              and re.search(r"\nTo:[^\n]*;tag=", m) and "Session-Expires" in m]
    answers = [m for m in messages("SIP/2.0 200 OK", r"CSeq: \d+ (UPDATE|INVITE)") if f"{number}@" in m and not sent_to_ncco(m)
               and int(re.search(r"CSeq: (\d+)", m).group(1)) in {int(re.search(r"CSeq: (\d+)", t).group(1)) for t in theirs}]
    bare = [m for m in answers if "\nSession-Expires:" not in m]
    ours = len([m for m in messages("INVITE sip:", r"Session-Expires: \d+;refresher=uac") if not sent_to_ncco(m)
                and f"{number}@" in m and re.search(r"\nTo:[^\n]*;tag=", m) and "\nAuthorization:" not in m])
    result(ok and int(done.get("duration") or 0) >= 95 and expired == 0 and not bare,
           f"{seen} after {done.get('duration')} s; refreshes: Ncco's re-INVITEs {ours}, Asterisk's {len(theirs)} "
           f"({sorted({m.split(' ', 1)[0] for m in theirs})}), Ncco's 2xx to them without Session-Expires {len(bare)}/{len(answers)}; "
           f"Asterisk logged a session-timer expiry {expired}x")
else:
    print(f"unknown scenario {name}")
    sys.exit(2)
