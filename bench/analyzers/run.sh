#!/usr/bin/env bash
# Measures what the Ncco analyzers add to a build: generates a 500-file ASP.NET project that writes NCCOs in all
# three ways (typed builder, JSON literals, anonymous objects returned from endpoints), references the packed
# Ncco.Runtime package, and times full rebuilds with and without the Ncco analyzers (the SDK's own analyzers
# stay on in both), alternating, on a warm compiler server. The machine is shared, so wall times are noisy: the
# minimum and the median are printed, plus the compiler's own per-analyzer timing (ReportAnalyzer), which is the
# figure least affected by other load. Usage: bench/analyzers/run.sh [files=500] [rounds=5]
set -euo pipefail
files="${1:-500}"
rounds="${2:-5}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d /tmp/ncco-bench-XXXXXX)"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

version="0.0.0-bench.$(date +%s)"
dotnet pack "$root/src/Ncco.Runtime/Ncco.Runtime.csproj" -c Release -o "$work/feed" -p:Version="$version" -nologo -v q >/dev/null

project="$work/app"
mkdir -p "$project"
cat > "$project/BenchApp.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <NoWarn>\$(NoWarn);NCCO022;CS1591</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <FrameworkReference Include="Microsoft.AspNetCore.App" />
    <PackageReference Include="Ncco.Runtime" Version="$version" />
  </ItemGroup>
  <!-- NccoAnalyzers=false drops only our analyzer assemblies from the compilation. -->
  <Target Name="DropNccoAnalyzers" BeforeTargets="CoreCompile" Condition="'\$(NccoAnalyzers)' == 'false'">
    <ItemGroup>
      <Analyzer Remove="@(Analyzer)" Condition="\$([System.String]::Copy('%(Filename)').StartsWith('Ncco.Analyzers'))" />
    </ItemGroup>
  </Target>
</Project>
XML

for i in $(seq 1 "$files"); do
  cat > "$project/Flow$i.cs" <<CS
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Ncco;
using Ncco.Model;
using Ncco.Model.Endpoints;

namespace BenchApp;

public static class Flow$i
{
    private const string Menu = """
        [
          { "action": "talk", "text": "Welcome to flow $i. Press 1 for sales.", "bargeIn": true, "language": "en-GB", "style": 2 },
          { "action": "input", "type": ["dtmf"], "dtmf": { "maxDigits": 1, "timeOut": 5 }, "eventUrl": ["https://example.com/menu/$i"] }
        ]
        """;

    public static NccoDocument FromJson() => NccoDocument.Parse(Menu);

    public static NccoDocument Built(string baseUrl) => NccoBuilder.Create()
        .Talk("Connecting you to sales, flow $i", loop: 1, level: 0.5)
        .Record(endOnSilence: 3, timeout: 120, eventUrl: baseUrl + "/recording/$i")
        .Connect(CallEndpoint.Phone("4477009$(printf '%05d' "$i")"), from: "447700900001", timeout: 30, limit: 3600)
        .Input(InputTypes.Dtmf | InputTypes.Speech, eventUrl: baseUrl + "/input/$i", dtmf: new() { MaxDigits = 4 }, speech: new() { Language = "en-GB" })
        .Build();

    public static void Map(WebApplication app, string baseUrl)
    {
        app.MapGet("/answer/$i", () => Results.Json(new object[]
        {
            new { action = "talk", text = "Hello from flow $i", bargeIn = true },
            new { action = "input", type = new[] { "dtmf" }, dtmf = new { maxDigits = 2 }, eventUrl = new[] { baseUrl + "/event/$i" } },
            new { action = "conversation", name = "room-$i", startOnEnter = false, musicOnHoldUrl = new[] { "https://example.com/moh.mp3" } },
        }));
        app.MapPost("/event/$i", (HttpContext context) => new object[]
        {
            new { action = "stream", streamUrl = new[] { "https://example.com/hold.mp3" }, loop = 2 },
            new { action = "notify", payload = new { step = $i }, eventUrl = new[] { baseUrl + "/notify" } },
        });
    }

    public static int Plain(int x) => x * $i + Helper(x);

    private static int Helper(int x) => x % 7 == 0 ? x / 7 : x + 1;
}
CS
done

dotnet restore "$project" --packages "$work/packages" --source "$work/feed" --source https://api.nuget.org/v3/index.json -v q >/dev/null

build() { # $1 = true|false
  local start end
  start=$(date +%s.%N)
  dotnet build "$project" --no-restore --no-incremental -nologo -v q -p:NccoAnalyzers="$1" -p:RestorePackagesPath="$work/packages" > "$work/build-$1.log" 2>&1 \
    || { cat "$work/build-$1.log" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f\n", b - a }'
}

echo "warm-up..." >&2
build true >/dev/null; build false >/dev/null
grep -c "warning NCCO" "$work/build-true.log" | sed 's/^/NCCO warnings in the generated project (expected 0): /' >&2 || true

with=(); without=()
for r in $(seq 1 "$rounds"); do
  without+=("$(build false)")
  with+=("$(build true)")
  echo "round $r: without ${without[-1]} s, with ${with[-1]} s" >&2
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
minimum() { printf '%s\n' "$@" | sort -n | head -n 1; }
echo "files=$files rounds=$rounds"
mw=$(minimum "${with[@]}"); mwo=$(minimum "${without[@]}")
echo "min full rebuild without Ncco analyzers:    ${mwo} s"
echo "min full rebuild with Ncco analyzers:       ${mw} s"
awk -v w="$mw" -v wo="$mwo" 'BEGIN { printf "overhead (min): %.1f %%\n", (w - wo) * 100 / wo }'
w=$(median "${with[@]}"); wo=$(median "${without[@]}")
echo "median full rebuild without Ncco analyzers: ${wo} s"
echo "median full rebuild with Ncco analyzers:    ${w} s"
awk -v w="$w" -v wo="$wo" 'BEGIN { printf "overhead (median): %.1f %%\n", (w - wo) * 100 / wo }'
echo "compiler-reported analyzer time (ReportAnalyzer, summed over threads):"
dotnet build "$project" --no-restore --no-incremental -nologo -v d -p:ReportAnalyzer=true -p:RestorePackagesPath="$work/packages" 2>&1 \
  | grep -E "Total analyzer execution time|^ +[0-9.<]+ +[0-9<]+ +(Ncco\.Analyzers|Microsoft\.AspNetCore\.App\.Analyzers|Microsoft\.CodeAnalysis\.NetAnalyzers)," \
  | sed -E 's/, Version=.*//; s/^ +/  /' | head -n 4
