#!/usr/bin/env bash
# Where a running .NET process's resident memory is (issue 16): one Markdown table splitting VmRSS by what holds it,
# read without stopping or perturbing the process (a core dump would read every mapped file in and inflate RSS):
#   * the GC's own figures (dotnet-counters, System.Runtime): heap after the last GC, its fragmentation, committed bytes;
#   * /proc/PID/smaps, each mapping's resident bytes classified:
#       GC heap            anonymous mappings inside the GC's reservation (one run of adjacent mappings ≥ 16 GB)
#       thread stacks      the mapping each thread's stack pointer is in (/proc/PID/task/*/syscall)
#       glibc arenas       [heap] (the main arena) and 64 MB-aligned anonymous runs of 64 MB (per-thread arenas:
#                          pocketsphinx, espeak-ng, sqlite, the runtime's own native allocations)
#       JIT code/stubs     the runtime's double-mapped executable memory (/memfd:doublemapper)
#       other anonymous    large native mmaps (malloc's ≥ mmap-threshold blocks, e.g. pocketsphinx model arrays) and
#                          the runtime's loader heaps
#       files              mapped images and data, per file for the native engines, summed for the rest
# Usage: bench/soak/breakdown.sh PID [LABEL]    (dotnet-counters on PATH or in $TOOLS; without it the GC rows are 0)
set -euo pipefail
pid=$1; label=${2:-}
tools=${TOOLS:-}
tmp=$(mktemp -d /tmp/ncco-breakdown-XXXXXX); trap 'rm -rf "$tmp"' EXIT

cat "/proc/$pid/smaps" >"$tmp/smaps"
for t in /proc/"$pid"/task/*; do awk '{print $(NF-1)}' "$t/syscall" 2>/dev/null || true; done >"$tmp/sps"
rss_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
threads=$(awk '/^Threads/ {print $2}' "/proc/$pid/status")
counters=${tools:+$tools/}dotnet-counters
"$counters" collect -p "$pid" --counters System.Runtime --format csv -o "$tmp/c.csv" --duration 00:00:03 >/dev/null 2>&1 || : >"$tmp/c.csv"

python3 - "$tmp" "$rss_kb" "$threads" "$label" <<'PY'
import sys, re
tmp, rss_kb, threads, label = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
maps = []  # [start, end, perms, path, rss_kb]
for line in open(f"{tmp}/smaps"):
    m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$", line)
    if m:
        maps.append([int(m.group(1), 16), int(m.group(2), 16), m.group(3), m.group(4).strip(), 0])
    elif line.startswith("Rss:"):
        maps[-1][4] = int(line.split()[1])
sps = set()
for s in open(f"{tmp}/sps"):
    s = s.strip()
    if s.startswith("0x"):
        sps.add(int(s, 16))
# Runs of adjacent anonymous mappings.
runs, cur = [], []
for mp in maps:
    if mp[3] == "" and cur and cur[-1][1] == mp[0]:
        cur.append(mp)
    else:
        if cur: runs.append(cur)
        cur = [mp] if mp[3] == "" else []
        if mp[3] != "": runs.append([mp])
if cur: runs.append(cur)
parts = {}
def add(k, kb): parts[k] = parts.get(k, 0) + kb
ARENA = 64 << 20
# A glibc thread arena is a 64 MB-aligned, 64 MB reservation (read-write part first, the rest ---p).
starts = {mp[0] for mp in maps if mp[3] == ""}
ends = {mp[1] for mp in maps if mp[3] == ""}
def in_arena(mp):
    base = mp[0] - (mp[0] % ARENA)
    return base in starts and base + ARENA in ends and mp[1] <= base + ARENA
for run in runs:
    start, end = run[0][0], run[-1][1]
    path = run[0][3]
    if path:
        mp = run[0]
        name = path.rsplit("/", 1)[-1]
        if path == "[heap]": add("native: glibc main arena ([heap])", mp[4])
        elif path.startswith("[stack"): add("thread stacks", mp[4])
        elif "doublemapper" in path: add("JIT code and stubs (doublemapper)", mp[4])
        elif path.startswith("["): add("other kernel mappings", mp[4])
        else:
            key = next((k for k in ("pocketsphinx", "sphinxbase", "espeak", "sqlite", "coreclr", "clrjit", "opus") if k in name.lower()), None)
            add("files: " + (name if key else "other images and data (DLLs, ICU, libc…)"), mp[4])
        continue
    for mp in run:
        if any(mp[0] <= sp < mp[1] for sp in sps):
            add("thread stacks", mp[4])
        elif in_arena(mp):
            add("native: glibc thread arenas", mp[4])
        elif end - start >= 16 << 30:
            add("GC heap (committed, resident)", mp[4])
        else:
            add("other anonymous (large native mmaps, loader heaps)", mp[4])
gc = {"heap": 0, "frag": 0, "committed": 0}
try:
    rows = [l.rstrip("\n").split(",") for l in open(f"{tmp}/c.csv")][1:]
    last = {}
    for r in rows:
        last[r[2]] = float(r[-1])
    gc["heap"] = sum(v for k, v in last.items() if k.startswith("dotnet.gc.last_collection.heap.size"))
    gc["frag"] = sum(v for k, v in last.items() if k.startswith("dotnet.gc.last_collection.heap.fragmentation.size"))
    gc["committed"] = sum(v for k, v in last.items() if k.startswith("dotnet.gc.last_collection.memory.committed_size"))
except (OSError, ValueError, IndexError):
    pass
mb = lambda kb: f"{kb / 1024:.0f}"
total = sum(parts.values())
print(f"\n#### {label}: RSS {mb(rss_kb)} MB, {threads} threads\n")
print("| part | resident MB |")
print("| -- | --: |")
for k, kb in sorted(parts.items(), key=lambda x: -x[1]):
    if kb >= 512: print(f"| {k} | {mb(kb)} |")
print(f"| (sum of mappings) | {mb(total)} |")
print(f"| GC: heap after the last GC (live + fragmentation) | {gc['heap'] / 2**20:.0f} |")
print(f"| GC: of which fragmentation | {gc['frag'] / 2**20:.0f} |")
print(f"| GC: committed | {gc['committed'] / 2**20:.0f} |")
PY
