#!/usr/bin/env bash
# A three-node Ncco cluster on one machine (docs/cluster.md): a private PostgreSQL, three nodes on 127.0.0.2/.3/.4,
# Kamailio (deploy/kamailio/kamailio.cfg) as the SIP front on 127.0.0.1 and haproxy (deploy/haproxy/haproxy.cfg) as
# the HTTP front on 127.0.0.1. Calls to sip:demo@127.0.0.1:$FRONT_SIP_PORT reach the demo application, whose NCCO
# holds the caller in a conversation.
#
#   scripts/cluster-demo.sh            start everything and wait (Ctrl-C stops it all)
#   scripts/cluster-demo.sh failover   SIPp places CALLS calls at RATE/s through Kamailio; node 2 is killed with
#                                      kill -9 KILL_AFTER s in; prints what happened to the calls, the store and the
#                                      front, restarts node 2 and shows its new incarnation; then stops everything
#   scripts/cluster-demo.sh load N     SIPp load through Kamailio over N nodes (1 or 3): calls/s and concurrent calls
#   scripts/cluster-demo.sh latency    the conversation bridge's mouth-to-ear cost (bench/cluster/bridge_latency.py):
#                                      ROUNDS rounds of BURSTS tone bursts heard on the speaker's node and on the other
#
# Needs: .ci/deps/postgres.sh, .ci/deps/sip.sh (kamailio, sipp), .ci/deps/haproxy.sh, python3, the .NET SDK.
# Everything binds loopback; every run is bounded in calls and time; every process started is stopped on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
mode=${1:-up}
FRONT_SIP_PORT=${FRONT_SIP_PORT:-25160}
FRONT_HTTP_PORT=${FRONT_HTTP_PORT:-28180}
NODE_SIP_PORT=${NODE_SIP_PORT:-25060}
NODE_HTTP_PORT=${NODE_HTTP_PORT:-28080}
HOOK_PORT=${HOOK_PORT:-28190}
PG_PORT=${PG_PORT:-25432}
CALLS=${CALLS:-30}
RATE=${RATE:-3}
HOLD_MS=${HOLD_MS:-15000}
KILL_AFTER=${KILL_AFTER:-6}
NODES=${NODES:-3}
[[ $mode == load ]] && NODES=${2:-3}
[[ $mode == latency ]] && NODES=2
KEY=cluster-demo
SECRET=cluster-demo-secret-0123
source "$root/bench/lib/processes.sh" cluster-demo
declare -A node_pid=()

say() { echo "== $*"; }

if [[ -z ${NO_BUILD:-} ]]; then
  say "build (Release)"
  dotnet build src/Ncco.Cli -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
fi
cli=$root/src/Ncco.Cli/bin/Release/net10.0/Ncco.Cli.dll

