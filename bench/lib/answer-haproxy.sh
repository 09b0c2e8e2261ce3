# shellcheck shell=bash
# The application side of a SIP bench as static replies from haproxy (C, event-driven), so the answer server does not
# compete with the host for the same cores as a Python server would: the answer NCCO on GET /answer…, the prompt on
# /prompt.wav (with "Cache-Control: max-age=3600", as an application's prompts usually are), 200 with no body for
# everything else (event webhooks). Needs processes.sh ($work, pids) and HOOK_PORT.
# Usage: start_answer_haproxy PROMPT_WAV NCCO_JSON
start_answer_haproxy() {
  local prompt=$1 ncco=$2
  cat >"$work/answer-haproxy.cfg" <<CFG
global
  maxconn 8000
  # the prompt is one reply: the buffer must hold it (64 KB of WAV)
  tune.bufsize 131072
defaults
  mode http
  timeout client 60s
  timeout connect 5s
  timeout server 60s
  timeout http-keep-alive 60s
frontend hooks
  bind 127.0.0.1:$HOOK_PORT
  http-request return status 200 content-type audio/wav file $prompt hdr Cache-Control "max-age=3600" if { path_beg /prompt.wav }
  http-request return status 200 content-type application/json file $ncco if { path_beg /answer } METH_GET
  http-request return status 200
CFG
  haproxy -f "$work/answer-haproxy.cfg" -db >"$work/answer-haproxy.log" 2>&1 & pids+=($!)
}
