#!/usr/bin/env bash
# The first scenario of a fresh xunit process, measured from PACKED packages (issue 14), with and without the
# ReadyToRun copies in them (src/ReadyToRun.targets):
#   1. packs Ncco.Runtime and Ncco.Testing three times into a local feed: 0.1.0-jit (-p:NccoReadyToRun=false, IL
#      only), 0.1.0-r2r (plain ReadyToRun copies in runtimes/<rid>/lib/, -p:NccoReadyToRunCrossModule=false) and
#      0.1.0-r2rx (as released: ReadyToRun with the framework generics our code instantiates precompiled too);
#   2. makes six copies of FirstScenario.Tests (outside the repository, no RuntimeIdentifier, framework-dependent,
#      a private packages folder): xunit v2 and v3, each against the three, and builds them;
#   3. runs `dotnet test --no-build` on each, REPS times, alternating the six, so every run is a fresh process whose
#      only test is the first scenario; the test appends its figures to a file;
#   4. prints every run and the medians (wall ms, CPU ms, methods JIT-compiled, where Ncco.Testing was loaded from).
# Usage: bash bench/first-scenario/run.sh [REPS=7] [BEFORE]. NCCO_FIRST_KEEP=1 keeps the work directory.
# Compare mode: with BEFORE (a commit, e.g. main), the three package builds of that commit (packed from a temporary
# git worktree of it, as before-jit, before-r2r, before-r2rx) are measured in the same run, their test projects
# alternated with this tree's, so before and after see the same machine load. NCCO_FIRST_BEFORE_FEED=DIR takes the
# before packages from a folder already packed that way (0.1.0-before-*) instead. NCCO_FIRST_XUNIT="v3" measures one
# xunit version only (default "v2 v3"). NCCO_FIRST_JITLIST=1 adds one more run of each project (not in the figures)
# with the JIT's own method list on (DOTNET_JitDisasmSummary) and prints what the scenario itself JIT-compiled, grouped
# (the full lists stay in the work directory as <project>.scenario-jit.txt).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/first-scenario"
reps="${1:-7}"
before="${2:-}"
xunits=(${NCCO_FIRST_XUNIT:-v2 v3})
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1
work="$(mktemp -d "${TMPDIR:-/tmp}/ncco-first.XXXXXX")"
cleanup() {
  [ -d "$work/before-src" ] && git -C "$root" worktree remove --force "$work/before-src"
  [ "${NCCO_FIRST_KEEP:-}" = 1 ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
feed="$work/feed"
prefix="$(sed -n 's|.*<VersionPrefix>\(.*\)</VersionPrefix>.*|\1|p' "$root/Directory.Build.props" | head -n 1)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# pack SOURCE_ROOT SUFFIX_PREFIX: the three builds of the two packages into $feed.
pack() {
  local variant flags project
  for variant in jit r2r r2rx; do
    case "$variant" in
      jit) flags=(-p:NccoReadyToRun=false) ;;
      r2r) flags=(-p:NccoReadyToRun=true -p:NccoReadyToRunCrossModule=false) ;;
      r2rx) flags=(-p:NccoReadyToRun=true -p:NccoReadyToRunCrossModule=true) ;;
    esac
    for project in Ncco.Runtime Ncco.Testing; do
      dotnet pack "$1/src/$project" -c Release -o "$feed" -p:VersionSuffix="$2$variant" "${flags[@]}" -nologo -v quiet
    done
  done
}
variants=(jit r2r r2rx)
pack "$root" ""
if [ -n "$before" ]; then
  variants=(before-jit jit before-r2r r2r before-r2rx r2rx)
  if [ -n "${NCCO_FIRST_BEFORE_FEED:-}" ]; then
    cp "$NCCO_FIRST_BEFORE_FEED"/Ncco.*-before-*.nupkg "$feed/"
  else
    git -C "$root" worktree add --detach "$work/before-src" "$before" >/dev/null
    pack "$work/before-src" before-
  fi
  echo "before: $(git -C "$root" rev-parse --short "$before") ($before), after: $(git -C "$root" rev-parse --short HEAD) + working tree"
fi
ls -l "$feed"

source "$root/scripts/lib/local-feed.sh"
local_feed_config "$feed" "$work/nuget.config"
export NUGET_PACKAGES="$work/packages"
projects=()
for xunit in "${xunits[@]}"; do
  for variant in "${variants[@]}"; do
    name="$xunit-$variant" dir="$work/$xunit-$variant"
    mkdir -p "$dir" && cp "$here/FirstScenario.Tests.csproj" "$here/FirstScenarioTests.cs" "$work/nuget.config" "$dir/"
    v3=false; [ "$xunit" = v3 ] && v3=true
    dotnet build "$dir" -c Release -p:NccoVersion="$prefix-$variant" -p:XunitV3="$v3" -p:IvrFlowsSource="$root/bench/Ncco.Bench/IvrFlows.cs" -nologo -v quiet
    projects+=("$name")
  done
done

loads=()
for i in $(seq 1 "$reps"); do
  for name in "${projects[@]}"; do
    NCCO_FIRST_OUT="$work/$name.txt" dotnet test "$work/$name" -c Release --no-build -nologo -v quiet >"$work/$name.log" 2>&1 \
      || { cat "$work/$name.log"; exit 1; }
  done
  loads+=("$(cut -d' ' -f1 /proc/loadavg)")
done

if [ "${NCCO_FIRST_JITLIST:-}" = 1 ]; then
  for name in "${projects[@]}"; do
    DOTNET_JitStdOutFile="$work/$name.jit.txt" DOTNET_JitDisasmSummary=1 NCCO_FIRST_OUT="$work/$name.jitrun.txt" \
      dotnet test "$work/$name" -c Release --no-build -nologo -v quiet >"$work/$name.log" 2>&1 || { cat "$work/$name.log"; exit 1; }
    # The scenario's window: from the test method's own compilation to the helper it calls after the scenario.
    sed 's/^[0-9]*: JIT compiled //' "$work/$name.jit.txt" \
      | awk '/FirstScenarioTests:First_scenario_of_the_process\(\)/ { on = 1; next } /FirstScenarioTests:Where/ { on = 0 } on' \
      >"$work/$name.scenario-jit.txt"
    echo "--- $name: $(wc -l <"$work/$name.scenario-jit.txt") methods JIT-compiled in the scenario's window, by type:"
    sed -E 's/ \[(Tier|Instrumented|FullOpts).*//; s/:[^:]*$//; s/`[0-9]+\[.*//' "$work/$name.scenario-jit.txt" | sort | uniq -c | sort -rn | head -n 25
  done
fi

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.1f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p; s/^$1=\([^ ]*\).*/\1/p" "$2"; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) at the end; 1-minute load after each round: ${loads[*]}; $reps runs each, alternated"
for name in "${projects[@]}"; do
  echo "--- $name"; cat "$work/$name.txt"
done
printf '\n| project | first scenario wall (median) | CPU (median) | methods JIT-compiled (median) | Ncco.Testing loaded from |\n| -- | --: | --: | --: | -- |\n'
for name in "${projects[@]}"; do
  f="$work/$name.txt"
  printf '| %s | %s ms | %s ms | %s | %s |\n' "$name" "$(field wall "$f" | median)" "$(field cpu "$f" | median)" \
    "$(field jit "$f" | median)" "$(field testing "$f" | sort -u | tr '\n' ' ')"
done
