#!/usr/bin/env python3
"""One line from a SIPp -trace_stat CSV: calls created, successful, failed, retransmissions, peak concurrent calls and
the cumulative mean response times (1: INVITE→200, 2: BYE→200) and call length."""
import csv
import sys

try:
    rows = list(csv.reader(open(sys.argv[1]), delimiter=";"))
except FileNotFoundError:
    print("  no SIPp statistics (SIPp did not start)")
    sys.exit(0)
head, rows = rows[0], [r for r in rows[1:] if len(r) >= len(rows[0]) - 1]
if not rows:
    print("  no SIPp statistics")
    sys.exit(0)
last = dict(zip(head, rows[-1]))


def ms(value: str) -> str:
    h, m, s, us = value.split(":")
    return f"{(int(h) * 3600 + int(m) * 60 + int(s)) * 1000 + int(us) / 1000:.0f} ms"


peak = max(int(dict(zip(head, r))["CurrentCall"]) for r in rows)


def seconds(value: str) -> int:
    h, m, s = value.split(":")
    return int(h) * 3600 + int(m) * 60 + int(s)


# The placing rate: calls created over the time until the last one was created (SIPp's CallRate(C) includes the hold).
placing = next(dict(zip(head, r)) for r in rows if dict(zip(head, r))["TotalCallCreated"] == last["TotalCallCreated"])
rate = int(last["TotalCallCreated"]) / max(1, seconds(placing["ElapsedTime(C)"]))
print(f"  created {last['TotalCallCreated']}, successful {last['SuccessfulCall(C)']}, failed {last['FailedCall(C)']}, "
      f"retransmissions {last['Retransmissions(C)']}, peak concurrent {peak}, placed at ~{rate:.0f} cps; "
      f"mean INVITE→200 {ms(last['ResponseTime1(C)'])} (sd {ms(last['ResponseTime1StDev(C)'])}), "
      f"BYE→200 {ms(last['ResponseTime2(C)'])}, call length {ms(last['CallLength(C)'])}")
