#!/usr/bin/env bash
# Memory per idle call: N established SIP calls that are answered and idle (the NCCO waits in a long `wait`, no prompt
# plays, SIPp sends no media), measured as the growth of the host process over its own baseline.
#   per build: start the host; 20 short warm-up calls (JIT, pools, first-use caches); baseline = RSS and managed heap
#   after a full blocking GC (dotnet-gcdump forces one); SIPp places N calls at RATE cps and holds them; once
#   ncco_calls_active reaches N (and SETTLE seconds more), the same measurement; per call = (after - baseline) / N.
# Builds are measured one after the other in one run (ROUNDS times, alternating), so their ratio is meaningful on a
# shared machine even when the absolute figures move with the load.
# Usage: [BUILDS="before=/tmp/before/Ncco.Cli.dll after=src/Ncco.Cli/bin/Release/net10.0/Ncco.Cli.dll"] [CALLS=1000]
#        [RATE=100] [ROUNDS=1] [GCDUMP=/path/to/dotnet-gcdump] [TYPES=1] bench/sip-load/idle.sh
#   Without BUILDS: this tree's src/Ncco.Cli, built in Release. TYPES=1 prints the 25 largest growths by managed type.
# Needs: sipp, python3, dotnet-gcdump (`dotnet tool install dotnet-gcdump --tool-path DIR`), the .NET SDK.
# Loopback only; the run is bounded in calls and time; every process is stopped on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
here=$root/bench/sip-load
CALLS=${CALLS:-1000}
RATE=${RATE:-100}
ROUNDS=${ROUNDS:-1}
SETTLE=${SETTLE:-5}
SIP_PORT=${SIP_PORT:-25260}
HTTP_PORT=${HTTP_PORT:-28280}
HOOK_PORT=${HOOK_PORT:-28290}
SIPP_PORT=${SIPP_PORT:-25270}
SIPP_MEDIA_PORT=${SIPP_MEDIA_PORT:-41000}
HOST_ARGS=${HOST_ARGS:-}
GCDUMP=${GCDUMP:-$(command -v dotnet-gcdump || echo /tmp/dtools/dotnet-gcdump)}
source "$root/bench/lib/processes.sh" sip-idle
for tool in sipp python3 "$GCDUMP"; do command -v "$tool" >/dev/null || { echo "needs $tool"; exit 1; }; done

if [[ -z ${BUILDS:-} ]]; then
  echo "== build (Release)"
  dotnet build src/Ncco.Cli -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
  BUILDS="this=$root/src/Ncco.Cli/bin/Release/net10.0/Ncco.Cli.dll"
fi

# The application: answer, then wait (up to two hours) — an established call with nothing to play or detect.
echo '[{"action":"wait","timeout":7200}]' >"$work/ncco.json"
NCCO_FILE="$work/ncco.json" python3 "$here/webhooks.py" "$HOOK_PORT" 2>"$work/webhooks.log" & pids+=($!)   # SIPp being stopped breaks pipes: not news

{ echo SEQUENTIAL; for i in $(seq 1 100); do echo "127.0.$((1 + i / 250)).$((1 + i % 250));"; done; } >"$work/sources.csv"
sources=(-t ui -inf "$work/sources.csv" -ip_field 0 -max_socket 4096)

