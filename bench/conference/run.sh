#!/usr/bin/env bash
# Conferences end to end (issue 19): SIPp callers, each sending speech RTP, answered by an app whose NCCO joins a named
# conversation; the host (Release) mixes every room at its 16 kHz media rate and sends each caller the others' mix.
#
# STEPS, each "ROOMSxPARTIES" (10x50: ten rooms of 50). A named conversation holds at most 50 participants
# (the platform's documented limit; HOST_ARGS="--Ncco:Calls:MaxConversationParticipants=1000" raises it for one large room):
# the 51st caller is refused and counted as a failed call here, so one room of 500 is measured at the mixer alone (mixer-compare.sh), and per-core capacity end to
# end with many rooms of 50. CODECS: pcma (G.711 A-law, 8 kHz, SIPp's own speech pcap) and g722 (16 kHz G.722: the same speech, upsampled
# and encoded by ffmpeg into a pcap by make_pcap.py — SIPp replays any RTP payload from a pcap). Every caller talks for
# the whole call (PLAYS × 7.1 s), the heaviest pattern for the mixer.
# Per step: calls placed / failed (SIPp), participants up in the steady window (legs gauge), host CPU per
# participant-second in that window (and participants per core = its inverse), host CPU over the whole step, peak RSS,
# late media ticks (ncco_media_frames_late_total), and the timing of the RTP the host sent (tcpdump on lo,
# bench/side-by-side/rtp_stats.py: jitter |D| p95/max, largest gap, % off cadence, whole-sender stalls).
# Optional BASELINE=REV runs that commit's host (built in a temporary git worktree; or BASELINE=/path/Ncco.Cli.dll, an
# already built one) first, same steps: before/after.
# Usage: [STEPS="1x50 10x50 20x50"] [CODECS="pcma g722"] [PLAYS=4] [RATE=50] [WARMUP=1x20] [BASELINE=REV] bench/conference/run.sh
# Needs: sipp, tcpdump (root or CAP_NET_RAW), ffmpeg (for g722), python3, the .NET SDK. Loopback only; every step is
# bounded in calls (ROOMS × PARTIES) and time (timeout); every process is stopped on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
here=$root/bench/conference
STEPS=${STEPS:-"1x50 10x50 20x50"}
CODECS=${CODECS:-"pcma g722"}
PLAYS=${PLAYS:-4}
RATE=${RATE:-50}
SIPP_MEDIA_PORT=${SIPP_MEDIA_PORT:-44000}
RTP_FIRST=${RTP_FIRST:-41000}
RTP_LAST=${RTP_LAST:-43999}
SOURCES=${SOURCES:-100}
WARMUP=${WARMUP-1x20}      # an unrecorded step at each host's start ("" for none)
source "$root/bench/lib/processes.sh" conference
source "$root/bench/lib/host.sh"
bench_ports 25260 28280
needs sipp tcpdump python3

# ---- media: the speech each caller sends ----------------------------------------------------------------------------
g711=/usr/share/sip-tester/g711a.pcap
declare -A pcap=([pcma]=$g711) sdp=([pcma]="PCMA/8000") pt=([pcma]=8)
if [[ " $CODECS " == *" g722 "* ]]; then
  command -v ffmpeg >/dev/null || { echo "g722 needs ffmpeg"; exit 1; }
  # The A-law payloads of SIPp's speech pcap (Ethernet/IPv4/UDP/RTP, 12-byte RTP headers) → 16 kHz G.722.
  python3 - "$g711" "$work/speech.alaw" <<'PY'
import struct, sys
f = open(sys.argv[1], "rb"); f.read(24); out = open(sys.argv[2], "wb")
while (h := f.read(16)) and len(h) == 16:
    n = struct.unpack("<IIII", h)[2]; p = f.read(n); ip = p[14:]; ihl = (ip[0] & 15) * 4
    out.write(ip[ihl + 8 + 12:])
PY
  ffmpeg -loglevel error -y -f alaw -ar 8000 -ac 1 -i "$work/speech.alaw" -ar 16000 -c:a g722 -f g722 "$work/speech.g722"
  python3 "$here/make_pcap.py" "$work/speech.g722" "$work/g722.pcap" 9 160 160
  pcap[g722]=$work/g722.pcap; sdp[g722]="G722/8000"; pt[g722]=9
