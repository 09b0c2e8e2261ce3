using System.CommandLine;

namespace Ncco.Host.Load;

/// <summary>
/// <c>dotnet run -c Release --project bench/Ncco.Host.Load -- [options] [--Section:Key=value …]</c>; see README.md.
/// An explicit class (not top-level statements) because Ncco.Host has a <c>Program</c> in the global namespace.
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        if (args is ["--echo-app"]) return EchoApp.RunAsync();
        var url = new Option<Uri?>("--url") { Description = "Measure a running host instead of starting one in-process." };
        var apiKey = new Option<string?>("--api-key") { Description = "With --url: the account's API key." };
        var apiSecret = new Option<string?>("--api-secret") { Description = "With --url: the account's API secret." };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "GET workers.", DefaultValueFactory = _ => 16 };
        var requests = new Option<int>("--requests", "-n") { Description = "Most GET requests per GET phase.", DefaultValueFactory = _ => 10_000 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds of the two GET phases (fresh token, reused token), alternating.", DefaultValueFactory = _ => 1 };
        var createConcurrency = new Option<int>("--create-concurrency") { Description = "POST workers.", DefaultValueFactory = _ => 8 };
        var creates = new Option<int>("--creates") { Description = "Most POST /v1/calls requests.", DefaultValueFactory = _ => 500 };
        var duration = new Option<int>("--duration", "-d") { Description = "Most seconds per phase.", DefaultValueFactory = _ => 10 };
        var ncco = new Option<string?>("--ncco") { Description = "NCCO (JSON array) of created calls; default a short talk." };
        var wrk = new Option<int>("--wrk") { Description = "Seconds of each out-of-process wrk phase (reused token, fresh token) after the HttpClient phases; 0 skips them.", DefaultValueFactory = _ => 0 };
        var wrkThreads = new Option<int>("--wrk-threads") { Description = "wrk threads (-t); its connections are --concurrency.", DefaultValueFactory = _ => 2 };
        var wrkReusedOnly = new Option<bool>("--wrk-reused-only") { Description = "Run only the reused-token wrk phase (no fresh tokens to mint; for profiling the host)." };
        var allocProfile = new Option<bool>("--alloc-profile") { Description = "During the reused-token wrk phases, sample what the process allocates by type (GC allocation ticks) and print the largest." };
        var hold = new Option<int>("--hold") { Description = "Seconds of a steady window after the POST phase (no HTTP load): late media ticks, CPU, RSS with the calls up; 0 skips it.", DefaultValueFactory = _ => 0 };
        var to = new Option<string?>("--to") { Description = "The to endpoint (JSON object) of created calls; default the demo echo bot." };
        var echoApp = new Option<bool>("--echo-app-process") { Description = "Start this bench's WebSocket echo app (--echo-app) as a process of its own and call it instead of the in-process demo bot; its CPU is reported apart from the host's." };
        var appPid = new Option<int>("--app-pid") { Description = "A WebSocket application's process id (e.g. an --echo-app started by a script) whose CPU the --hold window reports apart from the host's." };

        var root = new RootCommand("Loopback load on the Ncco host's Voice REST API: POST /v1/calls and GET /v1/calls/{uuid}. " +
            "Other --Section:Key=value arguments configure the in-process host.")
        {
            url, apiKey, apiSecret, concurrency, requests, rounds, createConcurrency, creates, duration, ncco, to, wrk, wrkThreads, wrkReusedOnly, allocProfile, hold, echoApp, appPid,
        };
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((parse, cancellationToken) =>
        {
            var options = new LoadOptions
            {
                Url = parse.GetValue(url),
                ApiKey = parse.GetValue(apiKey),
                ApiSecret = parse.GetValue(apiSecret),
                Concurrency = Math.Max(1, parse.GetValue(concurrency)),
                Requests = Math.Max(0, parse.GetValue(requests)),
                Rounds = Math.Clamp(parse.GetValue(rounds), 1, 10),
                CreateConcurrency = Math.Max(1, parse.GetValue(createConcurrency)),
                Creates = Math.Max(0, parse.GetValue(creates)),
                Duration = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(duration))),
                Ncco = parse.GetValue(ncco),
                To = parse.GetValue(to),
                WrkSeconds = Math.Clamp(parse.GetValue(wrk), 0, 120),
                WrkThreads = Math.Clamp(parse.GetValue(wrkThreads), 1, 16),
                WrkReusedOnly = parse.GetValue(wrkReusedOnly),
                AllocationProfile = parse.GetValue(allocProfile),
                HoldSeconds = Math.Clamp(parse.GetValue(hold), 0, 600),
                EchoAppProcess = parse.GetValue(echoApp),
                AppPid = Math.Max(0, parse.GetValue(appPid)),
            };
            return new LoadRunner(options, parse.UnmatchedTokens, Console.Out).RunAsync(cancellationToken);
        });
        return root.Parse(args).InvokeAsync();
    }
}
