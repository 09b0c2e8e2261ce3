#!/usr/bin/env bash
# WebSocket legs side by side: two builds of this bench (OLD, NEW: their bin/Release/net10.0 directories), each run at
# every LEGS count, alternating, against the same out-of-process echo app (NEW's --echo-app), with a --hold window.
# Prints each run's "hold:" line and the app's CPU; stop-after-figures (the host's drain of hundreds of legs takes minutes).
#   OLD=/tmp/old-bench NEW=bench/Ncco.Host.Load/bin/Release/net10.0 LEGS="250 500 1000" HOLD=30 bash bench/Ncco.Host.Load/ws-legs.sh
# HOST_ARGS: host settings given to both builds, e.g. HOST_ARGS="--Ncco:Media:ThreadPriority=Realtime".
set -u
OLD=${OLD:?OLD build directory}
NEW=${NEW:-bench/Ncco.Host.Load/bin/Release/net10.0}
LEGS=${LEGS:-250 500 1000}
HOLD=${HOLD:-30}
HOST_ARGS=${HOST_ARGS:-}
DURATION=${DURATION:-90}
NCCO='[{"action":"talk","text":"This is a long prompt that keeps playing while the host is under load","loop":0}]'
OUT=${OUT:-$(mktemp -d /tmp/ws-legs.XXXXXX)}
mkdir -p "$OUT"; echo "logs in $OUT"

run() { # build-name dir legs
  local name=$1 dir=$2 legs=$3 log="$OUT/$1-$3.log" echolog="$OUT/echo-$1-$3.log"
  # The echo app runs until its standard input (this script's end of the coprocess pipe) closes.
  coproc ECHO { DOTNET_gcServer=0 exec dotnet "$NEW/Ncco.Host.Load.dll" --echo-app > "$echolog" 2>&1; }
  local echo_pid=$ECHO_PID echo_in=${ECHO[1]}
  touch "$log"; for _ in $(seq 100); do grep -q '^echo-app ' "$echolog" && break; sleep 0.2; done
  local uri; uri=$(sed -n 's/^echo-app //p' "$echolog" | head -1)
  local to="{\"type\":\"websocket\",\"uri\":\"$uri\",\"content-type\":\"audio/l16;rate=16000\"}"
  nice -n 5 dotnet "$dir/Ncco.Host.Load.dll" --creates "$legs" --create-concurrency 4 --concurrency 2 --requests 0 \
    --duration "$DURATION" --hold "$HOLD" --ncco "$NCCO" --to "$to" --app-pid "$echo_pid" $HOST_ARGS > "$log" 2>&1 &
  local bench_pid=$!
  local waited=0
  while kill -0 "$bench_pid" 2>/dev/null && ! grep -q '^bench process' "$log" && [ $waited -lt $((DURATION + HOLD + 240)) ]; do sleep 2; waited=$((waited + 2)); done
  kill "$bench_pid" 2>/dev/null; sleep 2; kill -9 "$bench_pid" 2>/dev/null
  local app_cpu; app_cpu=$(awk '{printf "%.1f", ($14+$15)/100}' "/proc/$echo_pid/stat" 2>/dev/null)
  eval "exec $echo_in>&-"; sleep 2; kill "$echo_pid" 2>/dev/null
  echo "== $name $legs legs (echo app CPU over the whole run: ${app_cpu:-?} s)"
  grep -E '^(hold:|POST|\| POST|bench process)' "$log" || tail -5 "$log"
}

for legs in $LEGS; do
  run old "$OLD" "$legs"
  run new "$NEW" "$legs"
done
