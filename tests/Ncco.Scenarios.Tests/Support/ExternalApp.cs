using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Ncco.Scenarios.Tests.Support;

/// <summary>
/// An example app in another language (node, python3) run as a process on a free loopback port: it prints
/// "… listening on http://127.0.0.1:PORT" first; stopped (its process tree killed) on dispose.
/// </summary>
internal sealed partial class ExternalApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ExternalApp(Process process) => _process = process;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Everything the app printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output) return string.Join("\n", _output);
        }
    }

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    public static async Task<ExternalApp> StartAsync(string program, string script, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.Environment["PORT"] = "0";
        start.Environment["HOST"] = "127.0.0.1";
        start.Environment["PYTHONUNBUFFERED"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot start `{program}` for the example app (see .ci/deps/examples.sh): {e.Message}", e);
        }
        var app = new ExternalApp(process);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (app._output) app._output.Add(e.Data);
            if (Listening().Match(e.Data) is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value + "/"));
        }
        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"{program} {script} exited ({process.ExitCode}) before listening:\n{app.Output}"));
        try
        {
            // Generous: the CI box may be loaded, and Python imports Flask before it listens.
            app.BaseUrl = await listening.Task.WaitAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (InvalidOperationException)
        {
            // never started or already gone
        }
        _process.Dispose();
    }
}
