#!/usr/bin/env bash
# Ncco and Asterisk side by side under the same SIPp load, one table.
#
# Every call: answer, a looping 8 kHz prompt (Ncco: `stream` with loop 0 and bargeIn, then `input` DTMF — three
# times, as input's timeOut is at most 10 s, then the prompt until the caller hangs up; Asterisk:
# Background() of the same WAV in a loop with in-band DTMF detection), SIPp sending G.711 A-law speech.
# Steps (STEPS overrides): c100 c250 c500 — that many concurrent ~29 s calls (placed at MEDIA_RATE cps), and
# cps200 — 200 calls per second for CPS_SECONDS seconds, 3 s calls (≈600 up at once).
# Targets, each on its own, one after the other, same ports and steps:
#   ncco            this tree's src/Ncco.Cli (Release build)
#   ncco@REV        only with NCCO_BASELINE=REV: that commit, built in a temporary git worktree ("before")
#   asterisk        only with ASTERISK_PREFIX=/path/to/install (sbin/asterisk, chan_sip): see README.md to build it;
#                   ASTERISK_ARGS adds options (e.g. "-p": real-time priority, as Ncco's media threads ask for a raised one)
# Per step: server CPU-seconds (utime+stime of its process), peak RSS, failed calls (SIPp), and from a tcpdump capture
# of the server's RTP: jitter |D| p95/max, largest gap, % of packets off cadence (|D| > 10 ms), whole-sender stalls
# (rtp_stats.py), and Ncco's late media ticks (ncco_media_frames_late_total from /metrics).
# GC_EVENTS=1 loads the GcEvents startup hook into every Ncco target (built from bench/side-by-side/GcEvents) and prints
# each step's collections from the runtime's own events (gc_events.py): pauses, suspension, promoted bytes, heap count.
# Usage: [ASTERISK_PREFIX=/work/asterisk] [NCCO_BASELINE=main [NCCO_BASELINE_ARGS="--Ncco:Media:PacedSend=true"]] [STEPS="c100 c250 c500 cps200"] [GC_EVENTS=1] bench/side-by-side/run.sh
# Needs: sipp, tcpdump, python3, the .NET SDK (`.ci/deps/sip.sh`; `apt-get install tcpdump`). Loopback only, every step
# bounded in calls and time, every process stopped on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
here=$root/bench/side-by-side
load=$root/bench/sip-load
STEPS=${STEPS:-"c100 c250 c500 cps200"}
MEDIA_RATE=${MEDIA_RATE:-50}
CPS_SECONDS=${CPS_SECONDS:-10}
SIPP_MEDIA_PORT=${SIPP_MEDIA_PORT:-40000}
RTP_FIRST=${RTP_FIRST:-35000}
RTP_LAST=${RTP_LAST:-39999}
SOURCES=${SOURCES:-100}
# SIPp's niceness (e.g. 5 on a machine shared with other work, so the load generator yields to the servers first).
SIPP_NICE=${SIPP_NICE:-0}
# CALLER_AUDIO=pcap (default, the figures so far): SIPp's play_pcap_audio, a raw socket per playing call, which makes the
# kernel offer every loopback datagram to each (the cost grows with the calls, for every server). stream: the same
# speech from an ordinary UDP socket per call (SIPp rtp_stream, bench/sip-load/uac-media-stream.xml).
CALLER_AUDIO=${CALLER_AUDIO:-pcap}
source "$root/bench/lib/processes.sh" side-by-side
source "$root/bench/lib/host.sh"
source "$root/bench/lib/answer-haproxy.sh"
bench_ports 25160 28180
needs sipp tcpdump python3

# ---- the shared pieces ------------------------------------------------------------------------------------------
# The prompt: 8 kHz 16-bit mono WAV, 4 s (a tone sweep and noise bursts, so it is not silence-suppressed anywhere).
sox -n -r 8000 -b 16 -c 1 "$work/prompt.wav" synth 2 sine 300-3000 synth 2 pinknoise vol 0.3 2>/dev/null \
  || python3 - "$work/prompt.wav" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb"); w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * (300 + i / 10) * i / 8000))) for i in range(32000)))
