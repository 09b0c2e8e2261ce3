using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Ncco.Host.Demo;
using Ncco.Host.Operations;

namespace Ncco.Host.Load;

/// <summary>
/// Loopback load on the Voice REST API: starts the host in-process on Kestrel (or uses <see cref="LoadOptions.Url"/>),
/// creates an application over <c>/v2/applications</c>, pre-mints the RS256 JWTs it will send (signing is client cost
/// and must not be part of what is measured), then runs bounded phases, each with a fixed number of concurrent
/// workers: <c>POST /v1/calls</c>, then <c>GET /v1/calls/{uuid}</c> twice per round, side by side — every request with
/// a fresh token (a new <c>jti</c>, so the host verifies RS256 each time), and one token per worker reused for all its
/// requests (as SDK users with a cached token and curl users with an exported <c>$JWT</c> do).
/// </summary>
internal sealed class LoadRunner(LoadOptions options, IReadOnlyList<string> hostArgs, TextWriter output)
{
    private const int WarmupRequests = 100;
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    private string? _to = options.To;
    private int _appPid = options.AppPid;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        InProcessHost? host = null;
        System.Diagnostics.Process? echoApp = null;
        try
        {
            if (options.EchoAppProcess)
            {
                (echoApp, var uri) = await EchoAppProcess.StartAsync(cancellationToken);
                _appPid = echoApp.Id;
                _to ??= new JsonObject { ["type"] = "websocket", ["uri"] = uri, ["content-type"] = "audio/l16;rate=16000" }.ToJsonString();
                output.WriteLine($"app: echo app process {echoApp.Id} at {uri}");
            }
            Uri baseUrl;
            string apiKey, apiSecret;
            if (options.Url is null)
            {
                host = await InProcessHost.StartAsync(hostArgs, cancellationToken);
                (baseUrl, apiKey, apiSecret) = (host.BaseUrl, host.ApiKey, host.ApiSecret);
                output.WriteLine($"host: in-process on {baseUrl} (data {host.DataDirectory}); it shares this machine's {Environment.ProcessorCount} cores with the load");
            }
            else
            {
                if (options.ApiKey is null || options.ApiSecret is null)
                {
                    output.WriteLine("--url needs --api-key and --api-secret (to create the bench application).");
                    return 2;
                }
                (baseUrl, apiKey, apiSecret) = (options.Url, options.ApiKey, options.ApiSecret);
                output.WriteLine($"host: {baseUrl}");
            }

            using var http = new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = Math.Max(options.Concurrency, options.CreateConcurrency),
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            })
            {
                BaseAddress = baseUrl,
                Timeout = TimeSpan.FromSeconds(30),
            };

            var (applicationId, privateKey) = await CreateApplicationAsync(http, apiKey, apiSecret, baseUrl, cancellationToken);
            output.WriteLine($"application: {applicationId}");

            // The fresh-token wrk phase needs one token per request it can send: 5k/s (a fresh token costs an RS256
            // verification, which this box does at a few thousand per second in all); more would cost minutes of minting.
            var wrkAvailable = options.WrkSeconds > 0 && WrkRunner.Available();
            var wrkFresh = wrkAvailable && !options.WrkReusedOnly ? options.WrkSeconds * 5_000 : 0;
            var total = WarmupRequests + options.Creates + options.Requests * options.Rounds + wrkFresh;
            var minting = TimeProvider.System.GetTimestamp();
            var tokens = MintTokens(privateKey, applicationId, total + options.Concurrency);
            output.WriteLine($"tokens: {tokens.Length} RS256 JWTs minted in {TimeProvider.System.GetElapsedTime(minting).TotalSeconds:F1} s (not measured below)");
            // The reused-token phase: worker w sends tokens[total + w] every time.
            var workerTokens = tokens[total..];

            var nextToken = 0;
            string Token() => tokens[Interlocked.Increment(ref nextToken) - 1];

            // Warm-up: JIT, connection pool, SQLite page cache. Not reported.
            await RunPhaseAsync("warm-up", WarmupRequests, options.Concurrency, (_, _, ct) => GetAsync(http, Token(), Guid.NewGuid().ToString(), ct), cancellationToken);

            var created = new ConcurrentQueue<string>();
            string? firstFailure = null;
            var body = CreateBody(baseUrl);
            var create = await RunPhaseAsync("POST /v1/calls", options.Creates, options.CreateConcurrency, async (_, _, ct) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "v1/calls") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token());
                using var response = await http.SendAsync(request, ct);
                if (!response.IsSuccessStatusCode && firstFailure is null)
                {
                    Interlocked.CompareExchange(ref firstFailure, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}", null);
                }
                if ((int)response.StatusCode == 201)
                {
                    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                    if (json.RootElement.TryGetProperty("uuid", out var uuid) && uuid.GetString() is { } id) created.Enqueue(id);
                }
                return (int)response.StatusCode;
            }, cancellationToken);

            var uuids = created.ToArray();
            if (options.HoldSeconds > 0) await HoldAsync(http, uuids.Length, host is not null, cancellationToken);
            if (uuids.Length == 0) output.WriteLine("note: no call was created, so GET asks for unknown uuids (404): it still measures routing, JWT checks and the lookup");
            string Uuid(int i) => uuids.Length > 0 ? uuids[i % uuids.Length] : "00000000-0000-4000-8000-" + i.ToString("x12", CultureInfo.InvariantCulture);
            // Warm the reused tokens' first verification too, so both phases start from a warm host.
            foreach (var token in workerTokens) await GetAsync(http, token, Uuid(0), cancellationToken);

            var phases = new List<LatencyStats> { create };
            for (var round = 1; round <= options.Rounds; round++)
            {
                var suffix = options.Rounds > 1 ? $" #{round}" : "";
                phases.Add(await RunPhaseAsync("GET /v1/calls/{uuid}, fresh token" + suffix, options.Requests, options.Concurrency,
                    (i, _, ct) => GetAsync(http, Token(), Uuid(i), ct), cancellationToken));
                phases.Add(await RunPhaseAsync("GET /v1/calls/{uuid}, reused token" + suffix, options.Requests, options.Concurrency,
                    (i, worker, ct) => GetAsync(http, workerTokens[worker], Uuid(i), ct), cancellationToken));
            }

            var wrkPhases = new List<WrkResult>();
            if (options.WrkSeconds > 0)
            {
                if (!wrkAvailable)
                {
                    output.WriteLine("wrk: not on the PATH (Debian: apt-get install wrk); wrk phases skipped");
                }
                else
                {
                    var wrk = new WrkRunner(output);
                    var ids = uuids.Length > 0 ? uuids : [Uuid(0)];
                    var wrkDuration = TimeSpan.FromSeconds(options.WrkSeconds);
                    // The fresh tokens the HttpClient phases did not use; each is sent once.
                    var unused = tokens[Volatile.Read(ref nextToken)..total];
                    for (var round = 1; round <= options.Rounds; round++)
                    {
                        var suffix = options.Rounds > 1 ? $" #{round}" : "";
                        using var sampler = options.AllocationProfile ? new AllocationSampler() : null;
                        sampler?.Start();
                        var reused = await wrk.RunAsync("wrk GET /v1/calls/{uuid}, reused token" + suffix, baseUrl, ids, [workerTokens[0]],
                            options.Concurrency, options.WrkThreads, wrkDuration, cancellationToken);
                        if (reused is not null) wrkPhases.Add(reused);
                        if (sampler?.Stop() is { } sampled && reused is { Requests: > 0 })
                        {
                            var all = sampled.Sum(p => p.Bytes);
                            output.WriteLine($"allocations sampled by type during that phase (GC allocation ticks, ≈ bytes per request):");
                            foreach (var (type, bytes) in sampled.Take(30))
                            {
                                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {bytes / (double)reused.Requests,8:F1} B/req  {100.0 * bytes / all,5:F1} %  {type}"));
                            }
                        }
                        if (options.WrkReusedOnly) continue;
                        var slice = unused.Skip((round - 1) * unused.Length / options.Rounds).Take(unused.Length / options.Rounds).ToArray();
                        var fresh = await wrk.RunAsync("wrk GET /v1/calls/{uuid}, fresh token" + suffix, baseUrl, ids, slice,
                            options.Concurrency, options.WrkThreads, wrkDuration, cancellationToken);
                        if (fresh is not null && fresh.Requests > slice.Length)
                        {
                            output.WriteLine($"note: wrk sent {fresh.Requests} requests with {slice.Length} fresh tokens, so some tokens were sent twice (cache hits)");
                        }
                        if (fresh is not null) wrkPhases.Add(fresh);
                    }
                }
            }

            output.WriteLine();
            WriteTable(phases, options);
            if (wrkPhases.Count > 0) WriteWrkTable(wrkPhases, options);
            await WriteHostCountersAsync(http, cancellationToken);
            if (host is not null)
            {
                // The host runs in this process: its CPU time and resident memory (calls still up) are this process's.
                using var self = System.Diagnostics.Process.GetCurrentProcess();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"bench process (host in-process, calls still up): CPU {self.TotalProcessorTime.TotalSeconds:F1} s, RSS {self.WorkingSet64 / (1024.0 * 1024):F0} MiB"));
            }
            if (firstFailure is not null) output.WriteLine($"first failed POST /v1/calls: {firstFailure}");
            return 0;
        }
        finally
        {
            if (host is not null) await host.DisposeAsync();
            if (echoApp is not null) await EchoAppProcess.StopAsync(echoApp);
        }
    }

    private static async Task<int> GetAsync(HttpClient http, string token, string uuid, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/calls/" + uuid);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return (int)response.StatusCode;
    }

    /// <param name="send">Sends request <c>i</c> from worker <c>w</c>: <c>(i, w, ct) =&gt; status</c>.</param>
    private async Task<LatencyStats> RunPhaseAsync(string name, int maxRequests, int workers, Func<int, int, CancellationToken, Task<int>> send, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Duration);
        var next = -1;
        var latencies = new List<double>[workers];
        var statuses = new ConcurrentDictionary<int, int>();
        var started = TimeProvider.System.GetTimestamp();

        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = new List<double>(maxRequests / workers + 1);
            while (!deadline.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= maxRequests) break;
                var sent = TimeProvider.System.GetTimestamp();
                int status;
                try
                {
                    status = await send(i, worker, cancellationToken);
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // HttpClient's own timeout.
                    status = -1;
                }
                mine.Add(TimeProvider.System.GetElapsedTime(sent).TotalMilliseconds);
                statuses.AddOrUpdate(status, 1, (_, count) => count + 1);
            }
        }, cancellationToken)));

        var stats = new LatencyStats(name, latencies.SelectMany(l => l ?? []).ToList(), statuses, TimeProvider.System.GetElapsedTime(started));
        if (name != "warm-up") output.WriteLine($"{name}: {stats.Count} requests in {stats.Elapsed.TotalSeconds:F1} s");
        return stats;
    }

    private async Task<(string Id, string PrivateKey)> CreateApplicationAsync(HttpClient http, string apiKey, string apiSecret, Uri baseUrl, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["name"] = "load bench",
            ["capabilities"] = new JsonObject
            {
                ["voice"] = new JsonObject
                {
                    ["webhooks"] = new JsonObject
                    {
                        ["answer_url"] = new JsonObject { ["address"] = new Uri(baseUrl, "demo/answer").ToString(), ["http_method"] = "GET" },
                        ["event_url"] = new JsonObject { ["address"] = new Uri(baseUrl, "demo/events").ToString(), ["http_method"] = "POST" },
                    },
                },
            },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v2/applications") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(apiKey + ":" + apiSecret)));
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /v2/applications answered {(int)response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        return (json.RootElement.GetProperty("id").GetString()!, json.RootElement.GetProperty("keys").GetProperty("private_key").GetString()!);
    }

    private static string[] MintTokens(string privateKeyPem, string applicationId, int count)
    {
        var tokens = new string[count];
        var now = TimeProvider.System.GetUtcNow();
        // One RSA object per thread: signing on a shared instance is not documented as thread-safe.
        Parallel.For(0, count,
            () =>
            {
                var rsa = RSA.Create();
                rsa.ImportFromPem(privateKeyPem);
                return rsa;
            },
            (i, _, rsa) =>
            {
                tokens[i] = ApplicationJwtIssuer.Create(rsa, applicationId, now, TokenLifetime);
                return rsa;
            },
            rsa => rsa.Dispose());
        return tokens;
    }

    private string CreateBody(Uri baseUrl)
    {
        var to = _to ?? new JsonObject
        {
            ["type"] = "websocket",
            ["uri"] = DemoNccos.BotUrl(baseUrl).ToString(),
            ["content-type"] = DemoNccos.BotContentType,
        }.ToJsonString();
        var ncco = options.Ncco ?? """[{"action":"talk","text":"Hello from Ncco"}]""";
        // The Voice API requires a caller id unless random_from_number is set; any E.164 number will do here.
        return $$"""{"to":[{{to}}],"from":{"type":"phone","number":"447700900000"},"ncco":{{ncco}}}""";
    }

    private void WriteTable(IEnumerable<LatencyStats> phases, LoadOptions run)
    {
        output.WriteLine($"concurrency: GET {run.Concurrency}, POST {run.CreateConcurrency}; bound per phase: {run.Duration.TotalSeconds:F0} s");
        output.WriteLine();
        output.WriteLine("| phase | requests | 2xx | other statuses | req/s | p50 ms | p90 ms | p99 ms | max ms |");
        output.WriteLine("| -- | --: | --: | -- | --: | --: | --: | --: | --: |");
        foreach (var phase in phases)
        {
            var others = string.Join(" ", phase.Statuses.Where(s => s.Key is < 200 or >= 300).OrderBy(s => s.Key).Select(s => $"{StatusName(s.Key)}×{s.Value}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {phase.Name} | {phase.Count} | {phase.Succeeded} | {(others.Length == 0 ? "-" : others)} | {phase.RequestsPerSecond:F0} | {phase.Percentile(50):F2} | {phase.Percentile(90):F2} | {phase.Percentile(99):F2} | {phase.Max:F2} |"));
        }
        output.WriteLine();
    }

    private void WriteWrkTable(IEnumerable<WrkResult> phases, LoadOptions run)
    {
        output.WriteLine($"wrk (a separate process): {run.Concurrency} connections, {run.WrkThreads} threads, {run.WrkSeconds} s per phase");
        output.WriteLine();
        // Host CPU per request only when the host runs in this process (with --url the bench process is idle).
        var inProcess = run.Url is null;
        output.WriteLine("| phase | requests | non-2xx | socket errors | req/s | p50 ms | p90 ms | p99 ms | max ms | host CPU µs/req | host B/req |");
        output.WriteLine("| -- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |");
        foreach (var phase in phases)
        {
            var cpu = inProcess ? phase.CpuMicrosecondsPerRequest.ToString("F1", CultureInfo.InvariantCulture) : "-";
            var bytes = inProcess ? phase.AllocatedBytesPerRequest.ToString("F0", CultureInfo.InvariantCulture) : "-";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {phase.Name} | {phase.Requests} | {phase.Non2xx} | {phase.SocketErrors} | {phase.RequestsPerSecond:F0} | {phase.P50Ms:F2} | {phase.P90Ms:F2} | {phase.P99Ms:F2} | {phase.MaxMs:F2} | {cpu} | {bytes} |"));
        }
        output.WriteLine();
    }

    private static string StatusName(int status) => status switch
    {
        0 => "connection-error",
        -1 => "timeout",
        _ => status.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The host's <c>/metrics</c> as one sampler: a series' values summed over its labels (0 when absent). A name with a
    /// label selector's start (<c>series{cause="wake"</c>) sums the series whose labels begin with it.
    /// </summary>
    private static async Task<Func<string, double>> MetricsAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var lines = (await http.GetStringAsync(new Uri("metrics", UriKind.Relative), cancellationToken)).Split('\n');
        return name => lines
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && (name.Contains('{', StringComparison.Ordinal) || l.Length == name.Length || l[name.Length] is '{' or ' '))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The steady window (<c>--hold</c>): waits (at most <see cref="LoadOptions.Duration"/>) for the created calls' media
    /// legs to be up, lets them settle for 3 s, then measures <see cref="LoadOptions.HoldSeconds"/> with no HTTP load: the
    /// media clock's late ticks (every live WebSocket leg gets a late tick's frames late), the host's CPU and RSS.
    /// </summary>
    private async Task HoldAsync(HttpClient http, int created, bool inProcess, CancellationToken cancellationToken)
    {
        try
        {
            await MeasureHoldAsync(http, created, inProcess, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // An overloaded host may not answer /metrics within the client's timeout: say so rather than end the run.
            output.WriteLine($"hold: /metrics did not answer ({e.GetType().Name}); no steady-window figures");
        }
    }

    private async Task MeasureHoldAsync(HttpClient http, int created, bool inProcess, CancellationToken cancellationToken)
    {
        var waited = TimeProvider.System.GetTimestamp();
        while ((await MetricsAsync(http, cancellationToken))("ncco_media_legs_active") < created && TimeProvider.System.GetElapsedTime(waited) < options.Duration)
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var before = await MetricsAsync(http, cancellationToken);
        self.Refresh();
        var cpu0 = self.TotalProcessorTime;
        using var app = _appPid > 0 ? System.Diagnostics.Process.GetProcessById(_appPid) : null;
        var appCpu0 = app?.TotalProcessorTime ?? TimeSpan.Zero;
        var started = TimeProvider.System.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(options.HoldSeconds), cancellationToken);
        var after = await MetricsAsync(http, cancellationToken);
        self.Refresh();
        app?.Refresh();
        var appCpu = ((app?.TotalProcessorTime ?? TimeSpan.Zero) - appCpu0).TotalSeconds;
        var elapsed = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
        var cpu = (self.TotalProcessorTime - cpu0).TotalSeconds;
        // What the calls hold, not what the collector has reserved: live managed bytes after a full collection (taken
        // after the window, so its pause is not in the late-tick count).
        var live = inProcess ? GC.GetTotalMemory(forceFullCollection: true) / (1024.0 * 1024) : 0;
        double Delta(string name) => after(name) - before(name);
        var legs = (before("ncco_media_legs_active") + after("ncco_media_legs_active")) / 2;
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        var perLeg = legs > 0 ? cpu * 1000 / (legs * elapsed) : 0;
        output.WriteLine(
            FormattableString.Invariant($"hold: {before("ncco_media_legs_active"):F0} → {after("ncco_media_legs_active"):F0} media legs up ({created} created) over {elapsed:F1} s; ")
            + FormattableString.Invariant($"late ticks {Delta("ncco_media_frames_late_total"):F0} (spanning a GC {Delta("ncco_media_frames_late_gc_total"):F0}, after an overrunning tick {Delta("ncco_media_frames_late_cause_total{cause=\"overrun\""):F0}, woken late {Delta("ncco_media_frames_late_cause_total{cause=\"wake\""):F0}), GC pause {Delta("ncco_runtime_gc_pause_time_seconds_total") * 1000:F0} ms; ")
            + (inProcess ? FormattableString.Invariant($"process CPU {cpu:F1} s ({cpu / elapsed:F2} cores, {perLeg:F3} ms per leg-second), RSS {self.WorkingSet64 / (1024.0 * 1024):F0} MiB, managed heap live {live:F0} MiB; ") : "")
            + (app is not null ? FormattableString.Invariant($"app process {_appPid} (not in the figures before): CPU {appCpu:F1} s ({appCpu / elapsed:F2} cores, {(legs > 0 ? appCpu * 1000 / (legs * elapsed) : 0):F3} ms per leg-second), RSS {app.WorkingSet64 / (1024.0 * 1024):F0} MiB; ") : "")
            + $"load average {load}");
    }

    private async Task WriteHostCountersAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            var Sum = await MetricsAsync(http, cancellationToken);
            output.WriteLine($"host counters: ncco_calls_started_total {Sum("ncco_calls_started_total")}, ncco_calls_active {Sum("ncco_calls_active")}, ncco_api_rate_limited_total {Sum("ncco_api_rate_limited_total")}, "
                + $"ncco_media_legs_active {Sum("ncco_media_legs_active")}, ncco_media_frames_late_total {Sum("ncco_media_frames_late_total")}, ncco_media_frames_late_gc_total {Sum("ncco_media_frames_late_gc_total")}");
        }
        catch (HttpRequestException)
        {
            output.WriteLine("host counters: /metrics not reachable");
        }
    }
}
