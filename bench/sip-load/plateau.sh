#!/usr/bin/env bash
# Does memory return to a flat baseline after finished calls? (issue 19: "three identical 1,000-call setup steps took
# RSS 283 → 377 → 446 MiB"). The same setup step STEPS times on one host, and after each, once every call has ended:
# RSS and the live managed heap after a full blocking GC (dotnet-gcdump forces one), with the heap's largest growths by
# type against the first step (TYPES=1) — what finished calls still hold, if anything.
#   per build: start the host; 20 short warm-up calls; baseline; then STEPS times: SIPp places CALLS calls at RATE cps,
#   each held HOLD ms with the NCCO below (a TTS prompt with barge-in, then DTMF input: synthesis, the TTS cache, RTP,
#   DTMF detection, journals and webhooks all run), waits until ncco_calls_active is 0 and SETTLE seconds more, measures.
# Usage: [BUILDS="name=/path/Ncco.Cli.dll …"] [CALLS=1000] [RATE=100] [HOLD=3000] [STEPS=3] [TYPES=1] [BREAKDOWN=1]
#        [GCDUMP=/path/to/dotnet-gcdump] bench/sip-load/plateau.sh
#   Without BUILDS: this tree's src/Ncco.Cli, built in Release. A build may carry settings after commas, each an
#   environment variable or a host setting: BUILDS="server=X.dll wks=X.dll,DOTNET_gcServer=0".
# Needs: sipp, python3, dotnet-gcdump (`dotnet tool install dotnet-gcdump --tool-path DIR`), the .NET SDK.
# Loopback only; every step bounded in calls and time; every process is stopped on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
here=$root/bench/sip-load
CALLS=${CALLS:-1000}
RATE=${RATE:-100}
HOLD=${HOLD:-3000}
STEPS=${STEPS:-3}
SETTLE=${SETTLE:-5}
SIPP_MEDIA_PORT=${SIPP_MEDIA_PORT:-42000}
GCDUMP=${GCDUMP:-$(command -v dotnet-gcdump || echo /tmp/dtools/dotnet-gcdump)}
source "$root/bench/lib/processes.sh" sip-plateau
source "$root/bench/lib/host.sh"
bench_ports 25360 28380
needs sipp python3 "$GCDUMP"

if [[ -z ${BUILDS:-} ]]; then
  echo "== build (Release)"
  BUILDS="this=$(build_ncco "$root")"
fi

