# Shared by the bench scripts that run the real host (`ncco serve`, Release) under SIPp load: bench/conference,
# bench/side-by-side, bench/sip-load/idle.sh. Source it after processes.sh (it uses "work" and "pids").
# Usage: source "$root/bench/lib/host.sh"; then, in this order:
#   bench_ports SIP HTTP       the ports (SIP_PORT, SIPP_PORT = SIP + 10, HTTP_PORT, HOOK_PORT = HTTP + 10), each
#                              overridable from the environment; every bench has its own block, so two can run at once
#   needs TOOL...              stops with "needs TOOL" when one is missing
#   sipp_sources N             sets "sources": SIPp's -t ui over N loopback addresses (127.0.1.x, like many phones;
#                              N = 1 looks like one trunk or proxy)
#   build_ncco DIR             builds DIR's src/Ncco.Cli (Release), prints its Ncco.Cli.dll
#   baseline_target REV|DLL    prints the "ncco@…=DLL" target for a before/after run: an already built Ncco.Cli.dll as it
#                              is, or a commit built in a temporary git worktree (removed on exit)
#   start_ncco DLL NAME [ARG…] starts the host (pid in "server") on SIP_PORT/HTTP_PORT with RTP_FIRST..RTP_LAST, no
#                              rate limits, MAX_CALLS concurrent calls, no drain, HOST_ARGS; an ARG starting with -- is one more host setting, any
#                              other (NAME=VALUE) an environment variable. Points the demo application (which answers
#                              sip:demo@) at HOOK_PORT's /answer and /events, NAME as its name
#   point_demo_app NAME        points the demo application at HOOK_PORT (what start_ncco does; for a host started otherwise)
#   stop_pid PID               TERM, up to 5 s, then KILL
#   metric NAME                that value on the host's /metrics (its first series); 0 when absent (a counter never
#                              incremented is not exported) or when /metrics does not answer
#   cpu / rss_peak FILE        the server's CPU-seconds so far / its peak RSS in MiB, sampled until FILE exists
HOST_ARGS=${HOST_ARGS:-}
# Ncco:Limits:MaxConcurrentCalls for the host under test. The default (1000) is an admission policy, not a capacity: a
# step that holds more calls at once (cps500 with 3 s calls ≈ 1,600) is then answered 503 + Retry-After past the cap,
# which SIPp's scenarios count as failed calls (UnexpectedMessage). 5000 = the side-by-side Asterisk's maxcalls.
MAX_CALLS=${MAX_CALLS:-5000}
RTP_FIRST=${RTP_FIRST:-30000}
RTP_LAST=${RTP_LAST:-39999}
server=""

bench_ports() {
  SIP_PORT=${SIP_PORT:-$1}
  SIPP_PORT=${SIPP_PORT:-$((SIP_PORT + 10))}
  HTTP_PORT=${HTTP_PORT:-$2}
  HOOK_PORT=${HOOK_PORT:-$((HTTP_PORT + 10))}
}

needs() {
  local tool
  for tool in "$@"; do command -v "$tool" >/dev/null || { echo "needs $tool"; exit 1; }; done
}

sipp_sources() {
  sources=()
  if (( $1 > 1 )); then
    { echo SEQUENTIAL; for i in $(seq 1 "$1"); do echo "127.0.$((1 + i / 250)).$((1 + i % 250));"; done; } >"$work/sources.csv"
    sources=(-t ui -inf "$work/sources.csv" -ip_field 0 -max_socket 4096)
  fi
}

build_ncco() {
  dotnet build "$1/src/Ncco.Cli" -c Release -v q -nologo >"$work/build-$(basename "$1").log" 2>&1 || { cat "$work/build-$(basename "$1").log" >&2; exit 1; }
  echo "$1/src/Ncco.Cli/bin/Release/net10.0/Ncco.Cli.dll"
}

