#!/usr/bin/env bash
# Runs submitters.c once per MODE (see its header) and measures the packets on lo with bench/side-by-side/rtp_stats.py.
#   MODES="0 1 2 3" STREAMS=500 DURATION=8 LEAD=40 bash bench/paced-send/submitters/run.sh
# Needs gcc, tcpdump (root or CAP_NET_RAW) and CAP_SYS_NICE for modes 1 and 3. SINK_PORT moves the ports (SINK_PORT+1… are
# the senders'). Loopback only; each mode bounded by DURATION seconds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
MODES=${MODES:-"0 1 2 3"}; STREAMS=${STREAMS:-500}; SECS=${DURATION:-8}; LEAD=${LEAD:-40}; SINK_PORT=${SINK_PORT:-47000}
out=$(mktemp -d /tmp/submitters.XXXXXX)
trap 'rm -rf "$out"' EXIT
gcc -O2 -o "$out/submitters" "$here/submitters.c" -lpthread
for m in $MODES; do
  tcpdump -i lo -s 64 -B 16384 -w "$out/m$m.pcap" "udp and dst port $SINK_PORT" >/dev/null 2>&1 & dump=$!
  sleep 1; load=$(cut -d' ' -f1 /proc/loadavg)
  cpu=$("$out/submitters" "$m" "$STREAMS" "$SECS" "$LEAD" "$SINK_PORT" 2>&1 | sed -n 's/.*cpu_s=//p')
  sleep 1; kill "$dump"; wait "$dump" 2>/dev/null || true
  python3 "$root/bench/side-by-side/rtp_stats.py" "$out/m$m.pcap" --json | python3 -c "import json,sys; s=json.load(sys.stdin); print('| %s | %s | %s | %d | %.2f | %.2f | %.2f | %.1f | %.1f | %.3f | %s |' % ('$m', '$STREAMS', '$LEAD', s['packets'], s['jitter_p50_ms'], s['jitter_p95_ms'], s['jitter_p99_ms'], s['jitter_max_ms'], s['largest_gap_ms'], s['off_cadence_pct'], '$cpu s / $load'))"
  rm -f "$out/m$m.pcap"
done
