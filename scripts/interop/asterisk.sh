#!/usr/bin/env bash
# Interop pass between `ncco serve` and a real Asterisk (chan_sip, or res_pjsip with CHANNEL=pjsip), run by hand: Asterisk
# is not a Debian package, so CI cannot run it; the CI tests that pin each finding replay Asterisk's messages (see
# docs/asterisk-interop.md).
#
# Asterisk is both a PBX calling Ncco (Dial(SIP/ncco/<number>)) and the trunk Ncco's `connect` dials out through
# (digest-challenged INVITEs, Ncco registered to it, qualify OPTIONS). Every scenario prints PASS/FAIL with what it saw.
#
# Usage: ASTERISK_PREFIX=/work/asterisk scripts/interop/asterisk.sh [SCENARIO...]
#        CHANNEL=pjsip ASTERISK_PREFIX=/work/asterisk-pjsip scripts/interop/asterisk.sh [SCENARIO...]
#   CHANNEL=sip|pjsip            which Asterisk SIP stack faces Ncco (default sip: chan_sip). The scenarios are the same;
#                                pjsip adds its own (PJSIP_ONLY below: 100rel required, connected-line update,
#                                Ncco challenging Asterisk's INVITE answered with outbound_auth)
#   NCCO_DLL=path/Ncco.Cli.dll   use that build (default: build this tree's src/Ncco.Cli, Release)
#   KEEP=1                       keep the work directory (Asterisk's full log with `sip set debug on` / `pjsip set logger
#                                on`, the host's log,
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
CHANNEL=${CHANNEL:-sip}
[[ $CHANNEL == sip || $CHANNEL == pjsip ]] || { echo "CHANNEL is sip or pjsip, not '$CHANNEL'"; exit 1; }
AST_IP=127.0.0.2
SECRET=ncco-interop-secret
ALICE_SECRET=alice-interop-secret
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
common_modules=(res_crypto res_http_websocket res_rtp_asterisk res_timing_timerfd pbx_config app_dial bridge_simple app_playback
                app_senddtmf app_verbose app_echo res_clioriginate func_channel codec_alaw codec_ulaw codec_a_mu codec_g722 format_wav)
if [[ $CHANNEL == sip ]]; then
  channel_modules=(chan_sip)
else
  # res_pjsip and what a registrar + trunk configuration needs (in load order: each after the modules it requires;
  # res_statsd and res_geolocation because res_pjsip links against them)
  channel_modules=(res_sorcery_config res_sorcery_memory res_sorcery_astdb res_statsd res_geolocation res_pjproject res_pjsip res_pjsip_session
                   res_pjsip_pubsub res_pjsip_authenticator_digest res_pjsip_outbound_authenticator_digest
                   res_pjsip_endpoint_identifier_ip res_pjsip_endpoint_identifier_user res_pjsip_registrar res_pjsip_sdp_rtp
                   res_pjsip_caller_id res_pjsip_logger res_pjsip_nat res_pjsip_rfc3326 res_pjsip_dtmf_info res_pjsip_path
                   res_pjsip_dlg_options chan_pjsip
                   func_callerid res_speech res_agi app_stack)  # CONNECTEDLINE; Gosub for Dial's b() and U()
fi
for m in "${common_modules[@]}" "${channel_modules[@]}"; do
  [[ -e $modules/$m.so ]] || { echo "Asterisk module $m.so is missing from $modules (docs/asterisk-interop.md: building it)"; exit 1; }
done
# Gosub (app_stack, which needs res_agi and res_speech) runs Dial's b() handler that turns in-band keys on. The first
# chan_sip build lacked it, so in-inband there sent RFC 2833 keys and proved nothing: without it the scenario is skipped.
gosub=1
for m in res_speech res_agi app_stack; do
  if [[ ! -e $modules/$m.so ]]; then gosub=0; elif [[ $CHANNEL == sip ]]; then channel_modules+=("$m"); fi
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
{
  echo "[modules]"
  echo "autoload = no"
  # a timing source (res_timing_timerfd): without one Asterisk crashes (NULL timer) when a channel waiting for keys
  # receives RFC 2833 events
  for m in "${common_modules[@]:0:4}" "${channel_modules[@]}" "${common_modules[@]:4}"; do echo "load => $m.so"; done
} >"$etc/modules.conf"
# SCENARIO_CONFIG_BEGIN (docs/asterisk-interop.md quotes this configuration)
if [[ $CHANNEL == sip ]]; then
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
else
# res_pjsip: one endpoint "ncco" that Ncco registers to (auth) and whose requests are identified by their source address
# (a trunk), plus endpoints sharing its contact for the PJSIP-only scenarios. Session timers on every call (timers =
# always) at the shortest interval; 100rel used whenever Ncco offers it (peer_supported).
cat >"$etc/pjsip.conf" <<EOF
[global]
type = global
user_agent = Asterisk PBX (interop, res_pjsip)

