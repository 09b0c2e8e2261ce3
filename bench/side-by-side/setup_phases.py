"""Per-phase setup times from a SIPp -trace_msg log: for every Call-ID the first INVITE sent and the first 100, 180 and
200 to it received, and the BYE and its 200; prints p50/p95/p99/max per phase in ms.
Usage: python3 setup_phases.py uac-setup_<pid>_messages.log
   or: python3 setup_phases.py --metrics BEFORE AFTER TARGET STEP — the host's own phases (ncco_sip_setup_duration
       buckets, "setup-<phase>_<le> count" lines as run.sh's diag() writes them) between two samples: one Markdown
       row of p50 / p95 per phase (the upper bound of the bucket holding that share); nothing when the build has none."""
import collections
import re
import sys
from datetime import datetime

PHASES = ("accept", "dispatch", "route", "vm", "webhook", "answer", "total")


def metric_phases(before, after, target, step):
    read = lambda p: {k: float(v) for k, v in (l.split() for l in open(p) if l.startswith("setup-"))}
    a, b = read(before), read(after)
    if not b:
        return
    cells = []
    for phase in PHASES:
        buckets = sorted((float(k.rsplit("_", 1)[1].replace("+Inf", "inf")), b[k] - a.get(k, 0.0))
                         for k in b if k.startswith(f"setup-{phase}_"))
        total = buckets[-1][1] if buckets else 0
        if total <= 0:
            cells.append("n/a")
            continue
        q = lambda share: next(f"≤{le:g}" if le != float("inf") else ">5000" for le, n in buckets if n >= share * total)
        cells.append(f"{q(0.5)} / {q(0.95)}")
    print(f"| {target} | {step} | " + " | ".join(cells) + " |")


if sys.argv[1] == "--metrics":
    metric_phases(*sys.argv[2:6])
    sys.exit(0)
text = open(sys.argv[1], encoding="latin-1").read()
parts = re.split(r"-{20,} (\S+ \S+)\n", text)
first = collections.defaultdict(dict)
for i in range(1, len(parts) - 1, 2):
    at = datetime.strptime(parts[i], "%Y-%m-%d %H:%M:%S.%f").timestamp()
    body = parts[i + 1]
    call = re.search(r"^Call-ID: (\S+)", body, re.M)
    cseq = re.search(r"^CSeq: \d+ (\w+)", body, re.M)
    line = next((l for l in body.split("\n") if l.startswith(("SIP/2.0 ", "INVITE ", "ACK ", "BYE "))), None)
    if not (call and cseq and line):
        continue
    kind = (line.split()[1] if line.startswith("SIP/2.0") else line.split()[0]) + "/" + cseq.group(1)
    first[call.group(1)].setdefault(kind, at)
phases = collections.defaultdict(list)
for e in first.values():
    for start, end in (("INVITE/INVITE", "100/INVITE"), ("INVITE/INVITE", "180/INVITE"), ("INVITE/INVITE", "200/INVITE"),
                       ("180/INVITE", "200/INVITE"), ("BYE/BYE", "200/BYE")):
        if start in e and end in e:
            phases[f"{start.split('/')[0]} -> {end.split('/')[0]} ({end.split('/')[1]})"].append((e[end] - e[start]) * 1000)
for name, v in phases.items():
    v.sort()
    q = lambda p: v[min(len(v) - 1, int(p * len(v)))]
    print(f"{name:24s} n={len(v):5d}  p50 {q(.5):8.1f}  p95 {q(.95):8.1f}  p99 {q(.99):8.1f}  max {v[-1]:8.1f} ms")
