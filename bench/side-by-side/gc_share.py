#!/usr/bin/env python3
"""How much of a setup step's answer time the collector's pauses can explain.

Usage: gc_share.py GCLOG START END SETUP_MS   (GCLOG: the GcEvents hook's log; START/END: Unix seconds of the step,
e.g. the mtimes of run.sh's <target>-<step>.diag0 / .diag1 with KEEP=1; SETUP_MS: a call's INVITE→200 without pauses,
e.g. the step's answer p50)
A call placed at t is held up by every pause that overlaps its setup (every managed thread stops: the SIP receive
thread, the pool, the VM); an INVITE read during a pause waits for its end. With calls placed at an even rate over the
window, prints the share of calls a pause held up, by how much, and the p95 of that added time alone: what the step's
answer p95 would keep if everything else took SETUP_MS.
"""
import sys
from datetime import datetime

log, start, end, setup = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]) / 1000
pauses = []
for line in open(log):
    f = line.rstrip("\n").split("\t")
    if line.startswith("#") or f[0] == "time" or len(f) < 9:
        continue
    t = datetime.fromisoformat(f[0].replace("Z", "+00:00")).timestamp()  # the restart: the pause ends here
    p = float(f[7] or 0) / 1000
    if start - 1 <= t <= end + 1 and p > 0:
        pauses.append((t - p, t))
pauses.sort()


def delay(t):
    """How much later a call placed at t gets its 200: an INVITE read during a pause waits for its end, and a pause
    that starts while the call is being set up stops that work for its whole length."""
    cur, left = t, setup
    for a, b in pauses:
        if b <= cur:
            continue
        if a <= cur:
            cur = b
            continue
        if a >= cur + left:
            break
        left -= a - cur
        cur = b
    return cur + left - (t + setup)


steps = 20000
absorbed = [d * 1000 for d in (delay(start + (end - start) * i / steps) for i in range(steps)) if d > 0]
absorbed_all = sorted(absorbed + [0.0] * (steps - len(absorbed)))
print(f"pauses {len(pauses)}, total {sum(b - a for a, b in pauses) * 1000:.0f} ms, longest {max((b - a for a, b in pauses), default=0) * 1000:.0f} ms; "
      f"calls held up by a pause {100 * len(absorbed) / steps:.1f} %"
      + (f" by {sum(absorbed) / len(absorbed):.0f} ms on average (largest {max(absorbed):.0f} ms)" if absorbed else "")
      + f"; pause time alone at p95: {absorbed_all[int(0.95 * steps)]:.0f} ms")