say "PostgreSQL on 127.0.0.1:$PG_PORT"
pgbin=$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -1)")
pg=/tmp/ncco-cluster-demo-pg-$$; mkdir -p "$pg"
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[[ $(id -u) == 0 ]] && chown postgres: "$pg"
as_pg "$pgbin/initdb" -D "$pg/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >"$work/initdb.log"
as_pg "$pgbin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$pg -c fsync=off -c synchronous_commit=off -c max_connections=300" start >/dev/null
stop_pg() { as_pg "$pgbin/pg_ctl" -D "$pg/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$pg"; }
trap 'cleanup; stop_pg' EXIT
as_pg "$pgbin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE ncco" >/dev/null
db="Host=127.0.0.1;Port=$PG_PORT;Database=ncco;Username=postgres;Maximum Pool Size=40"
psql_q() { as_pg "$pgbin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d ncco -Atc "$1"; }

say "webhooks on 127.0.0.1:$HOOK_PORT"
if [[ $mode == load ]]; then
  # One call per caller, each hearing a looping prompt: a shared room would cap at 50 participants (as on Vonage).
  echo '[{"action":"talk","text":"This is a load test call.","loop":0}]' >"$work/ncco.json"
else
  echo '[{"action":"conversation","name":"cluster-demo"}]' >"$work/ncco.json"
fi
NCCO_FILE="$work/ncco.json" python3 "$root/bench/sip-load/webhooks.py" "$HOOK_PORT" & pids+=($!)

start_node() { # n
  local n=$1 ip=127.0.0.$(( $1 + 1 ))
  dotnet "$cli" serve --urls "http://$ip:$NODE_HTTP_PORT" -d "$work/node$n" \
    --Ncco:Store:Provider=Postgres "--Ncco:Store:ConnectionString=$db" \
    --Ncco:Cluster:NodeId=node$n --Ncco:Cluster:InternalUrl=http://$ip:$NODE_HTTP_PORT \
    --Ncco:Cluster:HeartbeatInterval=00:00:01 --Ncco:Cluster:DeadAfter=00:00:05 \
    --Ncco:Recordings:Directory="$work/recordings" --Ncco:PublicUrl=http://127.0.0.1:$FRONT_HTTP_PORT \
    --Ncco:Account:ApiKey=$KEY --Ncco:Account:ApiSecret=$SECRET \
    --Ncco:Sip:Listen=$ip:$NODE_SIP_PORT --Ncco:Sip:RtpPortFirst=$((30000 + n * 2000)) --Ncco:Sip:RtpPortLast=$((31999 + n * 2000)) \
    --Ncco:Calls:RateLimitPerSecond=0 --Ncco:Limits:CallsPerSecondPerSource=0 --Ncco:Shutdown:DrainTimeout=00:00:00 --Logging:LogLevel:Default=Warning \
    >>"$work/node$n.log" 2>&1 &
  node_pid[$n]=$!; pids+=($!)
}
wait_ready() { # n
  local ip=127.0.0.$(( $1 + 1 ))
  for _ in $(seq 1 120); do curl -fs "http://$ip:$NODE_HTTP_PORT/health/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "node $1 did not become ready"; tail -20 "$work/node$1.log"; exit 1
}
say "$NODES node(s): 127.0.0.2..$((NODES + 1)) (HTTP :$NODE_HTTP_PORT, SIP :$NODE_SIP_PORT)"
for n in $(seq 1 "$NODES"); do start_node "$n"; done
for n in $(seq 1 "$NODES"); do wait_ready "$n"; done

# The demo application (which answers sip:demo@) points at the webhooks: shared by every node through the store.
demo=d3e40000-0000-4000-8000-000000000001
for _ in $(seq 1 20); do
  curl -fs -u "$KEY:$SECRET" -X PUT -H 'Content-Type: application/json' "http://127.0.0.2:$NODE_HTTP_PORT/v2/applications/$demo" \
    -d "{\"name\":\"cluster demo\",\"capabilities\":{\"voice\":{\"webhooks\":{\"answer_url\":{\"address\":\"http://127.0.0.1:$HOOK_PORT/answer\",\"http_method\":\"GET\"},\"event_url\":{\"address\":\"http://127.0.0.1:$HOOK_PORT/events\",\"http_method\":\"POST\"}}}}}" \
    >/dev/null && break
  sleep 0.5
done

say "Kamailio (SIP front) on udp:127.0.0.1:$FRONT_SIP_PORT"
mkdir -p "$work/kamailio"
for n in $(seq 1 "$NODES"); do echo "1 sip:127.0.0.$((n + 1)):$NODE_SIP_PORT 0 0"; done >"$work/kamailio/dispatcher.list"
kamailio -DD -E -f "$root/deploy/kamailio/kamailio.cfg" -w "$work/kamailio" -Y "$work/kamailio" -P "$work/kamailio/kamailio.pid" -m 64 -M 8 \
  -A SIP_LISTEN=udp:127.0.0.1:$FRONT_SIP_PORT -A "DISPATCHER_LIST=\"$work/kamailio/dispatcher.list\"" \
  -A "CTL_SOCKET=\"unix:$work/kamailio/ctl\"" >"$work/kamailio.log" 2>&1 & pids+=($!)
kam() { kamcmd -s "unix:$work/kamailio/ctl" "$@"; }
for _ in $(seq 1 40); do kam dispatcher.list >/dev/null 2>&1 && break; sleep 0.25; done
kam dispatcher.list >/dev/null 2>&1 || { echo "Kamailio did not start:"; grep -E "ERROR|error" "$work/kamailio.log" | tail -5; exit 1; }

say "haproxy (HTTP front) on 127.0.0.1:$FRONT_HTTP_PORT"
HTTP_LISTEN=127.0.0.1:$FRONT_HTTP_PORT NODE1=127.0.0.2:$NODE_HTTP_PORT NODE2=127.0.0.3:$NODE_HTTP_PORT NODE3=127.0.0.$((NODES > 2 ? 4 : 2)):$NODE_HTTP_PORT \
  haproxy -f "$root/deploy/haproxy/haproxy.cfg" >"$work/haproxy.log" 2>&1 & pids+=($!)
sleep 3   # the dispatcher's first probes and haproxy's first checks

front_states() { kam dispatcher.list | awk '/URI:/ {u=$2} /FLAGS:/ {print u" "$2}' | tr '\n' ' '; }
say "front sees: $(front_states)"

sipp_run() { # name, calls, rate, hold ms
  sed "s/@HOLD_MS@/$4/" "$root/deploy/sipp/uac-cluster.xml" >"$work/$1.xml"
  ( cd "$work" && timeout -k 5 $(( $2 / $3 + $4 / 1000 + 60 )) sipp -i 127.0.0.1 -p 0 -nostdin -s demo -sf "$work/$1.xml" \
      -m "$2" -r "$3" -l "$2" -timeout $(( $2 / $3 + $4 / 1000 + 50 ))s -recv_timeout 20s -trace_logs -log_file "$work/$1.log" \
      -trace_stat -stf "$work/$1.csv" -fd 1 -trace_err -error_file "$work/$1-errors.log" "127.0.0.1:$FRONT_SIP_PORT" >"$work/$1.out" 2>&1 ) && rc=0 || rc=$?
  echo "  sipp exit $rc: $(awk -F'|' '/Successful call|Failed call/ {gsub(/ +/," ",$1); gsub(/ +/,"",$3); printf "%s%s,", $1, $3}' "$work/$1.out")"
  echo "  calls ended by the caller: $(grep -c local-bye "$work/$1.log" 2>/dev/null || true), by the far end (BYE to the caller): $(grep -c remote-bye "$work/$1.log" 2>/dev/null || true)"
}

case $mode in
  up)
    say "ready: SIP sip:demo@127.0.0.1:$FRONT_SIP_PORT, REST http://127.0.0.1:$FRONT_HTTP_PORT (api key $KEY, secret $SECRET); Ctrl-C stops"
    wait
    ;;
  failover)
    say "SIPp: $CALLS calls at $RATE/s, each up ${HOLD_MS} ms; node2 (127.0.0.3) gets kill -9 after ${KILL_AFTER} s"
    sipp_run failover "$CALLS" "$RATE" "$HOLD_MS" & sipp=$!
    sleep "$KILL_AFTER"
    live_on_2=$(psql_q "SELECT count(*) FROM calls WHERE owner_node='node2' AND end_time IS NULL")
    kill -9 "${node_pid[2]}"; killed=$(date +%s.%N)
    say "killed node2 with $live_on_2 live call(s) on it"
    for _ in $(seq 1 40); do front_states | grep -q "127.0.0.3:$NODE_SIP_PORT I" && break; sleep 0.25; done
    say "front sees after $(python3 -c "import time;print(round(time.time()-$killed,1))") s: $(front_states)"
    wait "$sipp"
    sleep 6   # DeadAfter (5 s) and one sweep
    say "store: unfinished calls of node2: $(psql_q "SELECT count(*) FROM calls WHERE owner_node='node2' AND end_time IS NULL"), ended by the platform: $(psql_q "SELECT count(*) FROM calls WHERE owner_node='node2' AND status='completed'")"
    say "calls per node: $(psql_q "SELECT owner_node||'='||count(*) FROM calls GROUP BY owner_node ORDER BY 1" | tr '\n' ' ')"
    start_node 2; wait_ready 2
    say "node2 restarted: $(psql_q "SELECT node_id||' incarnation '||incarnation FROM cluster_nodes WHERE node_id='node2'")"
    sleep 3
    say "front sees: $(front_states)"
    ;;
  load)
    say "SIPp load through the front over $NODES node(s): $CALLS calls at $RATE/s, each up ${HOLD_MS} ms"
    sipp_run "load-$NODES" "$CALLS" "$RATE" "$HOLD_MS"
    ;;
  latency)
    say "conversation bridge latency: a speaker on node1, listeners on node1 (local) and node2 (bridged)"
    timeout -k 5 300 python3 "$root/bench/cluster/bridge_latency.py" "http://127.0.0.2:$NODE_HTTP_PORT" "http://127.0.0.3:$NODE_HTTP_PORT" \
      "$KEY" "$SECRET" "${ROUNDS:-4}" "${BURSTS:-5}"
    ;;
esac
