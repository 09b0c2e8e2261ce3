#!/usr/bin/env bash
# Interop pass between `ncco serve` and a real Asterisk (chan_sip), run by hand: Asterisk is not a Debian package, so
# CI cannot run it; the CI tests that pin each finding replay Asterisk's messages (see docs/asterisk-interop.md).
#
# Asterisk is both a PBX calling Ncco (Dial(SIP/ncco/<number>)) and the trunk Ncco's `connect` dials out through
# (digest-challenged INVITEs, Ncco registered to it, qualify OPTIONS). Every scenario prints PASS/FAIL with what it saw.
#
# Usage: ASTERISK_PREFIX=/work/asterisk scripts/interop/asterisk.sh [SCENARIO...]
#   NCCO_DLL=path/Ncco.Cli.dll   use that build (default: build this tree's src/Ncco.Cli, Release)
#   KEEP=1                       keep the work directory (Asterisk's full log with `sip set debug on`, the host's log,
#                                every webhook request in app.jsonl)
#   LONG=0                       leave out the session-timer scenarios (each lasts ~100 s, past Asterisk's 90 s interval)
# Needs: Asterisk 20 built with chan_sip and the modules listed in modules.conf below (docs/asterisk-interop.md says how),
# python3, curl, sox (the prompt), espeak-ng (talk). Loopback only: Ncco on 127.0.0.1, Asterisk on 127.0.0.2, ports in
# their own block (override with NCCO_SIP_PORT, AST_SIP_PORT, HTTP_PORT, HOOK_PORT). Everything started is stopped on exit;
# nothing is written into the Asterisk install (its configuration, logs and spool are in the work directory).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
: "${ASTERISK_PREFIX:?set ASTERISK_PREFIX to the Asterisk install (sbin/asterisk, lib/asterisk/modules)}"
NCCO_SIP_PORT=${NCCO_SIP_PORT:-25660}
AST_SIP_PORT=${AST_SIP_PORT:-25670}
HTTP_PORT=${HTTP_PORT:-28680}
HOOK_PORT=${HOOK_PORT:-28690}
NCCO_RTP_FIRST=${NCCO_RTP_FIRST:-46000}
AST_RTP_FIRST=${AST_RTP_FIRST:-47000}
LONG=${LONG:-1}
AST_IP=127.0.0.2
SECRET=ncco-interop-secret
DEMO=d3e40000-0000-4000-8000-000000000001
work=$(mktemp -d /tmp/asterisk-interop.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; kill -9 "$p" 2>/dev/null || true; done
  if [[ ${KEEP:-0} == 1 ]]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
for tool in python3 curl sox; do command -v "$tool" >/dev/null || { echo "needs $tool"; exit 1; }; done
modules=$ASTERISK_PREFIX/lib/asterisk/modules
for m in chan_sip res_rtp_asterisk res_timing_timerfd pbx_config app_dial bridge_simple app_playback app_senddtmf app_verbose app_echo res_clioriginate \
         codec_alaw codec_ulaw codec_a_mu codec_g722 format_wav res_crypto res_http_websocket func_channel; do
  [[ -e $modules/$m.so ]] || { echo "Asterisk module $m.so is missing from $modules (docs/asterisk-interop.md: building it)"; exit 1; }
done

# ---- Ncco -------------------------------------------------------------------------------------------------------
if [[ -z ${NCCO_DLL:-} ]]; then
  dotnet build src/Ncco.Cli -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
  NCCO_DLL=$root/src/Ncco.Cli/bin/Release/net10.0/Ncco.Cli.dll
fi
sox -n -r 8000 -b 16 -c 1 "$work/prompt.wav" synth 1.5 sine 300-3000 synth 1.5 pinknoise vol 0.3 2>/dev/null
python3 "$root/scripts/interop/asterisk_app.py" "$HOOK_PORT" "$work/app.jsonl" "$work/prompt.wav" "http://127.0.0.1:$HOOK_PORT" \
  >"$work/app.log" 2>&1 & pids+=($!)
: >"$work/app.jsonl"
for _ in $(seq 1 40); do curl -fs -o /dev/null "http://127.0.0.1:$HOOK_PORT/prompt.wav" && break; sleep 0.25; done
curl -fs -o /dev/null "http://127.0.0.1:$HOOK_PORT/prompt.wav" || { echo "the application server did not start on $HOOK_PORT"; cat "$work/app.log"; exit 1; }
# ---- Asterisk ---------------------------------------------------------------------------------------------------
etc=$work/asterisk/etc run=$work/asterisk
mkdir -p "$etc" "$run/run" "$run/log" "$run/spool" "$run/lib" "$run/sounds"
cp "$work/prompt.wav" "$run/sounds/prompt.wav"
cat >"$etc/asterisk.conf" <<EOF
[directories]
astetcdir => $etc
astmoddir => $modules
astvarlibdir => $run/lib
astdbdir => $run/lib
astkeydir => $run/lib
astdatadir => $ASTERISK_PREFIX/var/lib/asterisk
astagidir => $run/lib
astspooldir => $run/spool
astrundir => $run/run
astlogdir => $run/log
astsbindir => $ASTERISK_PREFIX/sbin
[options]
verbose = 5
EOF
cat >"$etc/modules.conf" <<'EOF'
[modules]
autoload = no
load => res_crypto.so
load => res_http_websocket.so
load => res_rtp_asterisk.so
; a timing source: without one Asterisk crashes (NULL timer) when a channel waiting for keys receives RFC 2833 events
load => res_timing_timerfd.so
load => chan_sip.so
load => pbx_config.so
load => app_dial.so
load => bridge_simple.so
load => app_playback.so
load => app_senddtmf.so
load => app_verbose.so
load => app_echo.so
load => res_clioriginate.so
load => func_channel.so
load => codec_alaw.so
load => codec_ulaw.so
load => codec_a_mu.so
load => codec_g722.so
load => format_wav.so
EOF
# SCENARIO_CONFIG_BEGIN (docs/asterisk-interop.md quotes this configuration)
cat >"$etc/sip.conf" <<EOF
[general]
udpbindaddr = $AST_IP:$AST_SIP_PORT
context = unauthenticated
allowguest = no
alwaysauthreject = yes
realm = asterisk-interop
disallow = all
allow = ulaw,alaw,g722
; Asterisk asks for session timers on every call it places and answers (RFC 4028), at its shortest interval, and
; names the other side the refresher where it may: on calls Ncco places, Asterisk's 2xx says refresher=uac.
session-timers = originate
session-expires = 90
session-minse = 90
session-refresher = uac
; OPTIONS every 10 s to peers with qualify = yes
qualifyfreq = 10

; Ncco: registers as "ncco" (host = dynamic), and every INVITE it sends is challenged for the same secret.
[ncco]
type = friend
host = dynamic
secret = $SECRET
context = from-ncco
dtmfmode = rfc2833
qualify = yes
; the caller's number in P-Asserted-Identity too, as PBXs towards a carrier do
sendrpid = pai
trustrpid = yes
disallow = all
allow = ulaw,alaw,g722
EOF
cat >"$etc/rtp.conf" <<EOF
[general]
rtpstart = $AST_RTP_FIRST
rtpend = $((AST_RTP_FIRST + 999))
EOF
cat >"$etc/extensions.conf" <<EOF
[unauthenticated]
exten => _X.,1,Hangup(21)

; Asterisk calling Ncco: "channel originate Local/<n>@to-ncco application Echo" (Echo: the originating side answers
; back whatever Ncco plays). RESULT lines in the log say how each Dial ended.
[to-ncco]
exten => 1001,1,Dial(SIP/ncco/\${EXTEN},20,gf(442079460123)D(ww1234))
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})
exten => 1002,1,Dial(SIP/ncco/\${EXTEN},20,gb(inband^s^1)D(wwww1234))
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})
exten => 1003,1,Dial(SIP/ncco/\${EXTEN},20,gS(4))
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})
exten => 1011,1,Set(__SIP_CODEC_OUTBOUND=alaw)
 same => n,Dial(SIP/ncco/\${EXTEN},20,g)
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})
exten => 1012,1,Set(__SIP_CODEC_OUTBOUND=ulaw)
 same => n,Dial(SIP/ncco/\${EXTEN},20,g)
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})
exten => 1013,1,Set(__SIP_CODEC_OUTBOUND=g722)
 same => n,Dial(SIP/ncco/\${EXTEN},20,g)
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})
exten => 1090,1,Dial(SIP/ncco/\${EXTEN},20,gS(100))
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})
exten => _2XXX,1,Dial(SIP/ncco/\${EXTEN},30,g)
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})

