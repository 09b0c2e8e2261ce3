#!/usr/bin/env bash
# Memory per concurrent speech-input call (issue 16), two builds side by side in one run: for each N (NS) and each kind
# of speech input (KINDS), the real host (a fresh process per step) warms up with one call that loads no speech decoder,
# then takes N WebSocket calls at once that each play a sentence and listen for speech (the host's echo bot sends the
# sentence back, so pocketsphinx decodes real speech). RSS before (warm, idle), peak, after (every call ended + SETTLE s),
# late (SETTLE + LATE s, past the decoders' idle timeout, Ncco:Media:SpeechDecoderIdleSeconds, 30 s by default) and, per
# concurrent speech call, (peak − before) / N — the decoders' memory included — and what stays after and late.
# Each step is bench/soak/run.sh (ROUNDS=1, WebSocket calls only, WARMUP=dtmf); the builds alternate within each N, so
# both see the same machine load.
# Usage: BEFORE_DLL=<other build>/Ncco.Cli.dll bench/asr/run.sh      (AFTER_DLL defaults to this tree's Release build)
#   NS="10 20 40"  KINDS="hints dictation"  (hints: the demo application's input, context echo/time/goodbye;
#   dictation: the same input without hints; nospeech: the same calls with a DTMF-only input, no recogniser — what N
#   calls cost without speech, to subtract)  SETTLE=10  LATE=40 (0: no late sample)  HOST_ARGS="…" (extra host
#   settings for both builds)
# Needs what bench/soak/run.sh needs. Loopback only; every step bounded (calls, 120 s idle wait).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
NS=${NS:-10 20 40}
KINDS=${KINDS:-hints dictation}
AFTER_DLL=${AFTER_DLL:-$PWD/src/Ncco.Cli/bin/Release/net10.0/Ncco.Cli.dll}
BEFORE_DLL=${BEFORE_DLL:-}
builds=("after|$AFTER_DLL")
[[ -n $BEFORE_DLL ]] && builds=("before|$BEFORE_DLL" "${builds[@]}")
for b in "${builds[@]}"; do [[ -f ${b#*|} ]] || { echo "no build at ${b#*|} (dotnet build src/Ncco.Cli -c Release)"; exit 2; }; done
rows=()
for kind in $KINDS; do
  nccokind=$kind; [[ $kind == dictation ]] && nccokind=speech; [[ $kind == nospeech ]] && nccokind=dtmf
  for n in $NS; do
    for b in "${builds[@]}"; do
      label=${b%%|*}; dll=${b#*|}
      echo "== $kind, $n concurrent speech calls, $label ($dll)"
      out=$(CLI_DLL=$dll BUILD=0 ROUNDS=1 WS_CALLS=$n SIP_CALLS=0 WARMUP=dtmf NCCO_KIND=$nccokind SETTLE=${SETTLE:-10} LATE=${LATE:-40} \
        HTTP_PORT=${HTTP_PORT:-29280} SIP_PORT=${SIP_PORT:-29260} HOOK_PORT=${HOOK_PORT:-29290} SIPP_PORT=${SIPP_PORT:-29270} \
        bash bench/soak/run.sh 2>&1)
      summary=$(grep '^summary:' <<<"$out")
      if [[ -z $summary ]]; then echo "$out" | tail -20; rows+=("| $kind | $n | $label | failed | | | | | | |"); continue; fi
      eval "${summary#summary: }"
      # shellcheck disable=SC2154
      rows+=("$(awk -v k="$kind" -v n="$n" -v l="$label" -v b="$before_kb" -v p="$peak_kb" -v a="$after_kb" -v z="$late_kb" -v tb="$threads_before" -v ta="$threads_after" -v tz="$threads_late" \
        'BEGIN {printf "| %s | %d | %s | %.0f | %.0f | %.0f | %.0f | **%.1f** | %.1f | **%.1f** | %d → %d → %d |", k, n, l, b/1024, p/1024, a/1024, z/1024, (p-b)/1024/n, (a-b)/1024, (z-b)/1024, tb, ta, tz}')")
      grep -E '^host log|calls still active|^ncco_speech' <<<"$out" | sed 's/^/   /'
    done
  done
done
echo
echo "| input | N | build | RSS before MB | peak MB | after MB | late MB | per concurrent speech call MB | kept after MB | kept late MB | threads before → after → late |"
echo "| -- | --: | -- | --: | --: | --: | --: | --: | --: | --: | -- |"
printf '%s\n' "${rows[@]}"
