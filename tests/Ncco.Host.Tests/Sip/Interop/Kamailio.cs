using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sip.Interop;

/// <summary>
/// Kamailio (Debian package kamailio, installed by .ci/deps/sip.sh) as a record-routing, stateful proxy in front of the
/// host: a minimal config written to a temporary directory, no database, foreground (<c>-DD -E</c>), runtime files in
/// that directory, UDP on a free loopback port. Every message it forwards carries <c>X-Proxied: kamailio</c>, so the
/// far end can tell a message came through it.
/// </summary>
internal sealed class Kamailio : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/kamailio";
    private readonly Process _process;
    private readonly StringBuilder _output;

    private Kamailio(string directory, int port, Process process, StringBuilder output)
    {
        Directory = directory;
        Port = port;
        _process = process;
        _output = output;
    }

    public string Directory { get; }

    /// <summary>Where the proxy listens (UDP, 127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>Starts a proxy that sends INVITEs for <paramref name="user"/> to <paramref name="next"/> and routes in-dialog requests by their Route set.</summary>
    public static async Task<Kamailio> StartAsync(string user, IPEndPoint next)
    {
        Assert.True(File.Exists(Binary), "Kamailio is not installed: run .ci/deps/sip.sh (Debian package 'kamailio')");
        var directory = System.IO.Directory.CreateTempSubdirectory("ncco-kamailio-").FullName;
        var port = Sipp.FreeUdpPort();
        var ic = CultureInfo.InvariantCulture;
        var config = $$"""
            #!KAMAILIO
            debug=2
            log_stderror=yes
            children=2
            disable_tcp=yes
            auto_aliases=no
            listen=udp:127.0.0.1:{{port.ToString(ic)}}
            mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
            loadmodule "tm.so"
            loadmodule "sl.so"
            loadmodule "rr.so"
            loadmodule "pv.so"
            loadmodule "maxfwd.so"
            loadmodule "textops.so"
            loadmodule "siputils.so"

            request_route {
                if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
                if (has_totag()) {
                    # In-dialog (ACK, BYE, re-INVITE): follow the Route set our Record-Route put there.
                    if (loose_route()) {
                        append_hf("X-Proxied: kamailio\r\n");
                        t_relay();
                        exit;
                    }
                    if (is_method("ACK") && t_check_trans()) { t_relay(); exit; }
                    sl_send_reply("404", "Not here");
                    exit;
                }
                if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
                if (is_method("INVITE") && $rU == "{{user}}") {
                    record_route();
                    append_hf("X-Proxied: kamailio\r\n");
                    $du = "sip:{{next.Address}}:{{next.Port.ToString(ic)}}";
                    t_on_reply("MARK");
                    if (!t_relay()) { sl_reply_error(); }
                    exit;
                }
                sl_send_reply("404", "Unknown user");
            }

            onreply_route[MARK] {
                append_hf("X-Proxied: kamailio\r\n");
            }

            """;
        var path = Path.Combine(directory, "kamailio.cfg");
        File.WriteAllText(path, config);

        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in new[] { "-DD", "-E", "-f", path, "-w", directory, "-Y", directory, "-P", Path.Combine(directory, "kamailio.pid"), "-m", "32", "-M", "4" })
        {
            start.ArgumentList.Add(argument);
        }
        var output = new StringBuilder();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var proxy = new Kamailio(directory, port, process, output);
        try
        {
            await proxy.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(10));
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
        return proxy;
    }

    /// <summary>Kamailio's console so far, for failure messages.</summary>
    public string Output()
    {
        lock (_output) return _output.Length > 4000 ? _output.ToString()[^4000..] : _output.ToString();
    }

    // Ready means a SIP request gets a SIP answer (our config says 404 to an OPTIONS), not merely a bound socket.
    private async Task WaitUntilAnsweringAsync(TimeSpan limit)
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)socket.Client.LocalEndPoint!;
        var waited = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            var options = Encoding.ASCII.GetBytes(
                $"OPTIONS sip:ping@127.0.0.1:{Port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{local.Port};branch=z9hG4bK-ready-{attempt}\r\n" +
                $"From: <sip:probe@127.0.0.1>;tag=ready\r\nTo: <sip:ping@127.0.0.1>\r\nCall-ID: ready-{attempt}@127.0.0.1\r\nCSeq: 1 OPTIONS\r\n" +
                "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
            await socket.SendAsync(options, new IPEndPoint(IPAddress.Loopback, Port));
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                var reply = await socket.ReceiveAsync(wait.Token);
                if (Encoding.ASCII.GetString(reply.Buffer).StartsWith("SIP/2.0 ", StringComparison.Ordinal)) return;
            }
            catch (OperationCanceledException)
            {
                // Not up yet.
            }
            if (_process.HasExited || waited.Elapsed > limit)
            {
                Assert.Fail($"Kamailio did not answer on 127.0.0.1:{Port} within {limit.TotalSeconds} s (exited: {_process.HasExited}).\n{Output()}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // -DD keeps the main process in the foreground but it still forks its workers: end the whole tree.
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
