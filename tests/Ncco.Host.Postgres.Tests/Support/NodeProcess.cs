using System.Diagnostics;
using System.Text;

namespace Ncco.Host.Postgres.Tests.Support;

/// <summary>
/// One cluster node as a real process: the built <c>ncco</c> tool (<c>dotnet Ncco.Cli.dll serve</c>) on PostgreSQL,
/// HTTP and SIP on its own loopback address, so that <see cref="Kill"/> is a real <c>kill -9</c>.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NodeProcess(string nodeId, string address, int httpPort, int sipPort, Process process)
    {
        NodeId = nodeId;
        Address = address;
        HttpPort = httpPort;
        SipPort = sipPort;
        _process = process;
    }

    public string NodeId { get; }

    public string Address { get; }

    public int HttpPort { get; }

    public int SipPort { get; }

    public Uri BaseUrl => new($"http://{Address}:{HttpPort}/");

    public string SipUri => $"sip:{Address}:{SipPort}";

    public static NodeProcess Start(string nodeId, string address, int httpPort, int sipPort, string dataDirectory, IEnumerable<string> settings)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "Ncco.Cli.dll");
        Assert.True(File.Exists(cli), "Ncco.Cli.dll is not next to the tests (project reference)");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[cli, "serve", "--urls", $"http://{address}:{httpPort}", "--data-directory", dataDirectory,
                     $"--Ncco:Cluster:NodeId={nodeId}", $"--Ncco:Cluster:InternalUrl=http://{address}:{httpPort}", $"--Ncco:Sip:Listen={address}:{sipPort}",
                     "--Logging:LogLevel:Default=Warning", .. settings])
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var node = new NodeProcess(nodeId, address, httpPort, sipPort, process);
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>
    /// Starts node <c>index + 1</c> of a test cluster on 127.0.0.<c>index + 2</c>, in its own folder under
    /// <paramref name="work"/>: the shared store at <paramref name="database"/>, a 0.5 s heartbeat and a 3 s
    /// <c>DeadAfter</c>, the account's credentials, its own RTP port range, no drain on shutdown and no demo;
    /// <paramref name="settings"/> after those.
    /// </summary>
    public static NodeProcess StartInCluster(int index, (int Http, int Sip) ports, string work, string database, (string Key, string Secret) account,
        (int First, int Last) rtp, IEnumerable<string> settings) =>
        Start($"node-{index + 1}", $"127.0.0.{index + 2}", ports.Http, ports.Sip, Path.Combine(work, $"node-{index + 1}"),
        [
            "--Ncco:Store:Provider=Postgres", $"--Ncco:Store:ConnectionString={database}",
            "--Ncco:Cluster:HeartbeatInterval=00:00:00.500", "--Ncco:Cluster:DeadAfter=00:00:03",
            $"--Ncco:Account:ApiKey={account.Key}", $"--Ncco:Account:ApiSecret={account.Secret}",
            $"--Ncco:Sip:RtpPortFirst={rtp.First}", $"--Ncco:Sip:RtpPortLast={rtp.Last}",
            "--Ncco:Shutdown:DrainTimeout=00:00:00", "--Ncco:Demo:Enabled=false",
            .. settings,
        ]);

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            if (_output.Length < 200_000) _output.AppendLine(line);
        }
    }

    /// <summary>The node's console so far (its tail), for failure messages.</summary>
    public string Output()
    {
        lock (_output) return _output.Length > 3000 ? _output.ToString()[^3000..] : _output.ToString();
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200.</summary>
    public async Task WaitReadyAsync(TimeSpan limit)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var ready = await http.GetAsync(new Uri(BaseUrl, "/health/ready"));
                if (ready.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            if (_process.HasExited || waited.Elapsed > limit)
            {
                Assert.Fail($"node {NodeId} was not ready within {limit} (exited: {_process.HasExited}):\n{Output()}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// <c>SIGSTOP</c> for <paramref name="duration"/>, then <c>SIGCONT</c>: the node is alive but answers nothing meanwhile
    /// (a node starved of CPU, or in a long pause), and what reached its sockets is handled when it resumes.
    /// </summary>
    public async Task PauseAsync(TimeSpan duration)
    {
        Signal("STOP");
        try
        {
            await Task.Delay(duration);
        }
        finally
        {
            Signal("CONT");
        }
    }

    private void Signal(string name)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start");
        kill.WaitForExit(5000);
        Assert.True(kill.HasExited && kill.ExitCode == 0, $"kill -{name} {_process.Id} failed");
    }

    /// <summary>The node's whole console so far (up to 200 KB), for tracing one call through it.</summary>
    public string[] Lines(string containing)
    {
        lock (_output) return _output.ToString().Split('\n').Where(l => l.Contains(containing, StringComparison.Ordinal)).ToArray();
    }

    /// <summary><c>kill -9</c>: the process ends at once, with no shutdown of any kind.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: false);
    }

    /// <summary><c>kill -9</c>, and waits until the kernel has reaped the process (its sockets are closed).</summary>
    public async Task KillAsync()
    {
        Kill();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}