metric() { curl -fs "http://127.0.0.1:$HTTP_PORT/metrics" 2>/dev/null | awk -v m="$1" '$1 == m {v = $2} END {print v + 0}'; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
measure() { # pid name -> "rss_kb heap_bytes"; the gcdump forces a full blocking GC first
  "$GCDUMP" collect -p "$1" -o "$work/$2.gcdump" >/dev/null 2>&1 || { echo "gcdump failed" >&2; return 1; }
  "$GCDUMP" report "$work/$2.gcdump" >"$work/$2.types" 2>/dev/null || true
  sleep 1
  local heap
  heap=$(awk '/GC Heap bytes/ {gsub(",", "", $1); print $1; exit}' "$work/$2.types")
  echo "$(rss_kb "$1") $heap"
}

run_build() { # name dll
  local name=$1 dll=$2 data="$work/data-$1-$RANDOM" server
  dotnet "$dll" serve --urls "http://127.0.0.1:$HTTP_PORT" -d "$data" \
    --Ncco:Account:ApiKey=bench --Ncco:Account:ApiSecret=bench-secret-0123 \
    --Ncco:Sip:Listen=127.0.0.1:$SIP_PORT --Ncco:Sip:RtpPortFirst=30000 --Ncco:Sip:RtpPortLast=39999 \
    --Ncco:Calls:RateLimitPerSecond=0 --Ncco:Limits:CallsPerSecondPerSource=0 --Ncco:Shutdown:DrainTimeout=00:00:00 \
    --Logging:LogLevel:Default=Warning $HOST_ARGS >"$work/host-$name.log" 2>&1 & server=$!; pids+=($server)
  for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$HTTP_PORT/metrics" >/dev/null 2>&1 && break; sleep 0.5; done
  local demo=d3e40000-0000-4000-8000-000000000001
  for _ in $(seq 1 20); do
    curl -fs -u bench:bench-secret-0123 -X PUT -H 'Content-Type: application/json' "http://127.0.0.1:$HTTP_PORT/v2/applications/$demo" \
      -d "{\"name\":\"sip idle\",\"capabilities\":{\"voice\":{\"webhooks\":{\"answer_url\":{\"address\":\"http://127.0.0.1:$HOOK_PORT/answer\",\"http_method\":\"GET\"},\"event_url\":{\"address\":\"http://127.0.0.1:$HOOK_PORT/events\",\"http_method\":\"POST\"}}}}}" \
      >/dev/null && break
    sleep 0.5
  done
  # Warm-up: 20 calls of 1 s, then wait for them to end.
  ( cd "$work" && timeout -k 5 60 sipp -i 127.0.0.1 -p "$SIPP_PORT" -mp "$SIPP_MEDIA_PORT" -nostdin -s demo -sf "$here/uac-setup.xml" \
      -r 10 -m 20 -l 20 -d 1000 -timeout 60s "${sources[@]}" "127.0.0.1:$SIP_PORT" >"$work/warm-$name.out" 2>&1 ) || true
  for _ in $(seq 1 60); do [[ $(metric ncco_calls_active) == 0 ]] && break; sleep 0.5; done
  sleep 2
  read -r rss0 heap0 < <(measure "$server" "$name-base")
  # The idle calls: held for an hour (the run stops SIPp long before).
  ( cd "$work" && exec timeout -k 5 900 sipp -i 127.0.0.1 -p "$SIPP_PORT" -mp "$SIPP_MEDIA_PORT" -nostdin -s demo -sf "$here/uac-setup.xml" \
      -r "$RATE" -m "$CALLS" -l "$CALLS" -d 3600000 -timeout 900s "${sources[@]}" "127.0.0.1:$SIP_PORT" >"$work/idle-$name.out" 2>&1 ) & local sipp=$!; pids+=($sipp)
  local active=0 deadline=$((SECONDS + CALLS / RATE + 120))
  while (( SECONDS < deadline )); do
    active=$(metric ncco_calls_active); [[ ${active:-0} -ge $CALLS ]] && break; sleep 1
  done
  sleep "$SETTLE"
  active=$(metric ncco_calls_active)
  read -r rss1 heap1 < <(measure "$server" "$name-idle")
  local n=${active:-0}
  python3 - "$name" "$n" "$rss0" "$rss1" "$heap0" "$heap1" <<'PY'
import sys
name, n, rss0, rss1, heap0, heap1 = sys.argv[1], int(sys.argv[2]), *map(int, sys.argv[3:])
per = lambda a, b: f"{(b - a) / max(n, 1):,.1f}"
print(f"| {name} | {n} | {rss0/1024:,.1f} | {rss1/1024:,.1f} | {per(rss0, rss1)} | {heap0/2**20:,.1f} | {heap1/2**20:,.1f} | {per(heap0/1024, heap1/1024)} |")
PY
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
  kill "$sipp" 2>/dev/null || true; kill "$server" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$server" 2>/dev/null || true
  sleep 2
}

echo "== $CALLS idle calls at $RATE cps; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| build | idle calls | RSS base MiB | RSS idle MiB | RSS KB/call | heap base MiB | heap idle MiB | heap KB/call |"
echo "| -- | --: | --: | --: | --: | --: | --: | --: |"
for _ in $(seq 1 "$ROUNDS"); do
  for b in $BUILDS; do run_build "${b%%=*}" "${b#*=}"; done
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