PY
mkdir -p "$work/www" && cp "$work/prompt.wav" "$work/www/prompt.wav"
cat >"$work/ncco.json" <<NCCO
[{"action":"stream","streamUrl":["http://127.0.0.1:$HOOK_PORT/prompt.wav"],"loop":0,"bargeIn":true},
 {"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1,"timeOut":10}},
 {"action":"stream","streamUrl":["http://127.0.0.1:$HOOK_PORT/prompt.wav"],"loop":0,"bargeIn":true},
 {"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1,"timeOut":10}},
 {"action":"stream","streamUrl":["http://127.0.0.1:$HOOK_PORT/prompt.wav"],"loop":0,"bargeIn":true},
 {"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1,"timeOut":10}},
 {"action":"stream","streamUrl":["http://127.0.0.1:$HOOK_PORT/prompt.wav"],"loop":0}]
NCCO
# The application side (answer webhook, events, the prompt): ANSWER_SERVER=haproxy (the default when haproxy is installed)
# serves them as static replies from C, python the stdlib server below. At 100-200 new calls a second the Python server
# needs a good share of a core on the same 2 cores as the host and SIPp (a thread per connection, the GIL), and its
# answers wait for that CPU: the setup step then measures the bench's answer server as much as the host.
# Either way the prompt is served with "Cache-Control: max-age=3600", as an application's prompts usually are (a CDN,
# a static file server): without it the host honours the missing freshness and downloads, stores and decodes the 64 KB
# prompt again for every call (≈ half of all bytes allocated per call at setup).
ANSWER_SERVER=${ANSWER_SERVER:-$(command -v haproxy >/dev/null && echo haproxy || echo python)}
if [[ $ANSWER_SERVER == haproxy ]]; then
  start_answer_haproxy "$work/www/prompt.wav" "$work/ncco.json"
else
python3 - "$HOOK_PORT" "$work/ncco.json" "$work/www" <<'PY' & pids+=($!)
import http.server, os, sys
port, ncco, www = int(sys.argv[1]), open(sys.argv[2], "rb").read(), sys.argv[3]
prompt = open(os.path.join(www, "prompt.wav"), "rb").read()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def reply(self, body, kind, cache=None):
        self.send_response(200); self.send_header("Content-Type", kind); self.send_header("Content-Length", str(len(body)))
        if cache: self.send_header("Cache-Control", cache)
        self.end_headers(); self.wfile.write(body)
    def do_GET(self):
        if self.path.startswith("/prompt.wav"): self.reply(prompt, "audio/wav", "max-age=3600")
        else: self.reply(ncco if self.path.startswith("/answer") else b"", "application/json")
    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n: self.rfile.read(n)
        self.reply(b"", "application/json")
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer.daemon_threads = True
# The standard library's listen backlog is 5: at 200 calls a second a starved accept loop overflows it and the host's
# webhook connections are refused (its log: "ConnectionFailed"), retried with backoff — the bench's limit, not the host's.
http.server.ThreadingHTTPServer.request_queue_size = 4096
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
PY
fi
echo "answer server: $ANSWER_SERVER"
# Another bench on the same ports (two runs at once) would answer this run's calls: stop instead.
sleep 1; kill -0 "${pids[-1]}" 2>/dev/null || { echo "the webhook server could not listen on 127.0.0.1:$HOOK_PORT (another run? set HTTP_PORT/SIP_PORT/RTP_FIRST/RTP_LAST)"; exit 1; }

sipp_sources "$SOURCES"

# ---- targets ---------------------------------------------------------------------------------------------------
# NCCO_DLL: an Ncco.Cli.dll already built from this tree (copied aside), run as "ncco" instead of building it again.
targets=("ncco=${NCCO_DLL:-$(build_ncco "$root")}")
gc_hook=()
if [[ -n ${GC_EVENTS:-} ]]; then
  dotnet build "$here/GcEvents" -c Release -v q -nologo >"$work/build-gcevents.log" 2>&1 || { cat "$work/build-gcevents.log"; exit 1; }
  gc_hook=("DOTNET_STARTUP_HOOKS=$here/GcEvents/bin/Release/net10.0/Ncco.GcEvents.dll")
fi
[[ -n ${NCCO_BASELINE:-} ]] && targets=("$(baseline_target "$NCCO_BASELINE")" "${targets[@]}")
# NCCO_BASELINE_ARGS: settings for the baseline (same form as a variant's), e.g. an opt-in feature's old version.
declare -A variant_args=()
[[ -n ${NCCO_BASELINE:-} && -n ${NCCO_BASELINE_ARGS:-} ]] && variant_args["${targets[0]%%=*}"]=$NCCO_BASELINE_ARGS
# NCCO_VARIANTS="name:ARG ARG;name2:ARG": this tree's build again with extra settings; an ARG of the form NAME=VALUE
# (not starting with --) is an environment variable, e.g. "normal:--Ncco:Media:ThreadPriority=Normal;gcserver:DOTNET_gcServer=1".
if [[ -n ${NCCO_VARIANTS:-} ]]; then
  IFS=';' read -ra variants <<<"$NCCO_VARIANTS"
  for v in "${variants[@]}"; do
    targets+=("ncco+${v%%:*}=${targets[-1]#*=}")
    variant_args["ncco+${v%%:*}"]=${v#*:}
  done
fi
[[ -n ${ASTERISK_PREFIX:-} ]] && targets+=("asterisk=$ASTERISK_PREFIX")

start_asterisk() { # prefix: a minimal configuration in a temp dir (nothing is written into the install)
  local prefix=$1 etc="$work/asterisk/etc" run="$work/asterisk"
  mkdir -p "$etc" "$run/run" "$run/log" "$run/spool" "$run/lib/keys" "$run/sounds"
  cp "$work/prompt.wav" "$run/sounds/prompt.wav"
  cat >"$etc/asterisk.conf" <<EOF
[directories]
astetcdir => $etc
astmoddir => $prefix/lib/asterisk/modules
astvarlibdir => $run/lib
astdbdir => $run/lib
astkeydir => $run/lib
astdatadir => $prefix/var/lib/asterisk
astagidir => $run/lib
astspooldir => $run/spool
astrundir => $run/run
astlogdir => $run/log
astsbindir => $prefix/sbin
[options]
maxcalls = 5000
maxload = 0
EOF
  # Only what the calls need: chan_sip (and the two modules it links against), RTP, the dialplan, Playback, G.711, WAV.
  # astdatadir is the install's: the core refuses to start without its XML documentation.
  cat >"$etc/modules.conf" <<'EOF'
[modules]
autoload = no
load => res_rtp_asterisk.so
load => chan_sip.so
load => pbx_config.so
load => app_playback.so
load => res_crypto.so
load => res_http_websocket.so
load => func_timeout.so
load => codec_alaw.so
load => codec_ulaw.so
load => codec_a_mu.so
load => format_wav.so
EOF
  cat >"$etc/sip.conf" <<EOF
[general]
udpbindaddr = 127.0.0.1:$SIP_PORT
context = bench
allowguest = yes
disallow = all
allow = alaw,ulaw
; in-band: Asterisk decodes every call's audio and runs its DSP DTMF detector on it, as Ncco's input action does
dtmfmode = inband
rtptimeout = 0
alwaysauthreject = no
EOF
  cat >"$etc/rtp.conf" <<EOF
[general]
rtpstart = $RTP_FIRST
rtpend = $RTP_LAST
EOF
  cat >"$etc/extensions.conf" <<EOF
[bench]
exten => demo,1,Answer()
 same => n(loop),Background($run/sounds/prompt)
 same => n,Goto(loop)
exten => _[0-9*#],1,Goto(demo,loop)
EOF
  printf '[logfiles]\nconsole => error\n' >"$etc/logger.conf"
  : >"$etc/cdr.conf"; : >"$etc/cel.conf"
  "$prefix/sbin/asterisk" -C "$etc/asterisk.conf" -f -n -q ${ASTERISK_ARGS:-} >"$run/console.log" 2>&1 </dev/null & server=$!; pids+=($server)
  for _ in $(seq 1 60); do
    "$prefix/sbin/asterisk" -C "$etc/asterisk.conf" -rx "sip show settings" 2>/dev/null | grep -q "UDP Bindaddress" && return 0
    sleep 0.5
  done
  echo "Asterisk did not start"; cat "$run/console.log"; exit 1
}
stop_server() { stop_pid "$server"; sleep 1; }

# Late ticks; fails for a server with no /metrics at all (Asterisk), whose column then reads "n/a".
late() { http_ok || return 1; metric ncco_media_frames_late_total; }

# Where the time went (Ncco builds that export them; a series the build does not have is left out, and its column reads
# "n/a"): late ticks whose wait spanned a GC pause, ticks whose packets were built after their send instant, GC
# collections by generation and pause time, bytes the media threads allocated on the per-frame path and in commands.
diag() {
  { curl -fs "http://127.0.0.1:$HTTP_PORT/metrics" 2>/dev/null || true; } | awk '
    $1 == "ncco_media_frames_late_gc_total" {print "late_gc", $2}
    $1 == "ncco_media_sends_late_total" {print "sends_late", $2}
    $1 == "ncco_runtime_gc_pause_time_seconds_total" {print "gc_pause", $2}
    $1 == "ncco_runtime_allocated_bytes_total" {print "alloc_process", $2}
    $1 == "ncco_runtime_exceptions_total" {print "exceptions", $2}
    index($1, "ncco_runtime_gc_collections_total{") == 1 && $1 ~ /gen0/ {print "gen0", $2}
    index($1, "ncco_runtime_gc_collections_total{") == 1 && $1 ~ /gen1/ {print "gen1", $2}
    index($1, "ncco_runtime_gc_collections_total{") == 1 && $1 ~ /gen2/ {print "gen2", $2}
    index($1, "ncco_media_allocated_bytes_total{") == 1 && $1 ~ /frames/ {print "alloc_frames", $2}
    index($1, "ncco_media_allocated_bytes_total{") == 1 && $1 ~ /commands/ {print "alloc_commands", $2}
    index($1, "ncco_media_frames_late_cause_total{") == 1 && match($1, /cause="[a-z]+"/) {print "cause_" substr($1, RSTART + 7, RLENGTH - 8), $2}
    index($1, "ncco_media_tick_wake_total{") == 1 && match($1, /le="[^"]+"/) {print "wake_" substr($1, RSTART + 4, RLENGTH - 5), $2}
    index($1, "ncco_media_tick_build_total{") == 1 && match($1, /le="[^"]+"/) {print "build_" substr($1, RSTART + 4, RLENGTH - 5), $2}
    index($1, "ncco_media_tick_send_total{") == 1 && match($1, /le="[^"]+"/) {print "send_" substr($1, RSTART + 4, RLENGTH - 5), $2}
    $1 == "ncco_media_realtime_budget_exhausted_total" {print "budget", $2}
    $1 == "ncco_runtime_threadpool_queue_peak" {print "pool_peak", $2}
    index($1, "ncco_sip_setup_duration_milliseconds_bucket{") == 1 && match($1, /phase="[a-z]+"/) {ph = substr($1, RSTART + 7, RLENGTH - 8); match($1, /le="[^"]+"/); print "setup-" ph "_" substr($1, RSTART + 4, RLENGTH - 5), $2}'
}

# CPU time of the collector's own threads (server GC, background GC) so far, in ms, from each thread's schedstat (ns on a
# core): the collector's work, which on a loaded machine says more than its wall-clock pauses (a pause is that work plus
# the time its threads wait for a core). 0 for a server without them (the workstation collector collects on the
# allocating thread; Asterisk).
gc_cpu_ms() {
  local t sum=0 comm
  for t in /proc/"$server"/task/*; do
    comm=$(cat "$t/comm" 2>/dev/null) || continue
    [[ $comm == ".NET Server GC" || $comm == ".NET BGC" ]] || continue
    sum=$((sum + $(cut -d' ' -f1 "$t/schedstat" 2>/dev/null || echo 0)))
  done
  echo $((sum / 1000000))
}

results="$work/results.tsv"
run_step() { # target step
  local target=$1 step=$2 name="$1-$2" args limit
  name=${name//[@\/]/_}
  case $step in
    cps*) local r=${step#cps}; limit=$((CPS_SECONDS + 3 + 60))
        args=(-sf "$load/uac-setup.xml" -r "$r" -m $((r * CPS_SECONDS)) -l $((r * 6)) -d 3000) ;;
    c*) local n=${step#c}; limit=$((n / MEDIA_RATE + 29 + 60))
        if [[ $CALLER_AUDIO == stream ]]; then
          [[ -s $work/speech.al ]] || python3 "$load/pcap_payload.py" /usr/share/sip-tester/g711a.pcap 8 "$work/speech.al" >/dev/null
          args=(-sf "$load/uac-media-stream.xml" -r "$MEDIA_RATE" -m "$n" -l "$n")
        else
          args=(-sf "$load/uac-media.xml" -r "$MEDIA_RATE" -m "$n" -l "$n")
        fi ;;
    *) echo "unknown step $step"; exit 1 ;;
  esac
  tcpdump -i lo -s 64 -B 16384 -w "$work/$name.pcap" "udp and src portrange $RTP_FIRST-$RTP_LAST and dst portrange $SIPP_MEDIA_PORT-65535" >"$work/$name.tcpdump.log" 2>&1 & local dump=$!
  sleep 1
  rm -f "$work/$name.done"; rss_peak "$work/$name.done" >"$work/$name.rss" & local sampler=$!
  local cpu0 late0 gccpu0; cpu0=$(cpu); late0=$(late || true); gccpu0=$(gc_cpu_ms); diag >"$work/$name.diag0"; local t0=$SECONDS w0; w0=$(date +%s.%N)
  local load0; load0=$(cut -d' ' -f1 /proc/loadavg)
  ( cd "$work" && timeout -k 5 "$limit" nice -n "$SIPP_NICE" sipp -i 127.0.0.1 -p "$SIPP_PORT" -mp "$SIPP_MEDIA_PORT" -nostdin -s demo \
      -timeout "${limit}s" -recv_timeout 10s -trace_stat -stf "$work/$name.csv" -trace_rtt -rtt_freq 1 -trace_err -error_file "$work/$name.err" -fd 1 "${sources[@]}" "${args[@]}" "127.0.0.1:$SIP_PORT" \
      >"$work/$name.out" 2>&1 ) || true
  local cpu1 late1 gccpu1; cpu1=$(cpu); late1=$(late || true); gccpu1=$(gc_cpu_ms); diag >"$work/$name.diag1"; local elapsed=$((SECONDS - t0))
  local gclog="$work/gc-${target//[@\/+]/_}.tsv"
  [[ -s $gclog ]] && printf '%s\t%s\t%s\n' "$target" "$step" "$(python3 "$here/gc_events.py" "$gclog" "$w0" "$(date +%s.%N)" --json --gc-cpu-ms $((gccpu1 - gccpu0)))" >>"$work/gc.tsv"
  touch "$work/$name.done"; wait $sampler || true
  sleep 1; kill -INT $dump 2>/dev/null; wait $dump 2>/dev/null || true
  # Answer latency: SIPp's INVITE→200 of every call (response time 1 in the scenarios; Ncco's includes the answer
  # webhook), p50 / p95 in ms, from its -trace_rtt file.
  local rtt answer
  rtt=$(ls -t "$work"/*_rtt.csv 2>/dev/null | head -1 || true)
  [[ -n $rtt ]] && mv "$rtt" "$work/$name.rtt"
  answer=$(python3 - "$work/$name.rtt" <<'PY' 2>/dev/null || echo "n/a"
import sys
v = sorted(float(l.split(";")[1]) for l in open(sys.argv[1]) if l.count(";") >= 2 and l.split(";")[2].strip() == "1")
q = lambda p: v[min(len(v) - 1, int(p * len(v)))]
print(f"{q(0.5):.1f} / {q(0.95):.1f}" if v else "n/a")
PY
)
  local failed created
  created=$(python3 -c "import csv,sys; r=[x for x in csv.reader(open(sys.argv[1]),delimiter=';')]; d=dict(zip(r[0],r[-1])); print(d['TotalCallCreated'], d['FailedCall(C)'])" "$work/$name.csv" 2>/dev/null || echo "? ?")
  failed=${created#* }; created=${created% *}
  # Why calls failed: SIPp's non-zero Failed* counters (e.g. TimeoutOnRecv: a response not received within
  # -recv_timeout; MaxUDPRetrans: a request retransmitted until SIPp gave up) and its retransmissions; in which message:
  # the first lines of its error log.
  local causes
  causes=$(python3 - "$work/$name.csv" <<'PY' 2>/dev/null || echo "?"
import csv, sys
r = [x for x in csv.reader(open(sys.argv[1]), delimiter=';')]
d = dict(zip(r[0], r[-1]))
c = [f"{k[6:-3]} {v}" for k, v in d.items() if k.startswith("Failed") and k.endswith("(C)") and k != "FailedCall(C)" and v.strip() not in ("", "0")]
print(", ".join(c + [f"retrans {d.get('Retransmissions(C)', '?')}"]))
PY
)
  echo "$target $step: $causes" >>"$work/causes.txt"
  [[ -s $work/$name.err ]] && grep -m 3 -i "timeout\|retrans\|unexpected" "$work/$name.err" | sed "s/^/  $name: /" >>"$work/causes.txt" || true
  local lateticks="n/a"
  [[ -n $late0 && -n $late1 ]] && lateticks=$(python3 -c "print(int(float('$late1') - float('$late0')))")
  local rtp; rtp=$(python3 "$here/rtp_stats.py" "$work/$name.pcap" --json)
  python3 - "$results" "$target" "$step" "$created" "$failed" "$(python3 -c "print(round($cpu1 - $cpu0, 1))")" "$(cat "$work/$name.rss")" "$lateticks" "$load0" "$rtp" \
    "$work/$name.diag0" "$work/$name.diag1" "$elapsed" "$causes" "$answer" <<'PY'
import json, sys
path, target, step, created, failed, cpu, rss, late, load, rtp, d0, d1, elapsed, causes, answer = sys.argv[1:]
r = json.loads(rtp)
read = lambda p: {k: float(v) for k, v in (l.split() for l in open(p) if l.strip())}
a, b = read(d0), read(d1)
d = lambda k: b[k] - a[k] if k in a and k in b else None
na = lambda v, fmt: "n/a" if v is None else fmt.format(v)
gcs = "n/a" if d("gen0") is None else f"{d('gen0'):.0f}/{d('gen1'):.0f}/{d('gen2'):.0f}"
ticks = max(1, int(elapsed) * 50)
alloc = "n/a" if d("alloc_frames") is None else f"{d('alloc_frames') / ticks:.0f} / {d('alloc_commands') / 1024:.0f} KB"
# Late frames by cause, and quantiles of the per-tick histograms (cumulative buckets "<kind>_<le>"): the smallest bound
# holding that share of the step's ticks.
lc = "n/a" if d("cause_wake") is None else f"{d('cause_gc'):.0f} / {d('cause_overrun'):.0f} / {d('cause_wake'):.0f}"
def q(kind, share):
    bounds = sorted(((float(k[len(kind) + 1:].replace("+Inf", "inf")), d(k)) for k in b if k.startswith(kind + "_") and d(k) is not None))
    if not bounds or bounds[-1][1] <= 0: return "n/a"
    for le, n in bounds:
        if n >= share * bounds[-1][1]: return f"≤{le:g}" if le != float("inf") else ">50"
hist = lambda kind: f"{q(kind, 0.5)} / {q(kind, 0.99)}"
budget = na(d("budget"), "{:.0f}")
pool = "n/a" if "pool_peak" not in b else f"{b['pool_peak']:.0f}"
# Per call placed in the step (the process's exceptions and allocations: for a cps step, mostly call setup and teardown).
calls = max(1, int(created)) if created.isdigit() else 1
exc_call = na(None if d("exceptions") is None else d("exceptions") / calls, "{:.2f}")
alloc_call = na(None if d("alloc_process") is None else d("alloc_process") / calls / 1024, "{:.0f}")
with open(path, "a") as f:
    f.write("\t".join([target, step, created, failed, cpu, rss, f"{r['jitter_p95_ms']:.2f}", f"{r['jitter_max_ms']:.1f}",
                       f"{r['largest_gap_ms']:.1f}", f"{r['off_cadence_pct']:.3f}", str(r["gaps_over_40ms"]), str(r["stalls"]), late, load, str(r["packets"]),
                       na(d("late_gc"), "{:.0f}"), na(d("sends_late"), "{:.0f}"), gcs, na(None if d("gc_pause") is None else d("gc_pause") * 1000, "{:.0f}"), alloc,
                       lc, hist("wake"), hist("build"), hist("send"), budget, pool, causes, answer, exc_call, alloc_call]) + "\n")
PY
  # Where INVITE→200 went inside the host (ncco_sip_setup_duration by phase; a build without it prints nothing).
  python3 "$here/setup_phases.py" --metrics "$work/$name.diag0" "$work/$name.diag1" "$target" "$step" >>"$work/setup.tsv" 2>/dev/null || true
  tail -1 "$results" | awk -F'\t' '{printf "  %s %s: calls %s failed %s, cpu %s s, rss %s MiB, jitter p95 %s ms max %s ms, gap %s ms, off %s %%, late %s (load %s), cpu ms/call %.2f, exceptions/call %s, alloc KB/call %s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $13, $14, ($3 > 0 ? $5 * 1000 / $3 : 0), $29, $30}' | awk -v a="$answer" '{print $0 ", answer ms p50 / p95 " a}'
  rm -f "$work/$name.pcap"
}

for entry in "${targets[@]}"; do
  target=${entry%%=*}; what=${entry#*=}
  echo "== $target"
  # shellcheck disable=SC2086 # a variant's arguments are a list
  if [[ $target == asterisk ]]; then start_asterisk "$what"
  elif (( ${#gc_hook[@]} )); then start_ncco "$what" "side by side" "${gc_hook[@]}" "NCCO_GC_EVENTS_FILE=$work/gc-${target//[@\/+]/_}.tsv" ${variant_args[$target]:-}
  else start_ncco "$what" "side by side" ${variant_args[$target]:-}; fi
  for step in $STEPS; do
    run_step "$target" "$step"
    sleep 5   # the last calls' BYEs and records settle
  done
  stop_server
done

echo
echo "| server | step | calls | failed | CPU-s | calls per CPU-s | peak RSS MiB | jitter p95 ms | jitter max ms | largest gap ms | off cadence % | gaps >40 ms | stalls | late ticks | answer ms p50 / p95 | load avg at start |"
echo "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
awk -F'\t' '{cps = $5 > 0 ? sprintf("%.1f", ($3 - $4) / $5) : "n/a"; printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, cps, $6, $7, $8, $9, $10, $11, $12, $13, $28, $14}' "$results"
echo
echo "Where the time went (Ncco; n/a: the build does not export it): late ticks whose wait spanned a GC pause, ticks sent"
echo "after their send instant, GCs in the step (gen0/gen1/gen2), GC pause time, media-thread allocation (frame path B/tick / commands),"
echo "and per call placed in the step the process's exceptions (first chance, caught ones too) and allocated KB"
echo
echo "| server | step | late ticks | late in GC | sends late | GCs 0/1/2 | GC pause ms | alloc frames B/tick / commands | exceptions per call | allocated KB per call |"
echo "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"
awk -F'\t' '$1 != "asterisk" {printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $13, $16, $17, $18, $19, $20, $29, $30}' "$results"
echo
echo "Ticks (Ncco): late frames by cause (a GC pause since the last wake-up / the previous tick's work overran / woke late"
echo "with neither: the scheduler), per-tick wake-up lateness, build and send time (p50 / p99, upper bucket bound in ms),"
echo "ticks whose real-time budget ran out, the longest thread-pool queue seen (host lifetime); failed calls by SIPp's cause"
echo
echo "| server | step | late gc / overrun / wake | wake ms p50 / p99 | build ms p50 / p99 | send ms p50 / p99 | RT budget used up | pool queue peak | failures |"
echo "|---|---|--:|--:|--:|--:|--:|--:|---|"
awk -F'\t' '$1 != "asterisk" {printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $21, $22, $23, $24, $25, $26, $27}' "$results"
if [[ -s $work/setup.tsv ]]; then
  echo
  echo "Call setup inside the host (ncco_sip_setup_duration by phase, p50 / p95 ms, upper bound of the bucket holding that share):"
  echo "accept = SIP stack to the gateway; dispatch = waiting for a pool thread; route = admission, number and"
  echo "application look-ups, offer check, 180; vm = waiting for the application's VM; webhook = the answer webhook and the"
  echo "VM turn that reads it; answer = ports, SDP, sending the 200; total = INVITE received to 200 sent"
  echo
  echo "| server | step | accept | dispatch | route | vm | webhook | answer | total |"
  echo "|---|---|--:|--:|--:|--:|--:|--:|--:|"
  cat "$work/setup.tsv"
fi
if [[ -s $work/gc.tsv ]]; then
  echo
  echo "Collections in the step (GC_EVENTS; the runtime's events): by generation, background ones, induced ones, pauses"
  echo "(total / longest / p95, each from the runtime's suspension to its restart), mean time to suspend, MB promoted out of"
  echo "gen0 and gen1, MB marked through the card table (older objects pointing at young ones), heap count, peak gen0 after,"
  echo "CPU ms of the collector's own threads in the step (its work, whatever the machine's load: gc_cpu_ms)"
  echo
  echo "| server | step | GCs 0/1/2 | background | induced | pauses | pause total ms | longest ms | p95 ms | suspend mean ms | promoted gen0 / gen1 MB | marked via cards MB | heaps | gen0 after MB | other suspensions (ms) | GC threads CPU ms |"
  echo "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
  python3 - "$work/gc.tsv" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    t, s, j = line.rstrip("\n").split("\t", 2)
    r = json.loads(j)
    print(f"| {t} | {s} | {r['gcs']} | {r['background']} | {r['induced']} | {r['pauses']} | {r['pause_total_ms']} | {r['pause_max_ms']} | {r['pause_p95_ms']} | {r['suspend_mean_ms']} | {r['promoted0_mb']} / {r['promoted1_mb']} | {r['marked_older_mb']} | {r['heaps']} | {r['gen0_mb_after_max']} | {r['other_suspensions']} ({r['other_suspension_ms']}) | {r.get('gc_cpu_ms', 'n/a')} |")
PY
fi
# Ratios against the first target in the list for the same step (CPU-s and RSS).
python3 - "$results" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
targets = list(dict.fromkeys(r[0] for r in rows))
if len(targets) > 1:
    print("\nratios (CPU-s, peak RSS, jitter p95, completed calls per CPU-second) of each server to " + targets[-1] + " per step:")
    base = {r[1]: r for r in rows if r[0] == targets[-1]}
    for r in rows:
        b = base.get(r[1])
        if r[0] == targets[-1] or not b: continue
        f = lambda i: f"{float(r[i]) / float(b[i]):.2f}×" if float(b[i]) else "n/a"
        per_cpu = lambda x: (int(x[2]) - int(x[3])) / float(x[4]) if float(x[4]) else 0
        cc = f"{per_cpu(r) / per_cpu(b):.2f}×" if per_cpu(b) else "n/a"
        print(f"  {r[0]} {r[1]}: CPU {f(4)}, RSS {f(5)}, jitter p95 {f(6)}, completed calls per CPU-s {cc}")
PY
