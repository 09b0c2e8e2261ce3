#!/usr/bin/env bash
# Uses the packages as a newcomer would, from a local feed:
#   1. copies this clone (committed files plus uncommitted changes) under a path that contains /src/
#      (<tmp>/src/ncco), packs every package there with one version (VersionPrefix + -ci) and builds a test project
#      there too: the build must not depend on where the repository is cloned;
#   2. checks each package: metadata, README with its install line, icon, symbols, the analyzers inside
#      Ncco.Runtime, the tool's size;
#   3. installs the template pack into a throw-away hive, creates an app with `dotnet new ncco-app` and runs its tests
#      against the packages from the feed;
#   4. puts Ncco.Host into a fresh `dotnet new web` app (dotnet add package), runs it and asks it for /health/ready
#      and the dashboard;
#   5. installs the ncco tool with `dotnet tool install --tool-path` and checks `ncco --help` and its exit codes.
# Restores use the local feed for Ncco.*, this machine's NuGet cache as a folder feed, then the NuGet registry, into a
# private packages folder (no stale Ncco.* from an earlier run, nothing left in ~/.nuget/packages).
# The last line is `N passed, N failed` (scripts/test.sh adds it to the suite's totals); the exit status is non-zero
# when a check failed. NCCO_SMOKE_KEEP=1 keeps the work directory for a look afterwards.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1

