#!/usr/bin/env bash
# Issue 16: the soak (run.sh) once per memory setting, one after the other in one run on the same build, each with the
# resident-memory breakdown (breakdown.sh) after the warm-up and after the last round. Prints each run's summary.
# Usage: TOOLS=<dir with dotnet-counters> bench/soak/compare.sh      (ROUNDS, WS_CALLS, SIP_CALLS… as for run.sh)
# CONFIGS: a list of "label|VAR=value VAR=value" (default: the settings compared in RESULTS.md).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
: "${ROUNDS:=3}"
export ROUNDS BUILD=${BUILD:-0}
default_configs=(
  "default (Workstation, concurrent)|"
  "MALLOC_ARENA_MAX=2|MALLOC_ARENA_MAX=2"
  "DOTNET_GCConserveMemory=5|DOTNET_GCConserveMemory=5"
  "DOTNET_GCgen0size=0x400000 (4 MB)|DOTNET_GCgen0size=0x400000"
  "Server GC|DOTNET_gcServer=1"
  "MALLOC_ARENA_MAX=2 + GCConserveMemory=5|MALLOC_ARENA_MAX=2 DOTNET_GCConserveMemory=5"
)
if [[ -n ${CONFIGS:-} ]]; then mapfile -t configs <<<"$CONFIGS"; else configs=("${default_configs[@]}"); fi
for c in "${configs[@]}"; do
  label=${c%%|*}; vars=${c#*|}
  echo "=================== $label"
  # shellcheck disable=SC2086
  env $vars AFTER_ROUND='case $ROUND in 0|'"$ROUNDS"') bash bench/soak/breakdown.sh $HOST_PID "'"$label"', after round $ROUND";; esac' \
    bash bench/soak/run.sh 2>&1 | grep -vE '^== (round|host|warm)|sipp exit'
done
