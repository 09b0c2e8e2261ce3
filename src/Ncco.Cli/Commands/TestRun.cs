using System.Globalization;
using Ncco.Cli.Output;
using Ncco.Testing;
using Ncco.Testing.Scenarios;
using Ncco.Testing.VoiceApi;

namespace Ncco.Cli.Commands;

/// <summary>
/// One <c>ncco test</c> invocation: finds and loads the scenario files, checks the app answers, runs every scenario in
/// order (one at a time: scenarios share the app, and an app's state keyed by number must not see two calls at once),
/// prints progress and a summary, and writes the JUnit file. With <c>--watch</c> it does that again after each change.
/// </summary>
internal sealed class TestRun(IReadOnlyList<string> paths, Uri app, ScenarioApp defaults, string? junitPath, string callLogDirectory, CliConsole console, TimeProvider time)
{
    /// <summary>How often <c>--watch</c> looks at the scenario files.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a changed file must stay the same before the run starts: editors write a file in several steps.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    /// <summary><c>--api-port</c>: serve the Voice REST API there for the whole command (null: not served).</summary>
    public int? ApiPort { get; init; }

    /// <summary><c>--api-settle</c> (null: the simulator's default).</summary>
    public TimeSpan? ApiSettle { get; init; }

    // Started once per command, not per run: the app was started with its URL and keeps it across --watch runs.
    private VoiceApiServer? _api;

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        if (!await StartApiAsync(cancellationToken).ConfigureAwait(false)) return ExitCodes.Failure;
        try
        {
            return await RunAsync(http, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (_api is not null) await _api.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> StartApiAsync(CancellationToken cancellationToken)
    {
        if (ApiPort is not { } port) return true;
        try
        {
            _api = await VoiceApiServer.StartAsync(port, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (IOException e)
        {
            console.Error.WriteLine($"{NccoCommandLine.Name} test: cannot serve the Voice API on 127.0.0.1:{port}: {e.Message}. Is the port taken? --api-port 0 takes a free one.");
            return false;
        }
    }

    /// <summary>Runs, then runs again after every change to a scenario file under the paths, until cancelled; returns the last run's exit code.</summary>
    /// <remarks>
    /// Polls file names, sizes and times every <see cref="PollInterval"/> rather than using FileSystemWatcher: inotify
    /// instances are a small per-user limit that a busy machine (IDEs, test hosts) runs out of, and missed or doubled
    /// events differ by platform and editor. A poll over a folder of scenario files costs microseconds.
    /// </remarks>
    public async Task<int> WatchAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        if (!await StartApiAsync(cancellationToken).ConfigureAwait(false)) return ExitCodes.Failure;
        await using var api = _api;
        while (true)
        {
            var before = Snapshot();
            var exit = await RunAsync(http, cancellationToken).ConfigureAwait(false);
            console.Out.WriteLine("Watching for changes to scenario files (Ctrl+C to stop)…");
            console.Out.Flush();
            try
            {
                var now = before;
                while (now == before)
                {
                    await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
                    now = Snapshot();
                }
                // Editors write a file in several steps: go on once it has stayed the same for a while.
                for (var settled = now; ; settled = now)
                {
                    await Task.Delay(Settle, time, cancellationToken).ConfigureAwait(false);
                    now = Snapshot();
                    if (now == settled) break;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return exit;
            }
            console.Out.WriteLine();
            console.Out.WriteLine("A scenario file changed: running again.");
        }
    }

    // Names, sizes and write times of every scenario file the paths stand for (and paths that are missing).
    private string Snapshot()
    {
        var sb = new System.Text.StringBuilder();
        foreach (var path in paths)
        {
            try
            {
                foreach (var file in ScenarioLoader.Find(path))
                {
                    var info = new FileInfo(file);
                    sb.Append(file).Append('|').Append(info.Exists ? info.Length : -1).Append('|').Append(info.Exists ? info.LastWriteTimeUtc.Ticks : 0).Append('\n');
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                sb.Append(path).Append("|unreadable\n");
            }
        }
        return sb.ToString();
    }

    private async Task<int> RunAsync(HttpClient http, CancellationToken cancellationToken)
    {
        // 1. The files: a path that is not there is the command's failure (3), not a test's.
        var files = new List<string>();
        var missing = false;
        var emptyDirectories = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                IReadOnlyList<string> found;
                try
                {
                    found = ScenarioLoader.Find(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    console.Error.WriteLine($"{NccoCommandLine.Name} test: cannot read the directory {path}: {e.Message}");
                    missing = true;
                    continue;
                }
                if (found.Count == 0) emptyDirectories.Add(path);
                files.AddRange(found);
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                console.Error.WriteLine($"{NccoCommandLine.Name} test: no such file or directory: {path}");
                missing = true;
            }
        }
        if (missing) return ExitCodes.Failure;

        var loaded = new List<ScenarioFile>();
        foreach (var file in files.Distinct(StringComparer.Ordinal))
        {
            try
            {
                loaded.Add(ScenarioLoader.Load(file));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                console.Error.WriteLine($"{NccoCommandLine.Name} test: cannot read {file}: {e.Message}");
                return ExitCodes.Failure;
            }
        }
        var scenarios = loaded.SelectMany(f => f.Scenarios).ToList();
        var report = new ScenarioConsoleReport(console.Out, Display);
        report.Start(scenarios.Count, loaded.Count, app);
        if (_api is not null) report.Note($"Voice REST API for the app: {_api.BaseUrl.GetLeftPart(UriPartial.Authority)} (VONAGE_API_HOST; any well-formed application JWT)");
        foreach (var directory in emptyDirectories) report.Note($"{directory}: no scenario files (*.yaml, *.yml) in it");

        // 2. The app answers at all, or nothing can pass: say so once instead of failing every scenario the same way.
        if (scenarios.Count > 0 && await ReachAsync(http, cancellationToken).ConfigureAwait(false) is { } unreachable)
        {
            console.Error.WriteLine($"{NccoCommandLine.Name} test: cannot reach the app at {app}: {unreachable}. Is it running, and is --app right?");
            return ExitCodes.Failure;
        }

        // 3. Every scenario, one at a time.
        var runner = new ScenarioRunner(
            configure => Task.FromResult(VoiceSimulator.Start(app, o =>
            {
                o.LogDirectory = callLogDirectory;
                if (_api is not null) o.UseVoiceApi(_api);
                if (ApiSettle is { } settle) o.VoiceApiSettle = settle;
                configure(o);
            }, http)),
            defaults,
            time);
        var started = time.GetTimestamp();
        var results = new List<ScenarioResult>();
        foreach (var scenario in scenarios)
        {
            var result = await runner.RunAsync(scenario, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            report.Result(result);
        }
        var invalid = loaded.Where(f => !f.IsValid).ToList();
        var elapsed = time.GetElapsedTime(started);
        report.Finish(results, invalid, emptyDirectories.Count, elapsed);

        if (junitPath is not null)
        {
            try
            {
                var directory = Path.GetDirectoryName(junitPath);
                if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
                await File.WriteAllTextAsync(junitPath, JUnitReport.Write(results, invalid, Display, time.GetUtcNow(), elapsed), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                console.Error.WriteLine($"{NccoCommandLine.Name} test: cannot write the JUnit file {junitPath}: {e.Message}");
                return ExitCodes.Failure;
            }
        }
        return results.All(r => r.Passed) && invalid.Count == 0 && emptyDirectories.Count == 0 && scenarios.Count > 0
            ? ExitCodes.Success
            : ExitCodes.InvalidInput;
    }

    // Any HTTP answer (even 404 for "/") shows something listens; only a failed connection or a timeout is unreachable.
    private async Task<string?> ReachAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TestCommand.ReachTimeout);
        try
        {
            using var response = await http.GetAsync(app, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (HttpRequestException e)
        {
            return e.InnerException?.Message ?? e.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {TestCommand.ReachTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
        }
    }

    // Paths as the user would type them: relative to the current directory when under it.
    private static string Display(string path)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        return (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative).Replace('\\', '/');
    }
}
