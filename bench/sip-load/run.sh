#!/usr/bin/env bash
# SIP load on loopback: the host (Release) answers SIPp callers with an NCCO that talks (TTS) and waits for DTMF.
#   (a) setup  — call setup rate: SIPp UAC at increasing rates (-r), -m calls per step, calls of HOLD_MS; zero failed
#                calls is the bar. Stops at the first step with a failed call.
#   (b) media  — concurrent calls with G.711 media: SIPp keeps up to N calls (-l) each playing RTP (PCMA pcap) for
#                about 29 s while the host plays TTS; ncco_media_frames_late_total is read from /metrics before/after.
# Usage: bench/sip-load/run.sh [setup|media|all]   (environment variables below override the steps)
# Needs: .ci/deps/sip.sh (sipp), python3, the .NET SDK. Everything binds 127.0.0.1; every step is bounded in calls and
# time; the host, the webhook server and SIPp are stopped on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
here=$PWD/bench/sip-load
mode=${1:-all}
SIP_PORT=${SIP_PORT:-25060}
HTTP_PORT=${HTTP_PORT:-28080}
HOOK_PORT=${HOOK_PORT:-28090}
SIPP_PORT=${SIPP_PORT:-25070}
SIPP_MEDIA_PORT=${SIPP_MEDIA_PORT:-26000}
RATES=${RATES:-"25 50 100 200"}          # calls per second, one step each
STEP_SECONDS=${STEP_SECONDS:-10}         # each step places RATE × STEP_SECONDS calls
HOLD_MS=${HOLD_MS:-3000}                 # how long a setup-test call stays up
CONCURRENCY=${CONCURRENCY:-"100 250 500 1000"}
MEDIA_RATE=${MEDIA_RATE:-50}             # how fast the media calls are placed
HOST_ARGS=${HOST_ARGS:-}                 # extra host settings, e.g. "--Ncco:Media:Workers=1"
# SIPp's -t ui spreads calls over SOURCES loopback addresses (127.0.1.x), like many phones; SOURCES=1 looks like one
# trunk or proxy (the per-source bound of Ncco.Sip counts only unanswered transactions, so it does not cap that).
SOURCES=${SOURCES:-100}
source "$PWD/bench/lib/processes.sh" sip-load
source "$PWD/bench/lib/host.sh"

echo "== build (Release)"
dotnet build src/Ncco.Cli -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }

# The application: a long talk with barge-in, then DTMF input, so every call plays TTS and listens for keys.
cat >"$work/ncco.json" <<'NCCO'
[{"action":"talk","text":"Thank you for calling the Ncco load test. This message is long on purpose, so that the host keeps playing synthesized speech for the whole call while it also listens for your key presses. Press any key at any time. Thank you for calling the Ncco load test. This message is long on purpose, so that the host keeps playing synthesized speech for the whole call while it also listens for your key presses.","language":"en-US","bargeIn":true},
 {"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1,"timeOut":10}}]
NCCO
NCCO_FILE="$work/ncco.json" python3 "$here/webhooks.py" "$HOOK_PORT" & pids+=($!)

echo "== host: http://127.0.0.1:$HTTP_PORT, SIP 127.0.0.1:$SIP_PORT"
dotnet run --project src/Ncco.Cli -c Release --no-build -- serve --urls "http://127.0.0.1:$HTTP_PORT" -d "$work/data" \
  --Ncco:Account:ApiKey=bench --Ncco:Account:ApiSecret=bench-secret-0123 \
  --Ncco:Sip:Listen=127.0.0.1:$SIP_PORT --Ncco:Sip:RtpPortFirst=30000 --Ncco:Sip:RtpPortLast=34999 \
  --Ncco:Calls:RateLimitPerSecond=0 --Ncco:Shutdown:DrainTimeout=00:00:00 --Logging:LogLevel:Default=Warning $HOST_ARGS >"$work/host.log" 2>&1 & host=$!; pids+=($host)
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$HTTP_PORT/metrics" >/dev/null 2>&1 && break; sleep 0.5; done
# dotnet run starts the host as a child process: that is the one to measure and to stop.
server=$(pgrep -P "$host" | head -1 || true); [[ -n $server ]] && pids+=("$server") || server=$host
curl -fs "http://127.0.0.1:$HTTP_PORT/metrics" >/dev/null || { echo "host did not start"; cat "$work/host.log"; exit 1; }
# Point the demo application (which answers sip:demo@) at the load NCCO.
point_demo_app "sip load"

sources=()
if (( SOURCES > 1 )); then
  { echo SEQUENTIAL; for i in $(seq 1 "$SOURCES"); do echo "127.0.$((1 + i / 250)).$((1 + i % 250));"; done; } >"$work/sources.csv"
  sources=(-t ui -inf "$work/sources.csv" -ip_field 0 -max_socket 4096)
fi
late() { curl -fs "http://127.0.0.1:$HTTP_PORT/metrics" | awk '/^ncco_media_frames_late_total/ {print $2; exit}'; }
cpu() { awk '{print ($14+$15)/100}' "/proc/$server/stat" 2>/dev/null || echo "?"; }  # user+system seconds
summary() { python3 "$here/sipp_stats.py" "$1" || true; }  # from SIPp's -trace_stat CSV
sipp_run() { # name, timeout seconds, sipp arguments...
  local name=$1 limit=$2; shift 2
  ( cd "$work" && timeout -k 5 "$limit" sipp -i 127.0.0.1 -p "$SIPP_PORT" -mp "$SIPP_MEDIA_PORT" -nostdin -s demo \
      -timeout "${limit}s" -recv_timeout 10s -trace_stat -stf "$work/$name.csv" -fd 1 -trace_err -error_file "$work/$name-errors.log" "${sources[@]}" "$@" "127.0.0.1:$SIP_PORT" \
      >"$work/$name.out" 2>&1 ) && rc=0 || rc=$?
  echo "  sipp exit $rc"
  summary "$work/$name.csv"
  # Why calls failed: SIPp's error lines, timestamps stripped, most frequent first.
  [[ $rc == 0 ]] || { echo "  --- sipp errors:"; grep -v "^The following\|^$" "$work/$name-errors.log" 2>/dev/null | cut -f3- | cut -c1-200 | sed 's/^[0-9.]*: //' | sort | uniq -c | sort -rn | head -5; }
  return 0
}

if [[ $mode == setup || $mode == all ]]; then
  for rate in $RATES; do
    calls=$((rate * STEP_SECONDS))
    echo "== (a) setup: $rate cps, $calls calls of ${HOLD_MS} ms"
    before=$(late); cpu0=$(cpu)
    sipp_run "setup-$rate" $((STEP_SECONDS + HOLD_MS / 1000 + 40)) -sf "$here/uac-setup.xml" -r "$rate" -m "$calls" -l $((rate * (HOLD_MS / 1000 + 3))) -d "$HOLD_MS"
    echo "  late frames +$(( $(late) - before )), host cpu $(cpu)s (was ${cpu0}s)"
    sleep 5   # let the last calls' webhooks and records settle
    if ! summary "$work/setup-$rate.csv" | grep -q "failed 0,"; then echo "  failed calls at $rate cps: stopping the setup steps"; break; fi
  done
fi

if [[ $mode == media || $mode == all ]]; then
  for n in $CONCURRENCY; do
    echo "== (b) media: $n concurrent calls (placed at $MEDIA_RATE cps), each ~29 s of PCMA in, TTS out"
    before=$(late); cpu0=$(cpu)
    sipp_run "media-$n" $((n / MEDIA_RATE + 29 + 60)) -sf "$here/uac-media.xml" -r "$MEDIA_RATE" -m "$n" -l "$n"
    after=$(late)
    echo "  late frames +$((after - before)) (total $after), host cpu $(cpu)s (was ${cpu0}s)"
    sleep 5
  done
fi
echo "== host log (warnings and errors):"; grep -cE "warn|fail|error" "$work/host.log" || true; tail -5 "$work/host.log"