cat >"$work/ncco.json" <<'NCCO'
[{"action":"talk","text":"Thank you for calling. Press any key to continue.","language":"en-US","bargeIn":true},
 {"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1,"timeOut":10}}]
NCCO
NCCO_FILE="$work/ncco.json" python3 "$here/webhooks.py" "$HOOK_PORT" 2>"$work/webhooks.log" & pids+=($!)
sipp_sources 100

measure() { # pid name -> "rss_kb heap_bytes"; the gcdump forces a full blocking GC first
  "$GCDUMP" collect -p "$1" -o "$work/$2.gcdump" >/dev/null 2>&1 || { echo "gcdump failed" >&2; return 1; }
  "$GCDUMP" report "$work/$2.gcdump" >"$work/$2.types" 2>/dev/null || true
  sleep 1
  echo "$(awk '/^VmRSS/ {print $2}' "/proc/$1/status") $(awk '/GC Heap bytes/ {gsub(",", "", $1); print $1; exit}' "$work/$2.types")"
}

types_diff() { # from to label: the 15 largest growths by managed type
  python3 - "$work/$1.types" "$work/$2.types" "$3" <<'PY' >&2
import re, sys
def load(p):
    d = {}
    for line in open(p):
        m = re.match(r"\s*([\d,]+)\s+([\d,]+)\s+(.*)$", line)
        if m: d[m.group(3).strip()] = d.get(m.group(3).strip(), 0) + int(m.group(1).replace(",", "")) * int(m.group(2).replace(",", ""))
    return d
a, b = load(sys.argv[1]), load(sys.argv[2])
print(f"  largest managed growths, {sys.argv[3]}:")
for delta, k in sorted(((b.get(k, 0) - a.get(k, 0), k) for k in set(a) | set(b)), reverse=True)[:15]:
    print(f"    {delta:12,d} B  {k[:150]}")
PY
}

run_build() { # name dll [NAME=VALUE | --Setting=value]…
  local name=$1 dll=$2
  start_ncco "$dll" "sip plateau" "${@:3}"
  ( cd "$work" && timeout -k 5 60 sipp -i 127.0.0.1 -p "$SIPP_PORT" -mp "$SIPP_MEDIA_PORT" -nostdin -s demo -sf "$here/uac-setup.xml" \
      -r 10 -m 20 -l 20 -d 1000 -timeout 60s "${sources[@]}" "127.0.0.1:$SIP_PORT" >"$work/warm-$name.out" 2>&1 ) || true
  for _ in $(seq 1 60); do [[ $(metric ncco_calls_active) == 0 ]] && break; sleep 0.5; done
  sleep 2
  local rss heap
  read -r rss heap < <(measure "$server" "$name-0")
  printf '| %s | warm (20 calls) | – | – | %.1f | %.1f | %s |\n' "$name" "$(bc -l <<<"$rss / 1024")" "$(bc -l <<<"$heap / 1048576")" "$(cut -d' ' -f1 /proc/loadavg)"
  [[ -n ${BREAKDOWN:-} ]] && TOOLS=$(dirname "$GCDUMP") bash "$root/bench/soak/breakdown.sh" "$server" "$name, warm" >&2
  local step
  for step in $(seq 1 "$STEPS"); do
    local load0; load0=$(cut -d' ' -f1 /proc/loadavg)
    ( cd "$work" && timeout -k 5 $((CALLS / RATE + HOLD / 1000 + 120)) sipp -i 127.0.0.1 -p "$SIPP_PORT" -mp "$SIPP_MEDIA_PORT" -nostdin -s demo \
        -sf "$here/uac-setup.xml" -r "$RATE" -m "$CALLS" -l "$CALLS" -d "$HOLD" -recv_timeout 10s -trace_stat -stf "$work/$name-$step.csv" \
        "${sources[@]}" "127.0.0.1:$SIP_PORT" >"$work/$name-$step.out" 2>&1 ) || true
    for _ in $(seq 1 120); do [[ $(metric ncco_calls_active) == 0 ]] && break; sleep 0.5; done
    sleep "$SETTLE"
    local failed
    failed=$(python3 -c "import csv,sys; r=[x for x in csv.reader(open(sys.argv[1]),delimiter=';')]; d=dict(zip(r[0],r[-1])); print(d['SuccessfulCall(C)'], d['FailedCall(C)'])" "$work/$name-$step.csv" 2>/dev/null || echo "? ?")
    read -r rss heap < <(measure "$server" "$name-$step")
    printf '| %s | %s × %s calls | %s | %s | %.1f | %.1f | %s |\n' "$name" "$step" "$CALLS" "${failed% *}" "${failed#* }" \
      "$(bc -l <<<"$rss / 1024")" "$(bc -l <<<"$heap / 1048576")" "$load0"
    [[ -n ${BREAKDOWN:-} ]] && TOOLS=$(dirname "$GCDUMP") bash "$root/bench/soak/breakdown.sh" "$server" "$name, after step $step" >&2
  done
  if [[ -n ${TYPES:-} ]]; then
    types_diff "$name-0" "$name-1" "warm → step 1"
    types_diff "$name-1" "$name-$STEPS" "step 1 → step $STEPS"
  fi
  stop_pid "$server"
  sleep 2
}

echo "== $STEPS steps of $CALLS calls at $RATE cps, each held ${HOLD} ms; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| build | after | successful | failed | RSS MiB | managed heap MiB (after full GC) | load avg at start |"
echo "| -- | -- | --: | --: | --: | --: | --: |"
for b in $BUILDS; do IFS=, read -ra build <<<"${b#*=}"; run_build "${b%%=*}" "${build[@]}"; done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
