using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Sip.Interop;

/// <summary>
/// baresip (Debian package baresip-core, installed by .ci/deps/sip.sh) as a real softphone: headless, with its own
/// temporary config directory, audio from a WAV file (<c>aufile</c>), what it hears written to a WAV (<c>sndfile</c>),
/// and driven over its <c>ctrl_tcp</c> socket (netstring-framed JSON commands in, call events out).
/// </summary>
internal sealed class Baresip : IAsyncDisposable
{
    private const string Binary = "/usr/bin/baresip";
    private readonly Process _process;
    private readonly TcpClient _control;
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private readonly StringBuilder _output;
    private readonly List<string> _seen = [];
    private readonly Task _reader;

    private Baresip(string directory, Process process, TcpClient control, StringBuilder output)
    {
        Directory = directory;
        _output = output;
        _process = process;
        _control = control;
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>The config directory; the decoded (heard) audio is dumped here.</summary>
    public string Directory { get; }

    /// <summary>The account of a phone that only dials: no registration.</summary>
    public const string DialOnlyAccount = "<sip:interop@127.0.0.1>;regint=0";

    /// <summary>
    /// Starts baresip with <paramref name="account"/> (a line of baresip's <c>accounts</c> file; by default
    /// <see cref="DialOnlyAccount"/>), SIP on a free loopback port, RTP in <paramref name="rtpFirst"/>..+39, PCMU/PCMA,
    /// sending <paramref name="source"/> (8 kHz mono 16-bit WAV).
    /// </summary>
    /// <param name="modules">More of baresip's modules to load (<c>srtp.so</c>, <c>opus.so</c>…).</param>
    public static async Task<Baresip> StartAsync(string source, int rtpFirst, string account = DialOnlyAccount, IReadOnlyList<string>? modules = null)
    {
        Assert.True(File.Exists(Binary), "baresip is not installed: run .ci/deps/sip.sh (Debian package 'baresip-core')");
        // baresip cannot be told to bind port 0, so its SIP and control ports are picked free and then released: on a
        // busy machine another socket can take one in between. That start fails "Address already in use" at once;
        // it is retried with new ports (a bounded number of times), any other failure is reported as it is.
        for (var attempt = 1; ; attempt++)
        {
            if (await TryStartAsync(source, rtpFirst, account, modules, lastAttempt: attempt == 3) is { } phone) return phone;
        }
    }

    private static async Task<Baresip?> TryStartAsync(string source, int rtpFirst, string account, IReadOnlyList<string>? modules, bool lastAttempt)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("ncco-baresip-").FullName;
        var sipPort = LoopbackHost.FreePort();
        var controlPort = LoopbackHost.FreePort();
        var ic = CultureInfo.InvariantCulture;
        // aufile is only an audio source in baresip 1.0, so the player is aubridge's 'nil' device (it discards) and
        // the sndfile filter records the decoded stream, which is exactly what the phone heard.
        File.WriteAllText(Path.Combine(directory, "config"), string.Join('\n', (string[])[
            "poll_method epoll",
            $"sip_listen 127.0.0.1:{sipPort.ToString(ic)}",
            "call_local_timeout 20",
            "call_max_calls 1",
            $"audio_source aufile,{source}",
            "audio_player aubridge,nil",
            "audio_alert aubridge,nil",
            "ausrc_srate 8000",
            "auplay_srate 8000",
            // Mono source and player whatever the codec: Opus is 2 channels in SDP (RFC 7587), and baresip's aufile
            // wants the file to match unless told the source has one channel (its resampler then converts).
            "ausrc_channels 1",
            "auplay_channels 1",
            $"rtp_ports {rtpFirst.ToString(ic)}-{(rtpFirst + 39).ToString(ic)}",
            "module_path /usr/lib/baresip/modules",
            "module g711.so",
            .. (modules ?? []).Select(m => "module " + m),
            "module aufile.so",
            "module aubridge.so",
            "module sndfile.so",
            "module_tmp account.so",
            "module_app menu.so",
            "module_app ctrl_tcp.so",
            $"ctrl_tcp_listen 127.0.0.1:{controlPort.ToString(ic)}",
            $"snd_path {directory}",
            ""]));
        File.WriteAllText(Path.Combine(directory, "accounts"), account + "\n");

        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in new[] { "-f", directory, "-t", "50" }) start.ArgumentList.Add(argument); // -t: it quits by itself, whatever happens to us
        var process = Process.Start(start)!;
        var output = new StringBuilder();
        CollectLines(process.StandardOutput, output);
        CollectLines(process.StandardError, output);

