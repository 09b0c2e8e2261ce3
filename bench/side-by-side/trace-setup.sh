#!/usr/bin/env bash
# Traces call setup against one Ncco build: why calls fail and where INVITE→200 goes.
# The host (start_ncco), haproxy as the answer server (same NCCO shape as run.sh, shorter), SIPp's uac-setup.xml with
# -trace_err (and -trace_msg when TRACE_MSG=1: every message, for a small run), then the failed calls by SIPp's cause,
# the answer p50/p95/p99, the SIP responses in its error log by status line, and per phase (INVITE→100/180/200,
# BYE→200) from the message trace (setup_phases.py). The work directory is kept for reading.
# Usage: [NCCO_ARGS="--Ncco:Limits:MaxConcurrentCalls=150"] [TRACE_MSG=1] bench/side-by-side/trace-setup.sh DLL RATE SECONDS [HOLD_MS]
# Ports: SIP_PORT (default 23160), HTTP_PORT (24160); loopback only; bounded by RATE×SECONDS calls and a 120 s limit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
dll=$1 r=$2 secs=$3 hold=${4:-3000}
KEEP=1
source "$root/bench/lib/processes.sh" trace-setup
source "$root/bench/lib/host.sh"
source "$root/bench/lib/answer-haproxy.sh"
bench_ports 23160 24160
RTP_FIRST=${RTP_FIRST:-44000} RTP_LAST=${RTP_LAST:-47999}
needs sipp haproxy python3
python3 - "$work/prompt.wav" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb"); w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * (300 + i / 10) * i / 8000))) for i in range(32000)))
PY
cat >"$work/ncco.json" <<NCCO
[{"action":"stream","streamUrl":["http://127.0.0.1:$HOOK_PORT/prompt.wav"],"loop":0,"bargeIn":true},
 {"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1,"timeOut":10}},
 {"action":"stream","streamUrl":["http://127.0.0.1:$HOOK_PORT/prompt.wav"],"loop":0}]
NCCO
start_answer_haproxy "$work/prompt.wav" "$work/ncco.json"
sleep 1; kill -0 "${pids[-1]}" 2>/dev/null || { echo "haproxy could not listen on 127.0.0.1:$HOOK_PORT (ports taken? set HTTP_PORT)"; exit 1; }
sipp_sources 100
# shellcheck disable=SC2086 # a list of settings
start_ncco "$dll" "trace setup" ${NCCO_ARGS:-}
# Another process on these ports would answer instead of this host: stop rather than trace it.
grep -q "Hosting failed" "$work"/host-*.log && { echo "the host did not start:"; head -3 "$work"/host-*.log; exit 1; }
msg=(); [[ -n ${TRACE_MSG:-} ]] && msg=(-trace_msg)
( cd "$work" && timeout -k 5 120 sipp -i 127.0.0.1 -p "$SIPP_PORT" -nostdin -s demo -timeout 110s -recv_timeout 10s \
   -trace_stat -stf "$work/stat.csv" -trace_rtt -rtt_freq 1 -trace_err -error_file "$work/err.log" "${msg[@]}" -fd 1 "${sources[@]}" \
   -sf "$root/bench/sip-load/uac-setup.xml" -r "$r" -m $((r * secs)) -l $((r * 20)) -d "$hold" "127.0.0.1:$SIP_PORT" >"$work/sipp.out" 2>&1 ) || true
curl -fs "http://127.0.0.1:$HTTP_PORT/metrics" >"$work/metrics.txt" || true
python3 - "$work/stat.csv" "$(ls -t "$work"/*_rtt.csv 2>/dev/null | head -1)" <<'PY'
import csv, sys
r = [x for x in csv.reader(open(sys.argv[1]), delimiter=';')]
d = dict(zip(r[0], r[-1]))
causes = {k[6:-3]: v for k, v in d.items() if k.startswith("Failed") and k.endswith("(C)") and k != "FailedCall(C)" and v not in ("0", "")}
print("calls", d["TotalCallCreated"], "failed", d["FailedCall(C)"], causes, "retransmissions", d.get("Retransmissions(C)"))
if sys.argv[2]:
    v = sorted(float(l.split(";")[1]) for l in open(sys.argv[2]) if l.count(";") >= 2 and l.split(";")[2].strip() == "1")
    q = lambda p: v[min(len(v) - 1, int(p * len(v)))]
    if v: print(f"answer ms p50 / p95 / p99: {q(.5):.0f} / {q(.95):.0f} / {q(.99):.0f} ({len(v)} answered)")
PY
echo "responses in SIPp's error log (unexpected ones and late copies), by status line:"
{ grep -o "received 'SIP/2.0 [0-9]\{3\} [A-Za-z/ ]*" "$work/err.log" 2>/dev/null || true; } | sort | uniq -c | sort -rn | head
[[ -n ${TRACE_MSG:-} ]] && python3 "$root/bench/side-by-side/setup_phases.py" "$work"/uac-setup_*_messages.log
# The host's own phases of INVITE→200 (ncco_sip_setup_duration; absent from older builds), p50 / p95 ms.
awk 'index($1, "ncco_sip_setup_duration_milliseconds_bucket{") == 1 && match($1, /phase="[a-z]+"/) {ph = substr($1, RSTART + 7, RLENGTH - 8); match($1, /le="[^"]+"/); print "setup-" ph "_" substr($1, RSTART + 4, RLENGTH - 5), $2}' \
  "$work/metrics.txt" >"$work/setup.diag" 2>/dev/null || true
if [[ -s $work/setup.diag ]]; then
  echo "in the host, p50 / p95 ms: | target | step | accept | dispatch | route | vm | webhook | answer | total |"
  python3 "$root/bench/side-by-side/setup_phases.py" --metrics /dev/null "$work/setup.diag" host "${r}cps"
fi
echo "host log warnings:"; { grep -h -A1 "^warn\|^fail" "$work"/host-*.log || true; } | grep -v "^--" | paste - - | cut -c1-200 | sed 's/[0-9a-f-]\{36\}/UUID/g; s/[0-9][0-9.:]\{5,\}/ADDR/g' | sort | uniq -c | sort -rn | head -5
