using System.Diagnostics;
using System.Text;

namespace Ncco.Host.Postgres.Tests.Support;

/// <summary>
/// Kamailio (Debian package kamailio, .ci/deps/sip.sh) running the configuration the repository ships
/// (<c>deploy/kamailio/kamailio.cfg</c>) in front of the given nodes: UDP on a free port of 127.0.0.1, runtime files
/// and its control socket in a temporary directory; <see cref="StatesAsync"/> reads the dispatcher's view of the nodes
/// through <c>kamcmd</c>.
/// </summary>
public sealed class KamailioFront : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/kamailio";
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private KamailioFront(string directory, int port, Process process)
    {
        Directory = directory;
        Port = port;
        _process = process;
    }

    public string Directory { get; }

    public int Port { get; }

    private string Control => "unix:" + Path.Combine(Directory, "ctl");

    /// <summary>The shipped configuration, found by walking up from the test's output to the repository.</summary>
    public static string ShippedConfig()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var config = Path.Combine(dir.FullName, "deploy", "kamailio", "kamailio.cfg");
            if (File.Exists(config)) return config;
        }
        throw new FileNotFoundException("deploy/kamailio/kamailio.cfg not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Starts the front on <paramref name="port"/>, with the configuration's defines overridden by <paramref name="defines"/> (<c>NAME=value</c>).</summary>
    public static async Task<KamailioFront> StartAsync(IEnumerable<string> nodeSipUris, int port, params string[] defines)
    {
        Assert.True(File.Exists(Binary), "Kamailio is not installed: run .ci/deps/sip.sh (Debian package 'kamailio')");
        var directory = System.IO.Directory.CreateTempSubdirectory("ncco-front-").FullName;
        var list = Path.Combine(directory, "dispatcher.list");
        await File.WriteAllLinesAsync(list, nodeSipUris.Select(uri => $"1 {uri} 0 0"));
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        foreach (var argument in (string[])["-DD", "-E", "-f", ShippedConfig(), "-w", directory, "-Y", directory, "-P", Path.Combine(directory, "kamailio.pid"),
                     "-m", "64", "-M", "8", "-A", $"SIP_LISTEN=udp:127.0.0.1:{port}", "-A", $"DISPATCHER_LIST=\"{list}\"",
                     "-A", $"CTL_SOCKET=\"unix:{Path.Combine(directory, "ctl")}\"", .. defines.SelectMany(d => new[] { "-A", d })])
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("kamailio did not start");
        var front = new KamailioFront(directory, port, process);
        process.OutputDataReceived += (_, e) => front.Append(e.Data);
        process.ErrorDataReceived += (_, e) => front.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var waited = Stopwatch.StartNew();
        while ((await front.StatesAsync()).Count == 0)
        {
            if (process.HasExited || waited.Elapsed > TimeSpan.FromSeconds(15))
            {
                await front.DisposeAsync();
                Assert.Fail($"Kamailio did not start with {ShippedConfig()}:\n{front.Output()}");
            }
            await Task.Delay(200);
        }
        return front;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            if (_output.Length < 200_000) _output.AppendLine(line);
        }
    }

    public string Output()
    {
        lock (_output) return _output.Length > 4000 ? _output.ToString()[^4000..] : _output.ToString();
    }

    /// <summary>Kamailio's log lines so far that hold <paramref name="text"/> (a Call-ID: the log prefix carries it).</summary>
    public string[] Lines(string text)
    {
        lock (_output) return _output.ToString().Split('\n').Where(l => l.Contains(text, StringComparison.Ordinal)).ToArray();
    }

    /// <summary>True when Kamailio's log so far holds <paramref name="text"/>.</summary>
    public bool Logged(string text)
    {
        lock (_output) return _output.ToString().Contains(text, StringComparison.Ordinal);
    }

    /// <summary>The dispatcher's flags per node URI (<c>AP</c> active and probed, <c>IP</c> inactive), empty when it does not answer.</summary>
    public async Task<IReadOnlyDictionary<string, string>> StatesAsync()
    {
        var start = new ProcessStartInfo("/usr/sbin/kamcmd") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-s", Control, "dispatcher.list"]) start.ArgumentList.Add(argument);
        using var kamcmd = Process.Start(start)!;
        var text = await kamcmd.StandardOutput.ReadToEndAsync();
        await kamcmd.StandardError.ReadToEndAsync();
        await kamcmd.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var states = new Dictionary<string, string>();
        string? uri = null;
        foreach (var line in text.Split('\n').Select(l => l.Trim()))
        {
            if (line.StartsWith("URI:", StringComparison.Ordinal)) uri = line[4..].Trim();
            else if (line.StartsWith("FLAGS:", StringComparison.Ordinal) && uri is not null) states[uri] = line[6..].Trim();
        }
        return states;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