; The keys Ncco's connect sends once answered (dtmfAnswer), collected as an extension: two digits.
[keys]
exten => s,1,WaitExten(6)
exten => _XX,1,Log(NOTICE,KEYS FROM NCCO \${EXTEN})
 same => n,Hangup()

; Run on the SIP channel before it dials (Dial's b() option): keys as in-band tones on this call.
[inband]
exten => s,1,SIPDtmfMode(inband)
 same => n,Return()

; What Ncco's connect reaches through the trunk (the number Ncco dialled).
[from-ncco]
exten => 5550100,1,Answer()
 same => n,Playback($run/sounds/prompt)
 same => n,Wait(1)
 same => n,Hangup()
exten => 5550142,1,Answer()
 same => n,Goto(keys,s,1)
exten => 5550183,1,Progress()
 same => n,Playback($run/sounds/prompt,noanswer)
 same => n,Answer()
 same => n,Wait(1)
 same => n,Hangup()
exten => 5550486,1,Busy(5)
exten => 5550480,1,Ringing()
 same => n,Wait(1)
 same => n,Hangup(19)
exten => 5550503,1,Congestion(5)
exten => 5550408,1,Ringing()
 same => n,Wait(30)
exten => 5550190,1,Answer()
 same => n,Wait(100)
 same => n,Hangup()
EOF
# SCENARIO_CONFIG_END
cat >"$etc/logger.conf" <<'EOF'
[logfiles]
full => notice,warning,error,verbose(5)
EOF
: >"$etc/cdr.conf"; : >"$etc/cel.conf"
ast() { "$ASTERISK_PREFIX/sbin/asterisk" -C "$etc/asterisk.conf" -rx "$1" 2>/dev/null; }
"$ASTERISK_PREFIX/sbin/asterisk" -C "$etc/asterisk.conf" -f -n -q >"$run/console.log" 2>&1 </dev/null & astpid=$!; pids+=($astpid)
ast_up() { [[ $(ast "sip show settings" || true) == *"UDP Bindaddress"* ]]; }
for _ in $(seq 1 240); do ast_up && break; sleep 0.5; done
ast_up || { echo "Asterisk did not start"; cat "$run/console.log"; exit 1; }
ast "sip set debug on" >/dev/null

# ---- Ncco (after Asterisk, so its first REGISTER is answered) ----------------------------------------------
if curl -fs -o /dev/null "http://127.0.0.1:$HTTP_PORT/metrics"; then echo "something already answers on $HTTP_PORT (another run?)"; exit 1; fi
routes=()
for n in 1001 1002 1003 1011 1012 1013 1090 2100 2142 2183 2486 2480 2503 2408 2190; do routes+=("--Ncco:Sip:Routes:$n=$DEMO"); done
dotnet "$NCCO_DLL" serve --urls "http://127.0.0.1:$HTTP_PORT" -d "$work/data" \
  --Ncco:Account:ApiKey=interop --Ncco:Account:ApiSecret=interop-secret-0123 \
  --Ncco:Sip:Listen=127.0.0.1:$NCCO_SIP_PORT --Ncco:Sip:RtpPortFirst=$NCCO_RTP_FIRST --Ncco:Sip:RtpPortLast=$((NCCO_RTP_FIRST + 999)) \
  --Ncco:Sip:Trunks:0:Name=asterisk --Ncco:Sip:Trunks:0:Address=$AST_IP:$AST_SIP_PORT \
  --Ncco:Sip:Trunks:0:Username=ncco --Ncco:Sip:Trunks:0:Password=$SECRET \
  --Ncco:Sip:Trunks:0:Register=true --Ncco:Sip:Trunks:0:RegisterExpires=120 --Ncco:Sip:Trunks:0:Prefixes:0=555 \
  --Ncco:Sip:RequireAuthentication=true \
  --Ncco:Shutdown:DrainTimeout=00:00:00 "${routes[@]}" \
  --Logging:LogLevel:Default=Information --Logging:LogLevel:Microsoft=Warning >"$work/ncco.log" 2>&1 & ncco=$!; pids+=($ncco)
for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$HTTP_PORT/metrics" >/dev/null 2>&1 && break; sleep 0.5; done
{ curl -fs "http://127.0.0.1:$HTTP_PORT/metrics" >/dev/null && kill -0 "$ncco" 2>/dev/null; } || { echo "Ncco did not start"; tail -30 "$work/ncco.log"; exit 1; }
for _ in $(seq 1 20); do
  curl -fs -u interop:interop-secret-0123 -X PUT -H 'Content-Type: application/json' "http://127.0.0.1:$HTTP_PORT/v2/applications/$DEMO" \
    -d "{\"name\":\"asterisk interop\",\"capabilities\":{\"voice\":{\"webhooks\":{\"answer_url\":{\"address\":\"http://127.0.0.1:$HOOK_PORT/answer\",\"http_method\":\"GET\"},\"event_url\":{\"address\":\"http://127.0.0.1:$HOOK_PORT/events\",\"http_method\":\"POST\"}}}}}" \
    >/dev/null && break
  sleep 0.5
done



# ---- scenarios --------------------------------------------------------------------------------------------------
declare -A dial=(
  [in-rfc2833]=1001 [in-inband]=1002 [in-asterisk-hangs-up]=1003
  [codec-alaw-only]=1011 [codec-ulaw-only]=1012 [codec-g722-only]=1013
  [out-digest-answer]=2100 [out-dtmf-answer]=2142 [out-early-media]=2183 [out-busy]=2486 [out-unavailable]=2480 [out-congestion]=2503
  [out-no-answer]=2408 [session-timer-in]=1090 [session-timer-out]=2190)
short=(in-rfc2833 in-inband in-asterisk-hangs-up codec-alaw-only codec-ulaw-only codec-g722-only out-digest-answer
       out-dtmf-answer out-early-media out-busy out-unavailable out-congestion out-no-answer)
long=(session-timer-in session-timer-out)
if (( $# )); then chosen=("$@"); else chosen=(registration qualify "${short[@]}"); [[ $LONG == 1 ]] && chosen+=("${long[@]}"); fi
originate() { ast "channel originate Local/$1@to-ncco application Echo" >/dev/null || true; }
# An Asterisk that died mid-run fails the run by name, not by its scenarios' missing events alone.
asterisk_alive() {
  kill -0 "$astpid" 2>/dev/null && return 0
  echo "FAIL asterisk: Asterisk exited during the run (its log: $run/log/full, kept with KEEP=1)"
  return 1
}
# The long ones first, in the background of the rest (each ~100 s).
started_long=0
for s in "${chosen[@]}"; do
  if [[ " ${long[*]} " == *" $s "* ]]; then originate "${dial[$s]}"; started_long=1; fi
done
is_long() { [[ " ${long[*]} " == *" $1 "* ]]; }
for s in "${chosen[@]}"; do
  if [[ -n ${dial[$s]:-} ]] && ! is_long "$s"; then originate "${dial[$s]}"; sleep 1.5; fi
done
# Registration and qualify: Ncco registered as "ncco" (Asterisk holds its contact) and answers Asterisk's OPTIONS.
peer=$(ast "sip show peer ncco" || true)
ncco_ok=$(grep -c "SIP trunk asterisk: registered as sip:ncco@" "$work/ncco.log" || true)
sleep 20   # the short calls end (the longest: out-no-answer's 8 s connect timeout, the prompts)
pass=0 fail=0
report() { if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi; }
asterisk_alive || fail=$((fail + 1))
check() { python3 "$root/scripts/interop/asterisk_check.py" "$1" "$work/app.jsonl" "$run/log/full"; }
for s in "${chosen[@]}"; do
  case $s in
    registration)
      contact=$(sed -n 's/^ *Addr->IP *: *//p' <<<"$peer")
      report bash -c "[[ '$contact' == '127.0.0.1:$NCCO_SIP_PORT' && $ncco_ok -ge 1 ]] && echo 'PASS registration: Asterisk holds contact $contact, Ncco logged the registration' || { echo 'FAIL registration: contact \"$contact\", Ncco registered lines $ncco_ok'; false; }" ;;
    qualify)
      status=$(sed -n 's/^ *Status *: *//p' <<<"$peer")
      options=$(grep -c "^OPTIONS sip:ncco@127.0.0.1:$NCCO_SIP_PORT" "$run/log/full" || true)
      report bash -c "[[ '$status' == OK* ]] && echo 'PASS qualify: peer status $status after $options OPTIONS' || { echo 'FAIL qualify: peer status \"$status\" after $options OPTIONS'; false; }" ;;
    session-timer-in|session-timer-out) ;;
    *) report check "$s" ;;
  esac
done
if (( started_long )); then
  echo "(session-timer scenarios: waiting for their ~100 s calls to end)"
  sleep 90
  asterisk_alive || fail=$((fail + 1))
  for s in "${chosen[@]}"; do if is_long "$s"; then report check "$s"; fi; done
fi
echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
