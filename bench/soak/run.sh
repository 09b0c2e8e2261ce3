#!/usr/bin/env bash
# Soak on loopback (issue 16): the real host (`ncco serve`, Release, its own process) takes rounds of calls that each
# listen for speech — WebSocket legs created over POST /v1/calls (the host's echo bot sends the call's own TTS back, so
# pocketsphinx decodes real speech) and SIP legs from SIPp (A-law speech from a pcap) — and the host process's RSS,
# thread count and open file descriptors are sampled every second. Prints before (warm, idle), peak, and after (every
# call ended, SETTLE seconds later), with the calls placed and the speech results received.
# Usage: bench/soak/run.sh            (environment variables below override the load)
# Needs: .ci/deps/sip.sh (sipp), espeak-ng + pocketsphinx (.ci/deps), python3, curl, the .NET SDK. Everything binds
# 127.0.0.1; every step is bounded in calls and time; the host, the webhook server and SIPp are stopped on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
ROUNDS=${ROUNDS:-3}              # rounds of load
WS_CALLS=${WS_CALLS:-20}         # WebSocket calls per round (all at once)
SIP_CALLS=${SIP_CALLS:-20}       # SIP calls per round (placed at SIP_RATE cps, each ~29 s of speech)
SIP_RATE=${SIP_RATE:-10}
SETTLE=${SETTLE:-15}             # seconds after the last call before the "after" sample
LATE=${LATE:-0}                  # if > 0, seconds after the "after" sample for a "late" one (e.g. past the decoders' idle timeout)
HTTP_PORT=${HTTP_PORT:-29080}
SIP_PORT=${SIP_PORT:-29060}
HOOK_PORT=${HOOK_PORT:-29090}
SIPP_PORT=${SIPP_PORT:-29070}
SIPP_MEDIA_PORT=${SIPP_MEDIA_PORT:-29500}
HOST_ARGS=${HOST_ARGS:-}
NCCO_KIND=${NCCO_KIND:-speech}   # speech: talk + speech/DTMF input (open dictation); hints: the same input with the demo
                                 # application's context hints (a grammar: echo, time, goodbye); dtmf: talk + DTMF-only
                                 # input (no recogniser); silent: DTMF-only input, no talk (no TTS, no recogniser)
WARMUP=${WARMUP:-all}            # all: one WebSocket and one SIP call of NCCO_KIND before "before"; dtmf: one WebSocket call
                                 # with talk + a DTMF-only input (warms calls, TTS and JIT but loads no speech decoder, so
                                 # "before" holds none and the speech calls' figures include the decoders)
AFTER_ROUND=${AFTER_ROUND:-}     # a command run after the warm-up (ROUND=0) and after each round's calls ended, with HOST_PID, ROUND and WORK set
                                 # (e.g. a GC heap dump: AFTER_ROUND='dotnet-gcdump collect -p $HOST_PID -o /tmp/r$ROUND.gcdump')
source "$root/bench/lib/processes.sh" soak

if [[ ${BUILD:-1} == 1 ]]; then
  echo "== build (Release)"
  dotnet build src/Ncco.Cli -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
fi
cli=${CLI_DLL:-$root/src/Ncco.Cli/bin/Release/net10.0/Ncco.Cli.dll}   # CLI_DLL: another build (e.g. a copy of main's, for before/after)

# Every call (NCCO_KIND=speech): a sentence, then speech input (with DTMF), so each leg runs TTS and a recognizer. The
# other kinds take the recogniser (dtmf) and then TTS too (silent) out, to tell which part of a call holds memory.
case $NCCO_KIND in
  speech) cat >"$work/ncco.json" <<'NCCO'
[{"action":"talk","text":"Please say yes or no after this sentence, the soak test is listening to you now.","language":"en-US"},
 {"action":"input","type":["speech","dtmf"],"speech":{"language":"en-US","endOnSilence":1,"maxDuration":8},"dtmf":{"maxDigits":1,"timeOut":8}}]
NCCO
  ;;
  dtmf) cat >"$work/ncco.json" <<'NCCO'
[{"action":"talk","text":"Please press a key after this sentence, the soak test is listening to you now.","language":"en-US"},
 {"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1,"timeOut":8}}]
NCCO
  ;;
  hints) cat >"$work/ncco.json" <<'NCCO'
[{"action":"talk","text":"Please say yes or no after this sentence, the soak test is listening to you now.","language":"en-US"},
 {"action":"input","type":["speech","dtmf"],"speech":{"language":"en-US","context":["echo","time","goodbye"],"endOnSilence":1,"startTimeout":5,"maxDuration":8},"dtmf":{"maxDigits":1,"timeOut":8}}]
NCCO
  ;;
  silent) cat >"$work/ncco.json" <<'NCCO'
