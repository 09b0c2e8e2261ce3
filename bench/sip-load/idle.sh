#!/usr/bin/env bash
# Memory per idle call: N established SIP calls that are answered and idle (the NCCO waits in a long `wait`, no prompt
# plays, SIPp sends no media), measured as the growth of the host process over its own baseline.
#   per build: start the host; 20 short warm-up calls (JIT, pools, first-use caches); baseline = RSS and managed heap
#   after a full blocking GC (dotnet-gcdump forces one); then for each level in LEVELS (cumulative call counts, default
#   "CALLS/2 CALLS") SIPp places the calls still missing at RATE cps and holds them; once ncco_calls_active reaches the
#   level (and SETTLE seconds more), the same measurement. Reported per call: over the baseline ((M - base) / N) and since
#   the previous level (the cost of one more idle call, without one-time costs such as code first run by a call).
#   BREAKDOWN=1 also prints where the RSS is (bench/soak/breakdown.sh: GC heap, JIT code, arenas, stacks, files) at the
#   baseline and at the last level.
# Builds are measured one after the other in one run (ROUNDS times, alternating), so their ratio is meaningful on a
# shared machine even when the absolute figures move with the load.
# Usage: [BUILDS="before=/tmp/before/Ncco.Cli.dll after=src/Ncco.Cli/bin/Release/net10.0/Ncco.Cli.dll"] [CALLS=1000 | LEVELS="250 500 1000"]
#        [RATE=100] [BREAKDOWN=1] [ROUNDS=1] [MEDIA=1] [GCDUMP=/path/to/dotnet-gcdump] [TYPES=1] bench/sip-load/idle.sh
#   Without BUILDS: this tree's src/Ncco.Cli, built in Release. A build may carry settings after commas, each an
#   environment variable or a host setting: BUILDS="server=X.dll wks=X.dll,DOTNET_gcServer=0". TYPES=1 prints the 25 largest growths by managed type.
# Needs: sipp, python3, dotnet-gcdump (`dotnet tool install dotnet-gcdump --tool-path DIR`), the .NET SDK.
# Loopback only; the run is bounded in calls and time; every process is stopped on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
here=$root/bench/sip-load
CALLS=${CALLS:-1000}
LEVELS=${LEVELS:-"$((CALLS / 2)) $CALLS"}
RATE=${RATE:-100}
ROUNDS=${ROUNDS:-1}
SETTLE=${SETTLE:-5}
SIPP_MEDIA_PORT=${SIPP_MEDIA_PORT:-41000}
GCDUMP=${GCDUMP:-$(command -v dotnet-gcdump || echo /tmp/dtools/dotnet-gcdump)}
source "$root/bench/lib/processes.sh" sip-idle
source "$root/bench/lib/host.sh"
bench_ports 25260 28280
needs sipp python3 "$GCDUMP"

if [[ -z ${BUILDS:-} ]]; then
  echo "== build (Release)"
  BUILDS="this=$(build_ncco "$root")"
fi

# The application: answer, then wait (up to two hours) — an established call with nothing to play or detect.
echo '[{"action":"wait","timeout":7200}]' >"$work/ncco.json"
NCCO_FILE="$work/ncco.json" python3 "$here/webhooks.py" "$HOOK_PORT" 2>"$work/webhooks.log" & pids+=($!)   # SIPp being stopped breaks pipes: not news

# MEDIA=1: each idle call also streams G.711 µ-law to the host, 50 packets a second (a phone whose user listens), so
# the jitter buffer and decoder hold what a live call holds. Without it SIPp sends no RTP.
scenario=$here/uac-setup.xml
if [[ -n ${MEDIA:-} ]]; then
  python3 - "$work/idle.wav" <<'PY'
import math, struct, sys, wave
# 1 s of a quiet 200 Hz tone as µ-law (WAVE format 7), written by hand: the wave module only writes PCM.
def ulaw(x):
    s = 0x80 if x < 0 else 0; x = min(abs(x), 32635) + 132; e = 7
    while e > 0 and not (x & (0x4000 >> (7 - e))): e -= 1
    return ~(s | (e << 4) | ((x >> (e + 3)) & 0x0F)) & 0xFF
data = bytes(ulaw(int(300 * math.sin(2 * math.pi * 200 * i / 8000))) for i in range(8000))
fmt = struct.pack("<HHIIHH", 7, 1, 8000, 8000, 1, 8)
with open(sys.argv[1], "wb") as f:
    f.write(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE")
    f.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data)
PY
  sed "s|@IDLE_AUDIO@|$work/idle.wav|" "$here/uac-idle-media.xml" >"$work/uac-idle-media.xml"
  scenario=$work/uac-idle-media.xml
fi

sipp_sources 100

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
measure() { # pid name -> "rss_kb heap_bytes"; the gcdump forces a full blocking GC first
  "$GCDUMP" collect -p "$1" -o "$work/$2.gcdump" >/dev/null 2>&1 || { echo "gcdump failed" >&2; return 1; }
  "$GCDUMP" report "$work/$2.gcdump" >"$work/$2.types" 2>/dev/null || true
  sleep 1
  local heap
  heap=$(awk '/GC Heap bytes/ {gsub(",", "", $1); print $1; exit}' "$work/$2.types")
  echo "$(rss_kb "$1") $heap"
}

