#!/usr/bin/env bash
# Kernel-timed RTP sending (Ncco.Rtp PacedSender) against the direct send, with the media thread paused by real GCs.
# Each mode runs the same program (Program.cs) for DURATION seconds with STREAMS streams; tcpdump captures the packets on lo
# and bench/side-by-side/rtp_stats.py measures them (jitter |D|, largest gap, off cadence).
#   MODES="direct paced:40 paced:100"  ROUNDS=1  STREAMS=200  DURATION=20  SURVIVORS=3000000  bash bench/paced-send/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
MODES=${MODES:-"direct paced:40 paced:100"}
ROUNDS=${ROUNDS:-1}
STREAMS=${STREAMS:-200}
# Not SECONDS: bash keeps its own counter there (seconds since the shell started), so its default was never used.
SECONDS_PER_RUN=${DURATION:-20}
SURVIVORS=${SURVIVORS:-3000000}
SINK_PORT=${SINK_PORT:-57000}
RTP_FIRST=${RTP_FIRST:-57100}
out=${OUT:-$(mktemp -d /tmp/paced-send.XXXXXX)}
bin=${BIN:-$out/bin}
[[ -x $bin/Ncco.PacedSendBench ]] || dotnet build "$here/PacedSendBench.csproj" -c Release -o "$bin" -v q -nologo >"$out/build.log"
echo "| round | mode | lead ms | packets | jitter p50 ms | jitter p95 ms | jitter max ms | largest gap ms | off cadence % | gaps >40 ms | GCs | GC pause ms | late ticks | load avg |"
echo "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
for round in $(seq "$ROUNDS"); do
  for m in $MODES; do
    mode=${m%%:*}; lead=0; [[ $m == *:* ]] && lead=${m#*:}
    pcap="$out/r$round-$mode-$lead.pcap"
    tcpdump -i lo -s 64 -B 16384 -w "$pcap" "udp and dst port $SINK_PORT" >"$out/tcpdump.log" 2>&1 & dump=$!
    sleep 1
    load=$(cut -d' ' -f1 /proc/loadavg)
    line=$(DOTNET_gcServer=1 "$bin/Ncco.PacedSendBench" "$mode" "$lead" "$STREAMS" "$SECONDS_PER_RUN" "$SINK_PORT" "$RTP_FIRST" "$SURVIVORS")
    sleep 1; kill "$dump"; wait "$dump" 2>/dev/null || true
    python3 "$root/bench/side-by-side/rtp_stats.py" "$pcap" --json >"$out/r$round-$mode-$lead.json"
    python3 - "$out/r$round-$mode-$lead.json" "$line" "$round" "$mode" "$lead" "$load" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); kv = dict(p.split("=") for p in sys.argv[2].split())
print(f"| {sys.argv[3]} | {sys.argv[4]} | {sys.argv[5]} | {s['packets']} | {s['jitter_p50_ms']:.2f} | {s['jitter_p95_ms']:.2f} | {s['jitter_max_ms']:.1f} | {s['largest_gap_ms']:.1f} | {s['off_cadence_pct']:.3f} | {s['gaps_over_40ms']} | {kv['gcs']} | {kv['gc_pause_ms']} | {kv['late_ticks']} | {sys.argv[6]} |")
PY
    rm -f "$pcap"
  done
done
