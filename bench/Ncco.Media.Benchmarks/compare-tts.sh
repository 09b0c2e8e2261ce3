#!/usr/bin/env bash
# Time to first audio of this tree's TTS engine side by side with an earlier commit's: the same bench source
# (TtsFirstAudio.cs, Program.cs) is built against both engines, and the two builds run alternately, so load from
# other work on a shared machine falls on both alike.
# Usage: bash bench/Ncco.Media.Benchmarks/compare-tts.sh <base commit> [rounds]
set -euo pipefail
base=${1:?usage: compare-tts.sh <base commit> [rounds]}
rounds=${2:-3}
root=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$root" archive "$base" | tar -x -C "$work"
cp "$root/bench/Ncco.Media.Benchmarks/TtsFirstAudio.cs" "$root/bench/Ncco.Media.Benchmarks/Program.cs" "$work/bench/Ncco.Media.Benchmarks/"
dotnet build "$work/bench/Ncco.Media.Benchmarks" -c Release -nologo -v quiet >/dev/null
dotnet build "$root/bench/Ncco.Media.Benchmarks" -c Release -nologo -v quiet >/dev/null
for round in $(seq "$rounds"); do
  echo "== round $round: baseline ($base)"
  dotnet "$work/bench/Ncco.Media.Benchmarks/bin/Release/net10.0/Ncco.Media.Benchmarks.dll" tts-first
  echo "== round $round: this tree"
  dotnet "$root/bench/Ncco.Media.Benchmarks/bin/Release/net10.0/Ncco.Media.Benchmarks.dll" tts-first
done