[transport-udp]
type = transport
protocol = udp
bind = $AST_IP:$AST_SIP_PORT

; Ncco registers as "ncco": one contact, replaced by each new registration; OPTIONS every 10 s
[ncco]
type = aor
max_contacts = 1
remove_existing = yes
qualify_frequency = 10

; what Asterisk challenges Ncco's REGISTERs and INVITEs for
[ncco-auth]
type = auth
auth_type = userpass
username = ncco
password = $SECRET
realm = asterisk-interop

; trunk-style: requests from Ncco's address are the ncco endpoint's, whatever their From
[ncco-ip]
type = identify
endpoint = ncco
match = 127.0.0.1

[ncco]
type = endpoint
transport = transport-udp
context = from-ncco
aors = ncco
auth = ncco-auth
disallow = all
allow = ulaw,alaw,g722
dtmf_mode = rfc4733
send_pai = yes
trust_id_inbound = yes
timers = always
timers_sess_expires = 90
timers_min_se = 90
; reliable 18x (Require: 100rel, RSeq) to Ncco's INVITEs, which say Supported: 100rel: Ncco must PRACK them
100rel = peer_supported
direct_media = no

; calls to Ncco that require reliable provisional responses (Require: 100rel, RFC 3262)
[ncco-100rel]
type = endpoint
transport = transport-udp
context = from-ncco
aors = ncco
disallow = all
allow = ulaw,alaw,g722
dtmf_mode = rfc4733
100rel = required
direct_media = no

; calls to Ncco placed as its softphone user "alice": Ncco challenges them, Asterisk answers with outbound_auth
[alice-auth]
type = auth
auth_type = userpass
username = alice
password = $ALICE_SECRET

[ncco-as-alice]
type = endpoint
transport = transport-udp
context = from-ncco
aors = ncco
from_user = alice
outbound_auth = alice-auth
disallow = all
allow = ulaw,alaw,g722
dtmf_mode = rfc4733
direct_media = no
EOF
fi
cat >"$etc/rtp.conf" <<EOF
[general]
rtpstart = $AST_RTP_FIRST
rtpend = $((AST_RTP_FIRST + 999))
EOF
if [[ $CHANNEL == sip ]]; then
  to_ncco='SIP/ncco/${EXTEN}'
  offer() { echo "Set(__SIP_CODEC_OUTBOUND=$1)"; }; offer_opt() { :; }
  inband='SIPDtmfMode(inband)'
else
  to_ncco='PJSIP/${EXTEN}@ncco'
  # PJSIP_MEDIA_OFFER applies to the outgoing channel: set in a pre-dial handler (Dial's b())
  offer() { echo "NoOp(offer $1 only)"; }; offer_opt() { echo "b(offer^$1^1)"; }
  inband='Set(PJSIP_DTMF_MODE()=inband)'
fi
cat >"$etc/extensions.conf" <<EOF
[unauthenticated]
exten => _X.,1,Hangup(21)

; Asterisk calling Ncco: "channel originate Local/<n>@to-ncco application Echo" (Echo: the originating side answers
; back whatever Ncco plays). RESULT lines in the log say how each Dial ended.
[to-ncco]
exten => 1001,1,Dial($to_ncco,20,gf(442079460123)D(ww1234))
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})
exten => 1002,1,Dial($to_ncco,20,gb(inband^s^1)D(wwww1234))
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})
exten => 1003,1,Dial($to_ncco,20,gS(4))
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})
exten => 1011,1,$(offer alaw)
 same => n,Dial($to_ncco,20,g$(offer_opt alaw))
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})
exten => 1012,1,$(offer ulaw)
 same => n,Dial($to_ncco,20,g$(offer_opt ulaw))
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})
exten => 1013,1,$(offer g722)
 same => n,Dial($to_ncco,20,g$(offer_opt g722))
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})
exten => 1090,1,Dial($to_ncco,20,gS(100))
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})
; PJSIP only: 100rel required (1100), a connected-line update once answered (1050), placed as Ncco's user alice (1020)
exten => 1100,1,Dial(PJSIP/\${EXTEN}@ncco-100rel,20,g)
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})
exten => 1050,1,Dial($to_ncco,20,gU(cline))
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})
exten => 1020,1,Dial(PJSIP/\${EXTEN}@ncco-as-alice,20,g)
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})
exten => _2XXX,1,Dial($to_ncco,30,g)
 same => n,Log(NOTICE,RESULT \${EXTEN} \${DIALSTATUS} \${ANSWEREDTIME})

; The keys Ncco's connect sends once answered (dtmfAnswer), collected as an extension: two digits.
[keys]
exten => s,1,WaitExten(6)
exten => _XX,1,Log(NOTICE,KEYS FROM NCCO \${EXTEN})
 same => n,Hangup()

