#!/usr/bin/env bash
# Runs every test project in Ncco.sln and prints the total over all of them as the last line:
#   N passed, N failed
# Exit status is non-zero when anything failed or did not build.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
results="$root/artifacts/test-results"

# What the suites need beyond the .NET SDK (native engines from Debian, ajv from npm): each .ci/deps script
# installs only what is missing, so a fresh machine works and a warm one pays a few dpkg/stat checks.
for dep in .ci/deps/*.sh; do
  [ -e "$dep" ] || continue
  if ! bash "$dep"; then
    echo "installing test dependencies failed in $dep (apt-get needs root; npm needs the registry)"
    echo "0 passed, 1 failed"
    exit 1
  fi
done

rm -rf "$results"
mkdir -p "$results"

dotnet build Ncco.sln -c Release -nologo -v quiet
build_status=$?
if [ $build_status -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test Ncco.sln -c Release --no-build -nologo \
  --logger "trx" --results-directory "$results" \
  --blame-hang --blame-hang-timeout 5m \
  -- RunConfiguration.TreatNoTestsAsError=false
test_status=$?

passed=0; failed=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
done
if [ $test_status -ne 0 ] && [ $failed -eq 0 ]; then
  # a test host crashed or a project failed to run: never report that as green
  failed=1
fi

# The packages as a newcomer uses them: pack everything into a local feed from a copy of this clone under a /src/
# path, create an app from the template and run its tests, embed the host, install the tool (scripts/pack-smoke.sh).
# Each of its checks counts like a test.
echo "pack smoke test (scripts/pack-smoke.sh):"
bash scripts/pack-smoke.sh 2>&1 | tee "$results/pack-smoke.log"
smoke_status=${PIPESTATUS[0]}
smoke_line=$(tail -n 1 "$results/pack-smoke.log")
sp=$(sed -n 's/^\([0-9]*\) passed, [0-9]* failed$/\1/p' <<<"$smoke_line")
sf=$(sed -n 's/^[0-9]* passed, \([0-9]*\) failed$/\1/p' <<<"$smoke_line")
passed=$((passed + ${sp:-0}))
failed=$((failed + ${sf:-0}))
if [ $smoke_status -ne 0 ] && [ "${sf:-0}" -eq 0 ]; then
  failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ] && [ $test_status -eq 0 ] && [ $smoke_status -eq 0 ]