        // The control socket is up once baresip has loaded its modules: retry for a bounded while.
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var control = new TcpClient();
            try
            {
                await control.ConnectAsync("127.0.0.1", controlPort).WaitAsync(TimeSpan.FromSeconds(2));
                return new Baresip(directory, process, control, output);
            }
            catch (Exception e) when (e is SocketException or TimeoutException)
            {
                control.Dispose();
                if (process.HasExited || waited.Elapsed > TimeSpan.FromSeconds(10))
                {
                    if (!process.HasExited) process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
                    string text;
                    lock (output) text = output.ToString();
                    System.IO.Directory.Delete(directory, recursive: true);
                    if (!lastAttempt && text.Contains("Address already in use", StringComparison.Ordinal)) return null;
                    Assert.Fail($"baresip's ctrl_tcp did not come up: {e.Message}\n{text}");
                }
                await Task.Delay(100);
            }
        }
    }

    /// <summary>
    /// Reads a console stream line by line on a thread of its own until baresip closes it. Not with
    /// BeginOutputReadLine, whose reads of the child's (synchronous) pipes run on thread-pool workers: the host under
    /// test shares this process's pool, and its RTP receive loops must not wait behind a phone's console.
    /// </summary>
    private static void CollectLines(StreamReader stream, StringBuilder output) =>
        new Thread(() =>
        {
            try
            {
                while (stream.ReadLine() is { } line)
                {
                    lock (output) output.AppendLine(line);
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // Disposed with the process: what it printed last is not needed any more.
            }
        })
        { IsBackground = true, Name = "baresip console" }.Start();

    /// <summary>Sends a command (<c>dial</c>, <c>sndcode</c>, <c>hangup</c>…) as <c>ctrl_tcp</c> JSON.</summary>
    public async Task CommandAsync(string command, string parameters = "")
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new { command, @params = parameters, token = command });
        var frame = Encoding.ASCII.GetBytes(json.Length.ToString(CultureInfo.InvariantCulture) + ":").Concat(json).Append((byte)',').ToArray();
        await _control.GetStream().WriteAsync(frame).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
    }

    /// <summary>Waits for a call event of <paramref name="type"/> (<c>CALL_ESTABLISHED</c>, <c>CALL_CLOSED</c>…).</summary>
    public async Task<JsonElement> WaitForEventAsync(string type, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            while (true)
            {
                var e = await _events.Reader.ReadAsync(timeout.Token);
                if (e.TryGetProperty("type", out var t) && t.GetString() == type) return e;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            Assert.Fail($"baresip sent no {type} within {limit.TotalSeconds} s.\n{Diagnostics()}");
            throw;
        }
    }

    /// <summary>The WAV the sndfile filter wrote with the audio the phone decoded (heard), once the call is over.</summary>
    public string HeardWav()
    {
        var files = System.IO.Directory.GetFiles(Directory, "dump-*-dec.wav");
        Assert.True(files.Length == 1, $"expected one decoded-audio dump in {Directory}, found {files.Length}.\n{Diagnostics()}");
        return files[0];
    }

    /// <summary>Control messages and console output so far, for failure messages.</summary>
    public string Diagnostics()
    {
        string output;
        lock (_output) output = _output.ToString();
        // The menu's status line repaints itself many times a second; only the tail is useful.
        if (output.Length > 3000) output = output[^3000..];
        lock (_seen) return "ctrl_tcp: " + string.Join("\n", _seen) + "\nconsole: " + output;
    }

    private async Task ReadAsync()
    {
        var stream = _control.GetStream();
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(chunk);
                if (n == 0) break;
                buffer.AddRange(chunk.AsSpan(0, n));
                // Netstrings: <length>:<payload>,
                while (buffer.IndexOf((byte)':') is var colon and > 0
                    && int.TryParse(Encoding.ASCII.GetString([.. buffer.Take(colon)]), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                    && buffer.Count >= colon + 1 + length + 1)
                {
                    var payload = Encoding.UTF8.GetString([.. buffer.Skip(colon + 1).Take(length)]);
                    buffer.RemoveRange(0, colon + 1 + length + 1);
                    lock (_seen) _seen.Add(payload);
                    using var doc = JsonDocument.Parse(payload);
                    if (doc.RootElement.TryGetProperty("event", out _)) _events.Writer.TryWrite(doc.RootElement.Clone());
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or JsonException)
        {
            // The socket closes when baresip exits; waiting readers then fail with the diagnostics.
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await _reader.WaitAsync(TimeSpan.FromSeconds(5));
        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
