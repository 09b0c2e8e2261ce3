#!/usr/bin/env bash
# The conference mixer's cost per tick, before and after, side by side in one run: this tree's mixer and the mixer at
# BASELINE (a commit, built in a temporary git worktree with THIS tree's bench harness — MixerScale.cs, ThreadCpu.cs,
# Program.cs and the project file — so the instrument is the same and only the mixer differs). Runs alternate
# baseline/current to share the box's noise; the ratio is of thread CPU time per tick (not inflated by waiting for a core).
# Usage: [BASELINE=5afcf45] [PARTIES=10,50,100,500,1000] [ROUNDS=7] [REPEAT=2] bench/conference/mixer-compare.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
BASELINE=${BASELINE:-5afcf45}
PARTIES=${PARTIES:-10,50,100,500,1000}
ROUNDS=${ROUNDS:-7}
REPEAT=${REPEAT:-2}
source "$root/bench/lib/processes.sh" mixer-compare
git -C "$root" worktree add --detach "$work/baseline" "$BASELINE" >/dev/null 2>&1
trap 'git -C "$root" worktree remove --force "$work/baseline" 2>/dev/null || true; cleanup' EXIT
for f in MixerScale.cs ThreadCpu.cs Program.cs Ncco.Media.Benchmarks.csproj; do cp "$root/bench/Ncco.Media.Benchmarks/$f" "$work/baseline/bench/Ncco.Media.Benchmarks/"; done
for dir in "$work/baseline" "$root"; do
  dotnet build "$dir/bench/Ncco.Media.Benchmarks" -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
done
dll=bench/Ncco.Media.Benchmarks/bin/Release/net10.0/Ncco.Media.Benchmarks.dll
for r in $(seq 1 "$REPEAT"); do
  dotnet "$work/baseline/$dll" mixer-scale "$PARTIES" "$ROUNDS" | sed "s/^/before\t/" >>"$work/before.tsv"
  dotnet "$root/$dll" mixer-scale "$PARTIES" "$ROUNDS" | sed "s/^/after\t/" >>"$work/after.tsv"
done
python3 - "$work/before.tsv" "$work/after.tsv" "$BASELINE" <<'PY'
import sys, statistics
def load(path):
    rows = {}
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if f[1] == "rate": continue
        rows.setdefault((int(f[1]), int(f[2]), f[3]), []).append((float(f[4]), float(f[5]), float(f[6])))
    return rows
before, after = load(sys.argv[1]), load(sys.argv[2])
print(f"| rate | parties | talking | before ({sys.argv[3]}) CPU µs/tick | after CPU µs/tick | after/before | wall µs/tick before → after | B/tick before → after | after participants/core (mixing only) |")
print("|--:|--:|--|--:|--:|--:|--:|--:|--:|")
med = lambda rows, i: statistics.median(x[i] for x in rows)
for key in sorted(before):
    b, a = med(before[key], 1), med(after[key], 1)
    print(f"| {key[0]} | {key[1]} | {key[2]} | {b:.2f} | {a:.2f} | {a / b:.2f}× | {med(before[key], 0):.1f} → {med(after[key], 0):.1f} "
          f"| {max(x[2] for x in before[key]):.0f} → {max(x[2] for x in after[key]):.0f} | {key[1] * 20000 / a:,.0f} |")
PY
