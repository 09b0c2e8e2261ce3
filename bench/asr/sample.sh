#!/usr/bin/env bash
# Samples a running host's memory map for bench/asr (issue 16): started in the background (e.g. from bench/soak/run.sh's
# AFTER_ROUND at ROUND=0, so after the warm-up), it copies /proc/PID/smaps and each thread's stack pointer
#   start  at once (the warm, idle host: "before"),
#   peak   whenever VmRSS is the highest seen so far,
#   last   every second until the process ends (so: the calls ended + SETTLE s, "after"),
# into OUT, then prints bench/asr/smaps.py's side-by-side breakdown of the three. Reads /proc only: it does not stop or
# perturb the process. Bounded: gives up after MAX_SECONDS (600).
# Usage: bench/asr/sample.sh PID OUT_DIR &
set -uo pipefail
pid=$1; out=$2; max=${MAX_SECONDS:-600}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$out"
snap() {  # snap NAME: smaps + the threads' stack pointers, taken together
  cat "/proc/$pid/smaps" >"$out/$1.smaps.tmp" 2>/dev/null || return 1
  for t in /proc/"$pid"/task/*; do awk '{print $(NF-1)}' "$t/syscall" 2>/dev/null; done >"$out/$1.sps.tmp"
  mv "$out/$1.smaps.tmp" "$out/$1.smaps"; mv "$out/$1.sps.tmp" "$out/$1.sps"
}
snap start || exit 0
peak=0
end=$((SECONDS + max))
while kill -0 "$pid" 2>/dev/null && ((SECONDS < end)); do
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null) || break
  [[ -n $rss ]] || break
  if ((rss > peak)); then peak=$rss; snap peak; cp "$out/peak.smaps" "$out/last.smaps" 2>/dev/null; cp "$out/peak.sps" "$out/last.sps" 2>/dev/null
  else snap last; fi
  sleep 0.5
done
python3 "$here/smaps.py" "$out/start" "$out/peak" "$out/last" >"$out/breakdown.md" 2>&1