; Run on the SIP channel before it dials (Dial's b() option): keys as in-band tones on this call.
[inband]
exten => s,1,$inband
 same => n,Return()

; Dial's b(): the only codec the outgoing PJSIP channel offers
[offer]
exten => _[a-z].,1,Set(PJSIP_MEDIA_OFFER(audio)=\${EXTEN})
 same => n,Return()

; Dial's U() on the answered channel to Ncco: a new connected line (PJSIP sends it in an UPDATE or re-INVITE)
[cline]
exten => s,1,Set(CONNECTEDLINE(num)=442079460555)
 same => n,Set(CONNECTEDLINE(name)=Interop Transfer)
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
if [[ $CHANNEL == sip ]]; then
  ast_up() { [[ $(ast "sip show settings" || true) == *"UDP Bindaddress"* ]]; }
  debug_on="sip set debug on"
else
  ast_up() { [[ $(ast "pjsip show endpoint ncco" || true) == *"Endpoint:  ncco"* ]]; }
  debug_on="pjsip set logger on"
fi
for _ in $(seq 1 240); do ast_up && break; sleep 0.5; done
ast_up || { echo "Asterisk did not start"; cat "$run/console.log"; exit 1; }
ast "$debug_on" >/dev/null

# ---- Ncco (after Asterisk, so its first REGISTER is answered) ----------------------------------------------
if curl -fs -o /dev/null "http://127.0.0.1:$HTTP_PORT/metrics"; then echo "something already answers on $HTTP_PORT (another run?)"; exit 1; fi
routes=()
for n in 1001 1002 1003 1011 1012 1013 1090 1100 1050 2100 2142 2183 2486 2480 2503 2408 2190; do routes+=("--Ncco:Sip:Routes:$n=$DEMO"); done
# PJSIP's ncco-as-alice endpoint calls as Ncco's softphone user alice: Ncco challenges those INVITEs
[[ $CHANNEL == pjsip ]] && routes+=("--Ncco:Sip:Users:alice:Password=$ALICE_SECRET" "--Ncco:Sip:Users:alice:Application=$DEMO")
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
# What only res_pjsip does: 100rel required on its INVITE, a connected-line update on an answered call, outbound_auth
pjsip_only=(in-100rel-required in-connected-line in-outbound-auth)
dial+=([in-100rel-required]=1100 [in-connected-line]=1050 [in-outbound-auth]=1020)
[[ $CHANNEL == pjsip ]] && short+=("${pjsip_only[@]}")
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
if [[ $CHANNEL == sip ]]; then peer=$(ast "sip show peer ncco" || true); else peer=$(ast "pjsip show contacts" || true); fi
ncco_ok=$(grep -c "SIP trunk asterisk: registered as sip:ncco@" "$work/ncco.log" || true)
sleep 20   # the short calls end (the longest: out-no-answer's 8 s connect timeout, the prompts)
pass=0 fail=0
report() { if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi; }
asterisk_alive || fail=$((fail + 1))
check() { python3 "$root/scripts/interop/asterisk_check.py" "$1" "$work/app.jsonl" "$run/log/full" "$CHANNEL"; }
for s in "${chosen[@]}"; do
  case $s in
    registration)
      if [[ $CHANNEL == sip ]]; then contact=$(sed -n 's/^ *Addr->IP *: *//p' <<<"$peer")
      else contact=$(sed -n "s|^ *Contact: *ncco/sip:ncco@\([0-9.:]*\).*|\1|p" <<<"$peer" | head -1); fi
      report bash -c "[[ '$contact' == '127.0.0.1:$NCCO_SIP_PORT' && $ncco_ok -ge 1 ]] && echo 'PASS registration: Asterisk holds contact $contact, Ncco logged the registration' || { echo 'FAIL registration: contact \"$contact\", Ncco registered lines $ncco_ok'; false; }" ;;
    qualify)
      if [[ $CHANNEL == sip ]]; then status=$(sed -n 's/^ *Status *: *//p' <<<"$peer")
      else status=$(sed -n 's|^ *Contact: *ncco/sip:ncco@[^ ]* *[^ ]* *\(Avail\).*|OK (\1)|p' <<<"$peer" | head -1); fi
      options=$(grep -c "^OPTIONS sip:ncco@127.0.0.1:$NCCO_SIP_PORT" "$run/log/full" || true)
      report bash -c "[[ '$status' == OK* ]] && echo 'PASS qualify: peer status $status after $options OPTIONS' || { echo 'FAIL qualify: peer status \"$status\" after $options OPTIONS'; false; }" ;;
    session-timer-in|session-timer-out) ;;
    in-inband) if (( gosub )); then report check "$s"; else echo "SKIP in-inband: app_stack.so is missing from $modules (Dial's b() cannot switch the channel to in-band keys)"; fi ;;
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
