#!/usr/bin/env python3
"""Side-by-side breakdown of saved /proc/PID/smaps snapshots (bench/asr/sample.sh): resident MB per kind of mapping.

Usage: smaps.py PREFIX [PREFIX ...]   (each PREFIX.smaps + PREFIX.sps, the threads' stack pointers)
Kinds: the GC heap (anonymous mappings inside a reservation run of >= 16 GB), thread stacks (the mapping a thread's stack
pointer is in), glibc thread arenas (64 MB-aligned 64 MB reservations), the main arena [heap], JIT code (the runtime's
double-mapped memory), other anonymous mappings split by size (>= 1 MB: malloc's mmapped blocks — pocketsphinx's model
arrays — and runtime reservations; < 1 MB: loader heaps, small mmaps), and files (the native engines' libraries and the
model's files named, the rest summed).
"""
import os, re, sys

ARENA = 64 << 20


def load(prefix):
    maps = []  # [start, end, perms, path, rss_kb, anon_kb]
    for line in open(prefix + ".smaps"):
        m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$", line)
        if m:
            maps.append([int(m.group(1), 16), int(m.group(2), 16), m.group(3), m.group(4).strip(), 0, 0])
        elif line.startswith("Rss:"):
            maps[-1][4] = int(line.split()[1])
        elif line.startswith("Anonymous:"):
            maps[-1][5] = int(line.split()[1])
    sps = set()
    if os.path.exists(prefix + ".sps"):
        for s in open(prefix + ".sps"):
            s = s.strip()
            if s.startswith("0x"):
                sps.add(int(s, 16))
    return maps, sps


def classify(maps, sps):
    parts = {}

    def add(k, kb):
        parts[k] = parts.get(k, 0) + kb

    anon = [mp for mp in maps if mp[3] == ""]
    starts = {mp[0] for mp in anon}
    ends = {mp[1] for mp in anon}
    # Runs of adjacent anonymous mappings (the GC's reservation is one huge run).
    run_span = {}
    i = 0
    while i < len(maps):
        if maps[i][3] != "":
            i += 1
            continue
        j = i
        while j + 1 < len(maps) and maps[j + 1][3] == "" and maps[j + 1][0] == maps[j][1]:
            j += 1
        for k in range(i, j + 1):
            run_span[id(maps[k])] = maps[j][1] - maps[i][0]
        i = j + 1
    for mp in maps:
        start, end, perms, path, rss, anon_kb = mp
        if path:
            name = path.rsplit("/", 1)[-1]
            if path == "[heap]":
                add("native: glibc main arena [heap]", rss)
            elif path.startswith("[stack"):
                add("thread stacks", rss)
            elif "doublemapper" in path:
                add("JIT code and stubs (doublemapper)", rss)
            elif path.startswith("["):
                add("other kernel mappings", rss)
            elif "/pocketsphinx/model/" in path:
                add("files: pocketsphinx model " + name, rss)
            else:
                key = next((k for k in ("pocketsphinx", "sphinxbase", "espeak", "sqlite", "coreclr", "clrjit", "icudt", "System.Private.CoreLib") if k.lower() in name.lower()), None)
                add("files: " + (name if key else "other images and data"), rss)
                if anon_kb:
                    add("  (of files: private copy-on-write, anonymous)", anon_kb)
            continue
        if any(start <= sp < end for sp in sps):
            add("thread stacks", rss)
            continue
        base = start - start % ARENA
        if base in starts and base + ARENA in ends and end <= base + ARENA:
            add("native: glibc thread arenas", rss)
        elif run_span.get(id(mp), 0) >= 16 << 30:
            add("GC heap (resident)", rss)
        elif end - start >= 1 << 20:
            add("other anonymous, mappings >= 1 MB (malloc'd large blocks, runtime)", rss)
        else:
            add("other anonymous, mappings < 1 MB (loader heaps, small mmaps)", rss)
    return parts


def main():
    prefixes = sys.argv[1:]
    cols = []
    for p in prefixes:
        if not os.path.exists(p + ".smaps"):
            cols.append(None)
            continue
        maps, sps = load(p)
        parts = classify(maps, sps)
        parts["(RSS: sum of mappings)"] = sum(mp[4] for mp in maps)
        parts["(of which anonymous)"] = sum(mp[5] for mp in maps)
        cols.append(parts)
    keys = set()
    for c in cols:
        if c:
            keys |= set(c)
    order = sorted(keys, key=lambda k: (k.startswith("("), -max((c or {}).get(k, 0) for c in cols)))
    names = [os.path.basename(p) for p in prefixes]
    delta = len(cols) >= 2
    print("| part | " + " | ".join(f"{n} MB" for n in names) + (" | peak − start MB | last − start MB |" if delta else " |"))
    print("| -- |" + " --: |" * (len(names) + (2 if delta else 0)))
    for k in order:
        vals = [(c or {}).get(k, 0) for c in cols]
        if max(vals) < 300:
            continue
        row = f"| {k} | " + " | ".join(f"{v / 1024:.1f}" for v in vals)
        if delta:
            row += " | " + " | ".join(f"{(v - vals[0]) / 1024:+.1f}" for v in vals[1:3])
        print(row + " |")


if __name__ == "__main__":
    main()