[{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1,"timeOut":8}}]
NCCO
  ;;
  *) echo "NCCO_KIND must be speech, hints, dtmf or silent"; exit 2 ;;
esac
cat >"$work/warmup.json" <<'NCCO'
[{"action":"talk","text":"Please press a key after this sentence, the soak test is warming up now.","language":"en-US"},
 {"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1,"timeOut":3}}]
NCCO
NCCO_FILE="$work/ncco.json" NCCO_WARMUP_FILE="$work/warmup.json" python3 bench/sip-load/webhooks.py "$HOOK_PORT" & pids+=($!)

echo "== host: http://127.0.0.1:$HTTP_PORT, SIP 127.0.0.1:$SIP_PORT"
dotnet "$cli" serve --urls "http://127.0.0.1:$HTTP_PORT" -d "$work/data" \
  --Ncco:Account:ApiKey=soak --Ncco:Account:ApiSecret=soak-secret-0123 \
  --Ncco:Sip:Listen=127.0.0.1:$SIP_PORT --Ncco:Sip:RtpPortFirst=31000 --Ncco:Sip:RtpPortLast=32999 \
  --Ncco:Calls:RateLimitPerSecond=0 --Ncco:Limits:CallsPerSecondPerSource=0 --Ncco:Shutdown:DrainTimeout=00:00:00 \
  --Logging:LogLevel:Default=Warning $HOST_ARGS >"$work/host.log" 2>&1 & host=$!; pids+=($host)
for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$HTTP_PORT/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "http://127.0.0.1:$HTTP_PORT/health/ready" >/dev/null || { echo "host did not become ready"; cat "$work/host.log"; exit 1; }
demo=d3e40000-0000-4000-8000-000000000001
curl -fs -u soak:soak-secret-0123 -X PUT -H 'Content-Type: application/json' "http://127.0.0.1:$HTTP_PORT/v2/applications/$demo" \
  -d "{\"name\":\"soak\",\"capabilities\":{\"voice\":{\"webhooks\":{\"answer_url\":{\"address\":\"http://127.0.0.1:$HOOK_PORT/answer\",\"http_method\":\"GET\"},\"event_url\":{\"address\":\"http://127.0.0.1:$HOOK_PORT/events\",\"http_method\":\"POST\"}}}}}" >/dev/null
token() { dotnet "$cli" token --application "$demo" --key "$work/data/demo-application.key"; }

sample() { # rss_kb threads fds
  local rss threads fds
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$host/status"); threads=$(awk '/^Threads/ {print $2}' "/proc/$host/status")
  fds=$(ls "/proc/$host/fd" | wc -l); echo "$rss $threads $fds"
}
( while kill -0 "$host" 2>/dev/null; do sample >>"$work/samples.txt" 2>/dev/null || true; sleep 1; done ) & pids+=($!)
active() { curl -fs "http://127.0.0.1:$HTTP_PORT/metrics" | awk '/^ncco_calls_active / {print $2; exit}'; }
wait_idle() { # seconds
  for _ in $(seq 1 "$1"); do [[ $(active) == 0 ]] && return 0; sleep 1; done
  echo "  calls still active after $1 s: $(active)"
}
ws_calls() { # count [answer path]
  local jwt body; jwt=$(token)
  body=$(python3 -c 'import json,sys; print(json.dumps({"to":[{"type":"websocket","uri":"ws://127.0.0.1:%s/demo/bot"%sys.argv[1],"content-type":"audio/l16;rate=16000"}],"from":{"type":"phone","number":"447700900000"},"answer_url":["http://127.0.0.1:%s%s"%(sys.argv[2],sys.argv[3])],"event_url":["http://127.0.0.1:%s/events"%sys.argv[2]]}))' "$HTTP_PORT" "$HOOK_PORT" "${2:-/answer}")
  local curls=()
  for _ in $(seq 1 "$1"); do
    curl -fs -o /dev/null -H "Authorization: Bearer $jwt" -H 'Content-Type: application/json' "http://127.0.0.1:$HTTP_PORT/v1/calls" -d "$body" & curls+=($!)
  done
  wait "${curls[@]}" || echo "  a POST /v1/calls failed"
}
sip_calls() { # count
  ( cd "$work" && timeout -k 5 $(( $1 / SIP_RATE + 90 )) sipp -i 127.0.0.1 -p "$SIPP_PORT" -mp "$SIPP_MEDIA_PORT" -nostdin -s demo \
      -recv_timeout 20s -sf "$root/bench/sip-load/uac-media.xml" -r "$SIP_RATE" -m "$1" -l "$1" "127.0.0.1:$SIP_PORT" >"$work/sipp.out" 2>&1 ) || echo "  sipp exit $?"
}

if [[ $WARMUP == dtmf ]]; then
  echo "== warm-up: one WebSocket call with a DTMF-only input (no speech decoder loaded)"
  ws_calls 1 /answer-warmup; wait_idle 60; sleep "$SETTLE"
else
  echo "== warm-up: one call of each kind"
  ws_calls 1; sip_calls 1; wait_idle 60; sleep "$SETTLE"
fi
before=$(sample); : >"$work/samples.txt"
if [[ -n $AFTER_ROUND ]]; then HOST_PID=$host ROUND=0 WORK=$work bash -c "$AFTER_ROUND" || echo "  AFTER_ROUND failed"; fi
started=$(date +%s)
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round: $WS_CALLS WebSocket + $SIP_CALLS SIP calls, all listening for speech"
  ws_calls "$WS_CALLS" & ws=$!
  if (( SIP_CALLS > 0 )); then sip_calls "$SIP_CALLS"; fi
  wait "$ws"   # only the round's own jobs: the host and the sampler run in the background too
  wait_idle 120
  # RSS once each round's calls have ended: a plateau over rounds is retention, a staircase is a leak.
  read -r r_rss r_threads r_fds <<<"$(sample)"
  echo "   after round $round: RSS $((r_rss / 1024)) MB, $r_threads threads, $r_fds fds"
  if [[ -n $AFTER_ROUND ]]; then HOST_PID=$host ROUND=$round WORK=$work bash -c "$AFTER_ROUND" || echo "  AFTER_ROUND failed"; fi
done
loaded=$(( $(date +%s) - started ))
sleep "$SETTLE"
after=$(sample)
late=$after
if (( LATE > 0 )); then sleep "$LATE"; late=$(sample); fi
peak=$(sort -n -k1 "$work/samples.txt" | tail -1); peak_threads=$(sort -n -k2 "$work/samples.txt" | tail -1 | cut -d' ' -f2); peak_fds=$(sort -n -k3 "$work/samples.txt" | tail -1 | cut -d' ' -f3)
metrics=$(curl -fs "http://127.0.0.1:$HTTP_PORT/metrics")
started_legs=$(grep -E '^ncco_calls_started_total' <<<"$metrics" | awk '{s+=$2} END {print s+0}')
speech=$(grep -E '^ncco_' <<<"$metrics" | grep -iE 'speech|asr|recogn' | head -5 || true)
mb() { awk -v k="$1" 'BEGIN {printf "%.0f", k/1024}'; }
read -r b_rss b_thr b_fds <<<"$before"; read -r a_rss a_thr a_fds <<<"$after"; read -r l_rss l_thr l_fds <<<"$late"; p_rss=${peak%% *}
echo
echo "| | RSS MB | threads | fds |"
echo "| -- | --: | --: | --: |"
echo "| before (warm, idle) | $(mb "$b_rss") | $b_thr | $b_fds |"
echo "| peak | $(mb "$p_rss") | $peak_threads | $peak_fds |"
echo "| after (${SETTLE} s idle) | $(mb "$a_rss") | $a_thr | $a_fds |"
(( LATE > 0 )) && echo "| late ($((SETTLE + LATE)) s idle) | $(mb "$l_rss") | $l_thr | $l_fds |"
echo
echo "summary: before_kb=$b_rss peak_kb=$p_rss after_kb=$a_rss late_kb=$l_rss threads_before=$b_thr threads_after=$a_thr threads_late=$l_thr"
echo "$ROUNDS rounds in ${loaded} s; legs started (incl. warm-up and connected legs): $started_legs; active now: $(active)"
[[ -n $speech ]] && { echo "speech instruments:"; echo "$speech"; }
grep -E "^ncco_sip_(dialogs|transactions)_active|^ncco_sip_handler_failures_total" <<<"$metrics" || true
echo "host log warnings/errors: $(grep -cE 'warn|fail|error' "$work/host.log" || true)"