work="$(mktemp -d "${TMPDIR:-/tmp}/ncco-pack-smoke.XXXXXX")"
copy="$work/src/ncco"
feed="$work/feed"
log="$work/log.txt"
host_pid=""
cleanup() {
  if [ -n "$host_pid" ]; then kill "$host_pid" 2>/dev/null; wait "$host_pid" 2>/dev/null; fi
  if [ "${NCCO_SMOKE_KEEP:-}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

passed=0
failed=0
# check NAME COMMAND…: runs the command with its output in the log; a failure prints the name and the log's tail.
check() {
  local name="$1"; shift
  local out="$work/check.out" began=$SECONDS
  if "$@" >"$out" 2>&1; then
    passed=$((passed + 1)); echo "pass: $name ($((SECONDS - began)) s)"
  else
    failed=$((failed + 1)); echo "FAIL: $name ($((SECONDS - began)) s)"; tail -n 40 "$out" | sed 's/^/    /'
  fi
  { echo "--- $name"; cat "$out"; } >>"$log"
}
started=$SECONDS
finish() {
  echo "pack smoke: $((SECONDS - started)) s"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}
dn() { timeout 900 dotnet "$@"; }

# --- 1. the clone under a /src/ path, packed -----------------------------------------------------------------------
copy_repository() {
  mkdir -p "$(dirname "$copy")"
  git clone -q --no-local "$root" "$copy" && git -C "$copy" checkout -q --detach "$(git -C "$root" rev-parse HEAD)" || return 1
  # Uncommitted work as it is in the working tree: changed and new files copied, deleted ones deleted.
  (cd "$root" && git ls-files -z --modified --others --exclude-standard | while IFS= read -r -d '' f; do
     if [ -e "$f" ]; then mkdir -p "$copy/$(dirname "$f")" && cp -p "$f" "$copy/$f"; fi
   done)
  (cd "$root" && git ls-files -z --deleted | while IFS= read -r -d '' f; do rm -f "$copy/$f"; done)
  return 0
}
check "copy of the repository under a path containing /src/ ($copy)" copy_repository
[ -f "$copy/Directory.Build.props" ] || finish

# The pack compiles every project and, for Ncco.Runtime and Ncco.Testing, eight ReadyToRun images: on a loaded shared
# machine that took over 15 minutes, so it gets 30 before it counts as hung.
pack_all() {
  (cd "$copy" \
    && dn new sln -n pack --format slnx >/dev/null \
    && dn sln pack.slnx add src/*/*.csproj templates/Ncco.Templates.csproj >/dev/null \
    && timeout 1800 dotnet pack pack.slnx -c Release -o "$feed" -p:VersionSuffix=ci -nologo -v quiet)
}
check "dotnet pack of every shipped project and the templates (VersionSuffix=ci)" pack_all
version="$(sed -n 's|.*<VersionPrefix>\(.*\)</VersionPrefix>.*|\1|p' "$copy/Directory.Build.props" | head -n 1)-ci"
echo "version $version, feed $feed"

# The same global properties as the pack, so the src projects it built are reused, not compiled again.
check "a test project builds from the clone under /src/ (documentation rules follow the project, not the path)" \
  dn build "$copy/tests/Ncco.Cli.Tests" -c Release -p:VersionSuffix=ci -nologo -v quiet

# --- 2. the packages themselves ----------------------------------------------------------------------------------
nuspec() { unzip -p "$feed/$1.$version.nupkg" "$1.nuspec"; }
check_package() {
  local id="$1" install="$2" symbols="$3"
  local package="$feed/$id.$version.nupkg" spec
  [ -f "$package" ] || { echo "no $package"; ls "$feed"; return 1; }
  spec="$(nuspec "$id")" || return 1
  for element in '<description>' '<readme>README.md</readme>' '<icon>ncco-icon.png</icon>' \
                 '<license type="expression">Apache-2.0</license>' '<projectUrl>https://github.com/ncco-dev/ncco</projectUrl>' \
                 '<releaseNotes>' '<tags>ncco ' '<repository type="git" url="https://github.com/ncco-dev/ncco"'; do
    grep -qF "$element" <<<"$spec" || { echo "$id: no $element in the nuspec"; echo "$spec"; return 1; }
  done
  grep -q 'commit="[0-9a-f]\{40\}"' <<<"$spec" || { echo "$id: the repository element names no commit"; return 1; }
  if grep -q '<description>Package Description</description>' <<<"$spec"; then echo "$id: default description"; return 1; fi
  local listing readme
  listing="$(unzip -l "$package")" && readme="$(unzip -p "$package" README.md)" || return 1
  grep -q ' ncco-icon.png$' <<<"$listing" || { echo "$id: no icon file"; return 1; }
  grep -qF "$install" <<<"$readme" || { echo "$id: README.md does not say '$install'"; return 1; }
  if [ "$symbols" = yes ]; then
    [ -f "$feed/$id.$version.snupkg" ] || { echo "$id: no .snupkg"; return 1; }
    # SourceLink: the PDBs map sources to the commit's raw files.
    local pdbs; pdbs="$(mktemp -d "$work/pdb.XXXX")"
    unzip -q -o "$feed/$id.$version.snupkg" '*.pdb' -d "$pdbs" || return 1
    local mapped
    mapped="$(find "$pdbs" -name '*.pdb' -exec grep -alE 'https://raw.githubusercontent.com/ncco-dev/ncco/[0-9a-f]{40}/' {} +)"
    [ -n "$mapped" ] || { echo "$id: no SourceLink map in the PDBs"; find "$pdbs" -name '*.pdb'; return 1; }
  fi
}
for id in Ncco.Runtime Ncco.Testing Ncco.Host Ncco.Host.Postgres Ncco.Media Ncco.Rtp Ncco.Sip; do
  check "package $id: metadata, README with 'dotnet add package $id', icon, symbols, SourceLink" \
    check_package "$id" "dotnet add package $id" yes
done
check "package Ncco.Cli: metadata, README with 'dotnet tool install', icon, symbols, SourceLink" \
  check_package Ncco.Cli "dotnet tool install --global Ncco.Cli" yes
check "package Ncco.Templates: metadata, README with 'dotnet new install Ncco.Templates', icon" \
  check_package Ncco.Templates "dotnet new install Ncco.Templates" no

runtime_analyzers() {
  local listing; listing="$(unzip -l "$feed/Ncco.Runtime.$version.nupkg")" || return 1
  grep -q ' analyzers/dotnet/cs/Ncco.Analyzers.dll$' <<<"$listing" && grep -q ' analyzers/dotnet/cs/Ncco.Analyzers.CodeFixes.dll$' <<<"$listing"
}
check "Ncco.Runtime carries the analyzers and code fixes (analyzers/dotnet/cs)" runtime_analyzers

# The packages a test project loads for its first scenario carry precompiled copies beside the IL build
# (src/ReadyToRun.targets): lib/net10.0 stays portable IL, runtimes/<rid>/lib/net10.0 are ReadyToRun images
# (a PE with the 'RTR' ReadyToRun header signature), one per shipped platform.
ready_to_run() {
  local id="$1" package="$feed/$1.$version.nupkg" dir rid
  dir="$(mktemp -d "$work/r2r.XXXX")" && unzip -q -o "$package" -d "$dir" || return 1
  [ -f "$dir/lib/net10.0/$id.dll" ] || { echo "$id: no lib/net10.0/$id.dll"; return 1; }
  if LC_ALL=C grep -qaP 'RTR\x00' "$dir/lib/net10.0/$id.dll"; then echo "$id: lib/net10.0 is not the IL build"; return 1; fi
  for rid in linux-x64 linux-arm64 win-x64 osx-arm64; do
    local image="$dir/runtimes/$rid/lib/net10.0/$id.dll"
    [ -f "$image" ] || { echo "$id: no runtimes/$rid/lib/net10.0/$id.dll"; unzip -l "$package"; return 1; }
    LC_ALL=C grep -qaP 'RTR\x00' "$image" || { echo "$id: runtimes/$rid/lib/net10.0/$id.dll is not a ReadyToRun image"; return 1; }
    echo "$rid: $(stat -c %s "$image") bytes (IL build $(stat -c %s "$dir/lib/net10.0/$id.dll"))"
  done
  echo "$id.$version.nupkg: $(stat -c %s "$package") bytes"
}
for id in Ncco.Runtime Ncco.Testing; do
  check "package $id: IL in lib/net10.0, ReadyToRun images in runtimes/{linux-x64,linux-arm64,win-x64,osx-arm64}/lib/net10.0" \
    ready_to_run "$id"
done

tool_size() {
  local size; size=$(stat -c %s "$feed/Ncco.Cli.$version.nupkg")
  echo "Ncco.Cli.$version.nupkg: $size bytes"
  local listing rids
  listing="$(unzip -l "$feed/Ncco.Cli.$version.nupkg")" || return 1
  rids="$(grep -o 'tools/net10.0/any/runtimes/[^/]*' <<<"$listing" | sort -u | sed 's|.*/||' | tr '\n' ' ')"
  echo "native platforms: $rids"
  [ "$size" -lt 15000000 ] && ! grep -qE '(^| )(ios|iossimulator|android|browser|maccatalyst)[^ ]*' <<<"$rids" && grep -q 'linux-x64' <<<"$rids"
}
check "the ncco tool package is under 15 MB and carries SQLite for the platforms .NET runs on only" tool_size

# --- restore settings for everything below ----------------------------------------------------------------------
export NUGET_PACKAGES="$work/packages"
source "$root/scripts/lib/local-feed.sh"
local_feed_config "$feed" "$work/nuget.config"
apps="$work/apps"
mkdir -p "$apps"
cp "$work/nuget.config" "$apps/nuget.config"

# --- 3. the template ---------------------------------------------------------------------------------------------
hive="$work/template-hive"
check "dotnet new install Ncco.Templates (from the feed, into a throw-away hive)" \
  dn new install "$feed/Ncco.Templates.$version.nupkg" --debug:custom-hive "$hive"
check "dotnet new ncco-app -n Acme.Voice" \
  dn new ncco-app -n Acme.Voice -o "$apps/Acme.Voice" --debug:custom-hive "$hive"
template_versions() {
  grep -q "Include=\"Ncco.Runtime\" Version=\"$version\"" "$apps/Acme.Voice/src/Acme.Voice/Acme.Voice.csproj" \
    && grep -q "Include=\"Ncco.Testing\" Version=\"$version\"" "$apps/Acme.Voice/tests/Acme.Voice.Tests/Acme.Voice.Tests.csproj"
}
check "the new app references Ncco.Runtime and Ncco.Testing $version" template_versions
check "dotnet test in the new app (the virtual caller dials it, packages from the feed)" \
  dn test "$apps/Acme.Voice/Acme.Voice.slnx" -nologo
# A RID-less test project gets the images through its deps.json (runtimeTargets) and the host loads the one for this
# machine; here the build output and the deps.json must name the linux-x64 one.
template_ready_to_run() {
  local bin="$apps/Acme.Voice/tests/Acme.Voice.Tests/bin/Debug/net10.0" id
  for id in Ncco.Runtime Ncco.Testing; do
    [ -f "$bin/runtimes/linux-x64/lib/net10.0/$id.dll" ] || { echo "no runtimes/linux-x64/lib/net10.0/$id.dll in $bin"; return 1; }
    grep -qF "\"runtimes/linux-x64/lib/net10.0/$id.dll\"" "$bin/Acme.Voice.Tests.deps.json" \
      || { echo "the deps.json does not list runtimes/linux-x64/lib/net10.0/$id.dll"; cat "$bin/Acme.Voice.Tests.deps.json"; return 1; }
  done
}
[ "$(uname -m)" = x86_64 ] && [ "$(uname -s)" = Linux ] && \
  check "the new app's tests get Ncco.Runtime and Ncco.Testing from runtimes/linux-x64 (deps.json runtimeTargets)" template_ready_to_run

# --- 4. the host inside a fresh ASP.NET Core app -----------------------------------------------------------------
hostapp="$apps/MyHost"
make_host_app() {
  dn new web -o "$hostapp" -n MyHost --no-https >/dev/null \
    && (cd "$hostapp" && dn add package Ncco.Host --version "$version") \
    && cat >"$hostapp/Program.cs" <<'EOF'
using Ncco.Host;

var builder = WebApplication.CreateBuilder(args);
builder.AddNccoHost();
var app = builder.Build();
await app.UseNccoHostAsync();
app.MapGet("/mine", () => "my own endpoint");
await app.RunAsync();
EOF
}
check "dotnet new web + dotnet add package Ncco.Host" make_host_app
check "the app with the embedded host builds" dn build "$hostapp" -nologo -v quiet
run_host_app() {
  local out="$work/hostapp.out"
  dotnet "$hostapp/bin/Debug/net10.0/MyHost.dll" --urls http://127.0.0.1:0 --Ncco:DataDirectory="$work/hostdata" \
    --Ncco:Sip:Enabled=false --Ncco:Demo:Enabled=false >"$out" 2>&1 &
  host_pid=$!
  local url="" i
  for i in $(seq 1 600); do
    url="$(grep -o 'Now listening on: http://127.0.0.1:[0-9]*' "$out" | head -n 1 | sed 's/Now listening on: //')"
    [ -n "$url" ] && break
    kill -0 "$host_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "the app did not start:"; cat "$out"; return 1; }
  local ready mine dashboard applications
  ready="$(curl -fsS "$url/health/ready")" && mine="$(curl -fsS "$url/mine")" && dashboard="$(curl -fsS "$url/dashboard")" \
    && applications="$(curl -sS -o /dev/null -w '%{http_code}' "$url/v2/applications")" || { cat "$out"; return 1; }
  echo "health/ready: $ready"; echo "mine: $mine"; echo "v2/applications without auth: $applications"
  [ "$mine" = "my own endpoint" ] && grep -qF '<title>Dashboard — Ncco</title>' <<<"$dashboard" && [ "$applications" = 401 ] \
    || { cat "$out"; return 1; }
}
check "the app runs: /health/ready, its own /mine, the host's dashboard (embedded assets) and /v2/applications (401 without auth)" run_host_app
if [ -n "$host_pid" ]; then kill "$host_pid" 2>/dev/null; wait "$host_pid" 2>/dev/null; host_pid=""; fi

# --- 5. the tool -------------------------------------------------------------------------------------------------
tools="$work/tools"
check "dotnet tool install Ncco.Cli --tool-path" \
  dn tool install Ncco.Cli --version "$version" --tool-path "$tools" --configfile "$work/nuget.config"
ncco_help() {
  local help; help="$("$tools/ncco" --help)" || return 1
  echo "$help"
  grep -qx '  ncco \[command\] \[options\]' <<<"$help" && ! grep -q 'Ncco.Cli' <<<"$help" && grep -q '^ *2  usage error' <<<"$help"
}
check "ncco --help says 'ncco' and lists the exit codes" ncco_help
exit_code_is() { local want="$1"; shift; "$@"; local got=$?; echo "exit $got (want $want)"; [ "$got" -eq "$want" ]; }
check "ncco validate: a valid NCCO exits 0" exit_code_is 0 "$tools/ncco" validate "$copy/examples/nccos/ivr-menu.json"
check "ncco validate: a directory is checked file by file, invalid input exits 1" exit_code_is 1 "$tools/ncco" validate "$copy/examples/nccos"
check "ncco validate: an unknown option exits 2" exit_code_is 2 "$tools/ncco" validate --bogus x.json
check "ncco validate: a missing file exits 3" exit_code_is 3 "$tools/ncco" validate "$work/missing.json"
tool_serves() {
  local out="$work/serve.out" url="" i status
  "$tools/ncco" serve --urls http://127.0.0.1:0 --data-directory "$work/tooldata" --no-demo --Ncco:Sip:Enabled=false >"$out" 2>&1 &
  host_pid=$!
  for i in $(seq 1 600); do
    url="$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$out" | head -n 1 | sed 's/listening on //')"
    [ -n "$url" ] && break
    kill -0 "$host_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "ncco serve did not start:"; cat "$out"; return 1; }
  curl -fsS "$url/health/ready" || { cat "$out"; return 1; }
  echo
  # SIGTERM stops it gracefully (calls drain), with exit code 0.
  kill -TERM "$host_pid"; wait "$host_pid"; status=$?; host_pid=""
  echo "ncco serve exited $status after SIGTERM"
  [ "$status" -eq 0 ] || { cat "$out"; return 1; }
}
check "ncco serve from the installed tool opens its SQLite store (the kept natives), answers /health/ready, stops on SIGTERM with 0" tool_serves

finish
