#!/usr/bin/env bash
# Runs the parse + validate benchmarks of this working tree side by side with those of an earlier commit, in one
# BenchmarkDotNet run and table (ratios against the earlier build), so a noisy shared machine still compares fairly.
# Usage: bash bench/Ncco.Runtime.Benchmarks/compare.sh <base commit> [BenchmarkDotNet arguments]
#        bash bench/Ncco.Runtime.Benchmarks/compare.sh <base commit> profile [iterations]   (Stopwatch stages, interleaved)
set -euo pipefail
base=${1:?usage: compare.sh <base commit> [BenchmarkDotNet arguments]}
shift
root=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$root" archive "$base" | tar -x -C "$work"
# The earlier Ncco.Runtime under another assembly name, so both load in one process.
sed -i 's|<RootNamespace>Ncco</RootNamespace>|&<AssemblyName>Ncco.Runtime.Baseline</AssemblyName>|' "$work/src/Ncco.Runtime/Ncco.Runtime.csproj"
dotnet build "$work/src/Ncco.Runtime/Ncco.Runtime.csproj" -c Release -nologo -v quiet
export NCCO_BASELINE_RUNTIME="$work/src/Ncco.Runtime/bin/Release/net10.0/Ncco.Runtime.Baseline.dll"
# In process: BenchmarkDotNet's own rebuild of the project times out on a loaded 2-core machine.
if [ "${1:-}" = profile ]; then
    dotnet run -c Release --project "$root/bench/Ncco.Runtime.Benchmarks" -- "$@"
else
    dotnet run -c Release --project "$root/bench/Ncco.Runtime.Benchmarks" -- --filter '*' --inProcess "$@"
fi