run_build() { # name dll [NAME=VALUE | --Setting=value]…
  local name=$1 dll=$2
  start_ncco "$dll" "sip idle" "${@:3}"
  # Warm-up: 20 calls of 1 s, then wait for them to end.
  ( cd "$work" && timeout -k 5 60 sipp -i 127.0.0.1 -p "$SIPP_PORT" -mp "$SIPP_MEDIA_PORT" -nostdin -s demo -sf "$here/uac-setup.xml" \
      -r 10 -m 20 -l 20 -d 1000 -timeout 60s "${sources[@]}" "127.0.0.1:$SIP_PORT" >"$work/warm-$name.out" 2>&1 ) || true
  for _ in $(seq 1 60); do [[ $(metric ncco_calls_active) == 0 ]] && break; sleep 0.5; done
  sleep 2
  local rss0 heap0
  read -r rss0 heap0 < <(measure "$server" "$name-base")
  [[ -n ${BREAKDOWN:-} ]] && TOOLS=$(dirname "$GCDUMP") bash "$root/bench/soak/breakdown.sh" "$server" "$name, baseline (warm, 0 calls)" >&2
  awk -v n="$name" -v r="$rss0" -v h="$heap0" 'BEGIN {printf "| %s | 0 | %.1f | %.1f | – | – | – | – |\n", n, r / 1024, h / 1048576}'
  # The idle calls, one batch per level (each from its own SIPp, held for an hour; the run stops them long before),
  # measured after each: per call over the baseline, and per call since the previous level (the cost of one more idle
  # call without the one-time costs the first calls bring: code first run and tiered up, pools and tables sized up,
  # pages of the assemblies touched).
  local sipps=() batch=0 level prev=0 rp=$rss0 hp=$heap0 n=0 r h
  for level in $LEVELS; do
    batch=$((batch + 1))
    local more=$((level - prev))
    ( cd "$work" && exec timeout -k 5 900 sipp -i 127.0.0.1 -p $((SIPP_PORT + batch)) -mp $((SIPP_MEDIA_PORT + batch * 4000)) -nostdin -s demo -sf "$scenario" \
        -r "$RATE" -m "$more" -l "$more" -d 3600000 -timeout 900s "${sources[@]}" "127.0.0.1:$SIP_PORT" >"$work/idle-$name-$batch.out" 2>&1 ) & sipps+=($!); pids+=($!)
    local active=0 deadline=$((SECONDS + more / RATE + 120))
    while (( SECONDS < deadline )); do
      active=$(metric ncco_calls_active); [[ ${active:-0} -ge $level ]] && break; sleep 1
    done
    sleep "$SETTLE"
    n=$(metric ncco_calls_active)
    read -r r h < <(measure "$server" "$name-idle$batch")
    python3 - "$name" "$n" "$prev" "$rss0" "$heap0" "$rp" "$hp" "$r" "$h" <<'PY'
import sys
name = sys.argv[1]
n, prev, r0, h0, rp, hp, r, h = map(int, sys.argv[2:])
per = lambda a, b, k, m: f"{(b - a) / k / max(m, 1):,.1f}"
print(f"| {name} | {n} | {r/1024:,.1f} | {h/2**20:,.1f} | {per(r0, r, 1, n)} | {per(rp, r, 1, n - prev)} | {per(h0, h, 1024, n)} | {per(hp, h, 1024, n - prev)} |")
PY
    prev=$n; rp=$r; hp=$h
    cp "$work/$name-idle$batch.types" "$work/$name-idle.types"
  done
  [[ -n ${BREAKDOWN:-} ]] && TOOLS=$(dirname "$GCDUMP") bash "$root/bench/soak/breakdown.sh" "$server" "$name, $n idle calls" >&2
  if [[ -n ${TYPES:-} ]]; then
    python3 - "$work/$name-base.types" "$work/$name-idle.types" "$n" <<'PY' >&2
import re, sys
def load(p):
    d = {}
    for line in open(p):
        m = re.match(r"\s*([\d,]+)\s+([\d,]+)\s+(.*)$", line)
        if m: d[m.group(3).strip()] = d.get(m.group(3).strip(), 0) + int(m.group(1).replace(",", "")) * int(m.group(2).replace(",", ""))
    return d
a, b, n = load(sys.argv[1]), load(sys.argv[2]), max(int(sys.argv[3]), 1)
rows = sorted(((b.get(k, 0) - a.get(k, 0), k) for k in set(a) | set(b)), reverse=True)[:25]
for delta, k in rows: print(f"    {delta / n:10,.0f} B/call  {k[:150]}")
PY
  fi
  # PAUSE=seconds keeps the calls up after the measurement (to look at the process, e.g. with dotnet-dump).
  [[ -n ${PAUSE:-} ]] && { echo "  host pid $server, calls up for ${PAUSE}s" >&2; sleep "$PAUSE"; }
  kill "${sipps[@]}" 2>/dev/null || true; stop_pid "$server"
  sleep 2
}

echo "== idle calls at $LEVELS, $RATE cps${MEDIA:+, each streaming G.711 to the host}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| build | idle calls | RSS MiB | managed heap MiB | RSS KB/call over base | RSS KB/call since previous | heap KB/call over base | heap KB/call since previous |"
echo "| -- | --: | --: | --: | --: | --: | --: | --: |"
for _ in $(seq 1 "$ROUNDS"); do
  for b in $BUILDS; do IFS=, read -ra build <<<"${b#*=}"; run_build "${b%%=*}" "${build[@]}"; done
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