baseline_target() {
  if [[ $1 == *.dll ]]; then echo "ncco@baseline=$1"; return; fi
  git -C "$root" worktree add --detach "$work/baseline" "$1" >/dev/null 2>&1
  echo "ncco@$1=$(build_ncco "$work/baseline")"
}
# The baseline's worktree goes before the work directory does (a no-op when there is none).
trap 'git -C "$root" worktree remove --force "$work/baseline" 2>/dev/null || true; cleanup' EXIT

http_ok() { curl -fs "http://127.0.0.1:$HTTP_PORT/metrics" >/dev/null 2>&1; }

start_ncco() {
  local dll=$1 name=$2 env=() extra=() a
  for a in "${@:3}"; do if [[ $a == --* ]]; then extra+=("$a"); else env+=("$a"); fi; done
  # shellcheck disable=SC2086 # HOST_ARGS is a list of settings
  env "${env[@]}" dotnet "$dll" serve --urls "http://127.0.0.1:$HTTP_PORT" -d "$work/data-$RANDOM" \
    --Ncco:Account:ApiKey=bench --Ncco:Account:ApiSecret=bench-secret-0123 \
    --Ncco:Sip:Listen=127.0.0.1:$SIP_PORT --Ncco:Sip:RtpPortFirst=$RTP_FIRST --Ncco:Sip:RtpPortLast=$RTP_LAST \
    --Ncco:Calls:RateLimitPerSecond=0 --Ncco:Limits:CallsPerSecondPerSource=0 --Ncco:Limits:MaxConcurrentCalls="$MAX_CALLS" \
    --Ncco:Shutdown:DrainTimeout=00:00:00 \
    --Logging:LogLevel:Default=Warning $HOST_ARGS "${extra[@]}" >"$work/host-$RANDOM.log" 2>&1 & server=$!; pids+=($server)
  for _ in $(seq 1 120); do http_ok && break; sleep 0.5; done
  http_ok || { echo "Ncco did not start"; exit 1; }
  point_demo_app "$name"
}

# Points the demo application (which answers sip:demo@) at HOOK_PORT's /answer and /events, named $1; the gateway reads
# it per call (kept in memory; this PUT drops the kept copy). Retried: the demo application is provisioned just after start.
point_demo_app() {
  local name=$1 demo=d3e40000-0000-4000-8000-000000000001
  for _ in $(seq 1 20); do
    curl -fs -u bench:bench-secret-0123 -X PUT -H 'Content-Type: application/json' "http://127.0.0.1:$HTTP_PORT/v2/applications/$demo" \
      -d "{\"name\":\"$name\",\"capabilities\":{\"voice\":{\"webhooks\":{\"answer_url\":{\"address\":\"http://127.0.0.1:$HOOK_PORT/answer\",\"http_method\":\"GET\"},\"event_url\":{\"address\":\"http://127.0.0.1:$HOOK_PORT/events\",\"http_method\":\"POST\"}}}}}" \
      >/dev/null && return 0
    sleep 0.5
  done
  echo "could not point the demo application at http://127.0.0.1:$HOOK_PORT" >&2
  return 1
}

stop_pid() { kill "$1" 2>/dev/null || true; for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done; kill -9 "$1" 2>/dev/null || true; }

metric() {
  { curl -fs "http://127.0.0.1:$HTTP_PORT/metrics" 2>/dev/null || true; } | awk -v m="$1" '$1 == m || index($1, m "{") == 1 {print $2; found = 1; exit} END {if (!found) print 0}'
}

cpu() { awk '{printf "%.2f", ($14+$15)/100}' "/proc/$server/stat"; }

rss_peak() {
  local peak=0 r
  while [[ ! -e $1 ]]; do
    r=$(awk '/^VmRSS/ {print $2}' "/proc/$server/status" 2>/dev/null || echo 0); (( r > peak )) && peak=$r
    sleep 0.5
  done
  echo $((peak / 1024))
}
