# Shared by the bench scripts that start real processes (bench/sip-load, bench/soak, bench/conference, bench/side-by-side;
# host.sh next to it adds the host itself): a private work directory
# and a cleanup that stops every started process, newest first, on any exit — so an interrupted run leaves
# neither a listening host nor a stray SIPp behind. Source it, then append each started pid to "pids".
#   work   a fresh temp directory (kept when KEEP is set, else removed on exit)
#   pids   the processes to stop on exit
# Usage: source "$root/bench/lib/processes.sh" <name>   (the name prefixes the temp directory)
work=$(mktemp -d "/tmp/ncco-${1:-bench}-XXXXXX")
pids=()
cleanup() {
  # Newest first: a host child drains at once (DrainTimeout 0) before the dotnet/webhook processes behind it go.
  for pid in $(printf '%s\n' "${pids[@]}" | tac); do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [[ -n ${KEEP:-} ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
