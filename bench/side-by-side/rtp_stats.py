#!/usr/bin/env python3
"""Timing of the RTP a server sent, from a tcpdump capture on the loopback interface.

Usage: rtp_stats.py CAPTURE.pcap [--json]

The capture holds the server's packets towards SIPp (the caller filters by port). Packets are grouped into streams by
(source port, destination port, SSRC); RTCP (payload types 72-76 after the marker bit) is skipped. The capture time on
`lo` is the moment the server's sendto() handed the packet to the kernel, so these figures measure the server's own
pacing, not a network.

For each packet after the first of its stream, with a, t the capture time and RTP timestamp (8 kHz) of it and of the
previous packet of the stream:
  D      = (a_i - a_{i-1}) - (t_i - t_{i-1}) / 8000     the deviation from the cadence the sender itself announced
                                                          (RFC 3550's D(i-1, i); 0 for a perfectly paced stream)
  gap    = a_i - a_{i-1}                                  wall-clock time between two packets of one stream
Printed: packets, streams, |D| p50/p95/p99/max (ms), the share of packets with |D| > 10 ms ("off cadence"), the largest
gap (ms), the number of gaps over 40 ms, and "stalls": 100 ms windows in which at least a quarter of the streams then
active (and at least 20) had a gap over 40 ms end — a pause of the whole sender rather than of one call.
Pairs whose timestamps go backwards or jump by more than 10 s (a new talkspurt clock, a restarted prompt) are skipped.
"""
import json
import struct
import sys
from collections import defaultdict

RATE = 8000.0


def packets(path):
    with open(path, "rb") as f:
        header = f.read(24)
        magic = struct.unpack("<I", header[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            endian = "<"
        else:
            endian = ">"
            magic = struct.unpack(">I", header[:4])[0]
        nanos = magic == 0xA1B23C4D
        linktype = struct.unpack(endian + "I", header[20:24])[0]
        link = {1: 14, 113: 16, 276: 20, 0: 4, 101: 0}.get(linktype)
        if link is None:
            raise SystemExit(f"unsupported link type {linktype}")
        record = struct.Struct(endian + "IIII")
        while True:
            rh = f.read(16)
            if len(rh) < 16:
                return
            sec, frac, incl, _ = record.unpack(rh)
            data = f.read(incl)
            t = sec + frac / (1e9 if nanos else 1e6)
            ip = data[link:]
            if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
                continue
            ihl = (ip[0] & 15) * 4
            udp = ip[ihl:]
            if len(udp) < 8 + 12:
                continue
            sport, dport = struct.unpack(">HH", udp[:4])
            rtp = udp[8:]
            if rtp[0] >> 6 != 2:
                continue
            pt = rtp[1] & 0x7F
            if 72 <= pt <= 76:
                continue  # RTCP on the same ports (rtcp-mux) or a stray report
            seq, ts, ssrc = struct.unpack(">HII", rtp[2:12])
            yield t, sport, dport, ssrc, seq, ts


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * (len(sorted_values) - 1)))))
    return sorted_values[k]


def analyse(path):
    last = {}
    deviations = []
    largest_gap = 0.0
    gaps_over_40 = 0
    gap_ends = defaultdict(set)        # 100 ms window -> streams whose > 40 ms gap ended in it
    active = defaultdict(set)          # 1 s window -> streams that sent in it
    count = 0
    first_t = None
    for t, sport, dport, ssrc, seq, ts in packets(path):
        count += 1
        if first_t is None:
            first_t = t
        key = (sport, dport, ssrc)
        active[int(t)].add(key)
        previous = last.get(key)
        last[key] = (t, ts)
        if previous is None:
            continue
        pt, pts = previous
        gap = t - pt
        dts = (ts - pts) & 0xFFFFFFFF
        if gap > largest_gap:
            largest_gap = gap
        if gap > 0.040:
            gaps_over_40 += 1
            gap_ends[int(t * 10)].add(key)
        if dts == 0 or dts > 10 * RATE:
            continue
        deviations.append(abs(gap - dts / RATE))
    deviations.sort()
    off = sum(1 for d in deviations if d > 0.010)
    stalls = 0
    for window, streams in gap_ends.items():
        up = len(active.get(window // 10, ()))
        if len(streams) >= 20 and len(streams) * 4 >= up:
            stalls += 1
    return {
        "packets": count,
        "streams": len(last),
        "jitter_p50_ms": percentile(deviations, 50) * 1000,
        "jitter_p95_ms": percentile(deviations, 95) * 1000,
        "jitter_p99_ms": percentile(deviations, 99) * 1000,
        "jitter_max_ms": (deviations[-1] if deviations else 0.0) * 1000,
        "off_cadence_pct": 100.0 * off / len(deviations) if deviations else 0.0,
        "largest_gap_ms": largest_gap * 1000,
        "gaps_over_40ms": gaps_over_40,
        "stalls": stalls,
    }


if __name__ == "__main__":
    result = analyse(sys.argv[1])
    if "--json" in sys.argv:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k}: {v:.3f}" if isinstance(v, float) else f"{k}: {v}")
