#!/usr/bin/env bash
# Call setup through one application's VM under in-call load, on a simulated clock (README.md): this tree's
# Ncco.Runtime and, with NCCO_BASELINE=<dir holding an Ncco.Runtime.dll and Ncco.Testing.dll of another build>, that one,
# over the same scenarios. Deterministic: no wall clock, so the machine's load does not change the figures.
# Usage: [NCCO_BASELINE=/tmp/base/] bench/vm-setup-queue/run.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
out=$(mktemp -d /tmp/vm-setup-queue-XXXXXX)
trap 'rm -rf "$out"' EXIT
dotnet build VmSetupQueue.csproj -c Release -o "$out/new" -nologo -v q >/dev/null
builds=(new)
if [[ -n ${NCCO_BASELINE:-} ]]; then
  cp -r "$out/new" "$out/baseline"
  cp "$NCCO_BASELINE/Ncco.Runtime.dll" "$NCCO_BASELINE/Ncco.Testing.dll" "$out/baseline/"
  builds=(baseline new)
fi
# name|environment
scenarios=(
  "500 cps, 68 ms pause each second|"
  "500 cps, no pause|PAUSE_MS=0"
  "500 cps, 68 ms pause, in-call work 70 %|WORK_US=140"
  "200 cps, 68 ms pause each second|CPS=200 WORK_PER_SECOND=2000"
)
for s in "${scenarios[@]}"; do
  name=${s%%|*} envs=${s#*|}
  for b in "${builds[@]}"; do
    echo "== $b: $name"
    env $envs timeout 600 dotnet "$out/$b/VmSetupQueue.dll" | sed 's/^/  /'
  done
done