fi
scenario() { # codec -> scenario path
  local play="" i
  for i in $(seq 1 "$PLAYS"); do
    play+="  <nop><action><exec play_pcap_audio=\"${pcap[$1]}\"/></action></nop>\n  <pause milliseconds=\"7100\"/>\n"
  done
  sed -e "s|@PT@|${pt[$1]}|g" -e "s|@CODEC@|${sdp[$1]}|g" -e "s|@PLAY@|$play|" "$here/uac-conference.xml.in" >"$work/uac-$1.xml"
  grep -qE '@(PT|CODEC|PLAY)@' "$work/uac-$1.xml" && { echo "scenario template not fully filled" >&2; exit 1; }
  echo "$work/uac-$1.xml"
}
call_seconds=$(python3 -c "print($PLAYS * 7.1)")

sipp_sources "$SOURCES"

# ---- the host ------------------------------------------------------------------------------------------------------
echo "== build (Release)"
targets=("ncco=$(build_ncco "$root")")
[[ -n ${BASELINE:-} ]] && targets=("$(baseline_target "$BASELINE")" "${targets[@]}")

hooks=""
late() { metric ncco_media_frames_late_total; }
legs() { metric ncco_media_legs_active; }

results="$work/results.tsv"
run_step() { # target codec step(KxN) [record: 0 for the warm-up]
  local target=$1 codec=$2 step=$3 rooms=${3%x*} parties=${3#*x} record=${4:-1}
  local calls=$((rooms * parties)) name="${1//[@\/]/_}-$2-$3"
  local ramp=$(( (calls + RATE - 1) / RATE )) limit
  limit=$(python3 -c "print(int($ramp + $call_seconds + 60))")
  # The steady window: from 3 s after the last call is placed to 3 s before the first one ends.
  local window; window=$(python3 -c "print(max(0, int($call_seconds - $ramp - 6)))")
  stop_pid "$hooks" 2>/dev/null || true
  python3 "$here/webhooks.py" "$HOOK_PORT" "$rooms" "$name" & hooks=$!; pids+=($hooks)
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$HOOK_PORT/ready" >/dev/null 2>&1 && break; sleep 0.2; done
  tcpdump -i lo -s 64 -B 16384 -w "$work/$name.pcap" "udp and src portrange $RTP_FIRST-$RTP_LAST and dst portrange $SIPP_MEDIA_PORT-65535" >"$work/$name.tcpdump.log" 2>&1 & local dump=$!
  sleep 1
  rm -f "$work/$name.done"; rss_peak "$work/$name.done" >"$work/$name.rss" & local sampler=$!
  # The idle host's own CPU rate (timers, metrics, GC) over 3 s, to tell the participants' share apart.
  local idle0 idle1; idle0=$(cpu); sleep 3; idle1=$(cpu)
  local cpu0 late0; cpu0=$(cpu); late0=$(late)
  ( cd "$work" && timeout -k 5 "$limit" sipp -i 127.0.0.1 -p "$SIPP_PORT" -mp "$SIPP_MEDIA_PORT" -nostdin -s demo \
      -timeout "${limit}s" -recv_timeout 10s -trace_stat -stf "$work/$name.csv" -fd 1 "${sources[@]}" \
      -sf "$(scenario "$codec")" -r "$RATE" -m "$calls" -l "$calls" "127.0.0.1:$SIP_PORT" >"$work/$name.out" 2>&1 ) & local sipp=$!
  local w0="" w1="" l0="" l1="" p0=0 p1=0 lw0="" lw1=""
  if (( window > 0 )); then
    sleep $((ramp + 3))
    w0=$(cpu); lw0=$(late); p0=$(legs)
    sleep "$window"
    w1=$(cpu); lw1=$(late); p1=$(legs)
  fi
  wait $sipp || true
  local cpu1 late1; cpu1=$(cpu); late1=$(late)
  touch "$work/$name.done"; wait $sampler || true
  sleep 1; kill -INT $dump 2>/dev/null; wait $dump 2>/dev/null || true
  local created failed
  read -r created failed < <(python3 -c "import csv,sys; r=[x for x in csv.reader(open(sys.argv[1]),delimiter=';')]; d=dict(zip(r[0],r[-1])); print(d['TotalCallCreated'], d['FailedCall(C)'])" "$work/$name.csv" 2>/dev/null || echo "? ?")
  if [[ $record == 0 ]]; then echo "  warm-up: $created calls, $failed failed"; rm -f "$work/$name.pcap"; return 0; fi
  local rtp; rtp=$(python3 "$root/bench/side-by-side/rtp_stats.py" "$work/$name.pcap" --json)
  python3 - "$results" "$target" "$codec" "$step" "$created" "$failed" "$cpu0" "$cpu1" "$late0" "$late1" "$(cat "$work/$name.rss")" \
    "$window" "$w0" "$w1" "$lw0" "$lw1" "$p0" "$p1" "$call_seconds" "$idle0" "$idle1" "$rtp" <<'PY'
import json, sys
(path, target, codec, step, created, failed, cpu0, cpu1, late0, late1, rss, window, w0, w1, lw0, lw1, p0, p1, secs, idle0, idle1, rtp) = sys.argv[1:]
r = json.loads(rtp)
f = lambda s: float(s) if s not in ("", "?") else None
up = (f(p0) + f(p1)) / 2 if w0 else 0
steady = (f(w1) - f(w0)) / (up * f(window)) if w0 and up and f(window) else None  # CPU-s per participant-second
idle = (f(idle1) - f(idle0)) / 3  # CPU-s per second of the host with no call
net = steady - idle / up if steady else None
total = (f(cpu1) - f(cpu0))
whole = total / (f(created) * f(secs)) if f(created) else None
row = [target, codec, step, created, failed, f"{up:.0f}",
       f"{steady * 1000:.3f}" if steady else "n/a", f"{1 / steady:.0f}" if steady else "n/a",
       f"{1 / net:.0f}" if net and net > 0 else "n/a",
       f"{whole * 1000:.3f}" if whole else "n/a", f"{total:.1f}", rss,
       str(int(f(lw1) - f(lw0))) if w0 else "n/a", str(int(f(late1) - f(late0))),
       f"{r['jitter_p95_ms']:.2f}", f"{r['jitter_max_ms']:.1f}", f"{r['largest_gap_ms']:.1f}", f"{r['off_cadence_pct']:.3f}",
       str(r["stalls"]), str(r["packets"])]
open(path, "a").write("\t".join(row) + "\n")
print("  " + " ".join(row))
PY
  rm -f "$work/$name.pcap"
}

for entry in "${targets[@]}"; do
  target=${entry%%=*}; dll=${entry#*=}
  echo "== $target"
  start_ncco "$dll" "conference bench" DOTNET_TieredPGO=1
  # A fresh process runs tier-0 code and JIT-compiles on its first calls: a short unrecorded step first (WARMUP).
  [[ -n $WARMUP ]] && { echo "-- $target warm-up ${CODECS%% *} $WARMUP"; run_step "$target" "${CODECS%% *}" "$WARMUP" 0; sleep 3; }
  for codec in $CODECS; do
    for step in $STEPS; do
      echo "-- $target $codec $step (load avg $(cut -d' ' -f1-3 /proc/loadavg))"
      run_step "$target" "$codec" "$step"
      sleep 5   # the last calls' BYEs and records settle
    done
  done
  stop_pid "$server"
done

echo
echo "| host | codec | rooms×parties | calls | failed | up in window | host CPU ms per participant-second (window) | participants per core (window) | participants per core, idle host's CPU taken out | CPU ms per participant-second (whole step) | CPU-s (step) | peak RSS MiB | late ticks (window) | late ticks (step) | jitter p95 ms | jitter max ms | largest gap ms | off cadence % | stalls | packets |"
echo "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
awk -F'\t' '{s="|"; for (i = 1; i <= NF; i++) s = s " " $i " |"; print s}' "$results"
if [[ -n ${BASELINE:-} ]]; then
  python3 - "$results" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
targets = list(dict.fromkeys(r[0] for r in rows))
base = {(r[1], r[2]): r for r in rows if r[0] == targets[0]}
print(f"\nratios {targets[-1]} / {targets[0]} (host CPU per participant-second in the window, whole step):")
for r in rows:
    b = base.get((r[1], r[2]))
    if r[0] == targets[0] or not b: continue
    q = lambda i: f"{float(r[i]) / float(b[i]):.2f}×" if b[i] not in ("n/a", "0", "0.000") and r[i] != "n/a" else "n/a"
    print(f"  {r[1]} {r[2]}: window {q(6)}, whole step {q(9)}")
PY
fi
