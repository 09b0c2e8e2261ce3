#!/usr/bin/env python3
"""Summarises the GcEvents startup hook's log (one line per collection) over a bench step's window.

Usage: gc_events.py LOG START END [--json] [--gc-cpu-ms N]   (START/END: Unix seconds, the step's wall-clock window;
N: CPU ms the collector's threads used in the window, measured by run.sh, carried into the output)
Per step: collections by generation and kind, pauses (total, longest, p95, mean suspension = time to stop every
managed thread), the collector's own time, bytes promoted out of gen0 / gen1, bytes marked through the card table
(older generations pointing at younger objects), pinned objects, heap count (DATAS), induced collections, and
runtime suspensions that were not for a collection.
"""
import json
import sys
from datetime import datetime

REASONS = {0: "alloc", 1: "induced", 2: "low-memory", 3: "empty", 4: "alloc-loh", 5: "oos-soh", 6: "oos-loh",
           7: "induced-not-forced", 8: "internal", 9: "induced-low-memory", 10: "induced-compacting",
           11: "low-memory-host", 12: "pm-full", 13: "low-memory-host-blocking", 14: "bgc-tuning-soh",
           15: "bgc-tuning-loh", 16: "bgc-stepping", 17: "induced-aggressive"}
KINDS = {0: "blocking", 1: "background", 2: "foreground"}


def main():
    log, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    header, gcs, other = "", [], []
    for line in open(log):
        if line.startswith("#"):
            if not line.startswith("# collector:"):
                header = line[1:].strip()
            continue
        f = line.rstrip("\n").split("\t")
        if f[0] == "time" or len(f) < 9:
            continue
        t = datetime.fromisoformat(f[0].replace("Z", "+00:00")).timestamp()
        if not start <= t <= end:
            continue
        (gcs if f[1] != "-" else other).append(f)
    num = lambda v: float(v) if v not in ("", None) else 0.0
    pauses = sorted(num(g[7]) for g in gcs) + sorted(num(o[7]) for o in other if o[5] in ("1", "6"))
    pauses.sort()
    by_gen = [sum(1 for g in gcs if g[2] == str(n)) for n in range(3)]
    r = {
        "config": header,
        "gcs": "/".join(map(str, by_gen)),
        # A background gen2 starts inside an ephemeral collection's pause (logged as that one) and ends with a pause of
        # its own, suspended "for GC prep" (reason 6): count those.
        "background": sum(1 for o in other if o[5] == "6"),
        "induced": sum(1 for g in gcs if int(g[4]) in (1, 7, 9, 10, 17)),
        "reasons": sorted({REASONS.get(int(g[4]), g[4]) for g in gcs}),
        "pause_total_ms": round(sum(pauses), 1),
        "pause_max_ms": round(pauses[-1], 1) if pauses else 0,
        "pause_p95_ms": round(pauses[min(len(pauses) - 1, int(0.95 * len(pauses)))], 1) if pauses else 0,
        "pauses": len(pauses),
        "suspend_mean_ms": round(sum(num(g[6]) for g in gcs) / len(gcs), 2) if gcs else 0,
        "suspend_max_ms": round(max((num(g[6]) for g in gcs), default=0), 2),
        "promoted0_mb": round(sum(num(g[9]) for g in gcs) / 2**20, 1),
        "promoted1_mb": round(sum(num(g[10]) for g in gcs if g[2] in ("1", "2")) / 2**20, 1),
        "marked_older_mb": round(sum(num(g[22]) for g in gcs) / 2**20, 1),
        "marked_stack_mb": round(sum(num(g[19]) for g in gcs) / 2**20, 1),
        "marked_handles_mb": round(sum(num(g[21]) for g in gcs) / 2**20, 1),
        "pinned_max": int(max((num(g[16]) for g in gcs), default=0)),
        "heaps": "/".join(sorted({g[17] for g in gcs if g[17]})) or "?",
        "gen0_mb_after_max": round(max((num(g[11]) for g in gcs), default=0) / 2**20, 1),
        "gen2_mb_after_max": round(max((num(g[13]) for g in gcs), default=0) / 2**20, 1),
        "other_suspensions": sum(1 for o in other if o[5] not in ("1", "6")),
        "other_suspension_ms": round(sum(num(o[7]) for o in other if o[5] not in ("1", "6")), 1),
    }
    if "--gc-cpu-ms" in sys.argv:
        r["gc_cpu_ms"] = int(sys.argv[sys.argv.index("--gc-cpu-ms") + 1])
    if "--json" in sys.argv:
        print(json.dumps(r))
    else:
        for k, v in r.items():
            print(f"{k}: {v}")


if __name__ == "__main__":
    main()
