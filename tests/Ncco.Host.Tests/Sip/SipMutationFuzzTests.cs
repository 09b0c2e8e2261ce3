using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// Issue 16: bounded mutation fuzzing of the real host's SIP gateway over loopback UDP and TCP. Real INVITE, REGISTER,
/// BYE, CANCEL, ACK and OPTIONS messages (to a routed number and to a registrar user) are mutated — bytes flipped, cut,
/// repeated, hostile headers inserted, Content-Length lied about — and sent from a fixed seed. Between bursts a clean
/// OPTIONS must be answered 200 (the host keeps answering); at the end no handler may have failed and, once the SIP
/// timers have run out, no transaction, dialog or call may be left. SIP timers run eight times faster than real time
/// so the 32 s transaction timers end within the test's bounded wait.
/// </summary>
public sealed partial class SipMutationFuzzTests
{
    private const int UdpMessages = 1500;
    private const int TcpMessages = 300;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Mutated_traffic_never_stops_the_host_answering_and_leaves_no_transaction_dialog_or_call()
    {
        await using var h = await SipHostHarness.StartAsync(
            id => ["--Ncco:Sip:Users:bob:Password=fuzz-pass-1234", $"--Ncco:Sip:Users:bob:Application={id}", "--Ncco:Limits:CallsPerSecondPerSource=0"], null, new FastTimers(8));
        h.App.Ncco("/answer", """[{"action":"talk","text":"fuzz"}]""");
        var random = new Random(16_05);
        var target = h.Sip;

        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)udp.LocalEndPoint!;
        await ProbeUdpAsync(udp, local, target, 0);
        var parserDefects = new List<string>();
        for (var i = 0; i < UdpMessages; i++)
        {
            var seed = Seed(random, local, "UDP");
            var mutated = Mutate(seed, random);
            CheckParser(mutated, parserDefects);
            await udp.SendToAsync(mutated, SocketFlags.None, target);
            if (i % 250 == 249) await ProbeUdpAsync(udp, local, target, i);
        }

        // Stream framing is its own parser: lie about Content-Length, split and glue messages on a few connections.
        for (var c = 0; c < 5; c++)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(target.Address, target.Port);
            var tcpLocal = (IPEndPoint)tcp.Client.LocalEndPoint!;
            var stream = tcp.GetStream();
            for (var i = 0; i < TcpMessages / 5; i++)
            {
                try
                {
                    await stream.WriteAsync(Mutate(Seed(random, tcpLocal, "TCP"), random));
                }
                catch (IOException)
                {
                    break; // the host closed a connection whose framing it could not follow: that is the point
                }
            }
        }
        await ProbeTcpAsync(target);
        await ProbeUdpAsync(udp, local, target, UdpMessages);

        Assert.True(parserDefects.Count == 0, "the parser threw something other than its parse error:\n" + string.Join("\n", parserDefects.Take(5)));
        var metrics = "";
        var deadline = DateTime.UtcNow + Settle;
        while (true)
        {
            metrics = await h.Host.Client.GetStringAsync("/metrics");
            if (Gauge(metrics, "ncco_sip_transactions_active{role=\"server\"}") == 0 && Gauge(metrics, "ncco_sip_transactions_active{role=\"client\"}") == 0
                && Gauge(metrics, "ncco_sip_dialogs_active") == 0 && Gauge(metrics, "ncco_calls_active") == 0)
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "SIP state did not return to zero after the fuzz:\n" + string.Join('\n', metrics.Split('\n').Where(l => l.StartsWith("ncco_sip", StringComparison.Ordinal) || l.StartsWith("ncco_calls_active", StringComparison.Ordinal))));
            await Task.Delay(250);
        }
        Assert.Equal(0, Gauge(metrics, "ncco_sip_handler_failures_total"));
        Assert.True(Gauge(metrics, "ncco_sip_messages_rejected_total{outcome=\"answered\"}") + Gauge(metrics, "ncco_sip_messages_rejected_total{outcome=\"dropped\"}") > 100,
            "the mutations should make many messages unparseable");
        Assert.True(h.App.All.Count(w => w.Path == "/answer") > 5, "the mutations are too destructive: hardly any INVITE reached the application");
    }

    private static void CheckParser(byte[] message, List<string> defects)
    {
        try
        {
            Ncco.Sip.Parsing.SipMessageParser.Parse(message);
        }
        catch (Ncco.Sip.Parsing.SipParseException)
        {
            // The expected answer to a broken message.
        }
        catch (Exception e)
        {
            defects.Add(e.GetType().Name + ": " + e.Message + " on " + Convert.ToBase64String(message));
        }
    }

    private static long Gauge(string metrics, string name)
    {
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return line is null ? -1 : (long)double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private static byte[] Seed(Random random, IPEndPoint local, string transport)
    {
        var branch = "z9hG4bKfz" + random.Next(400).ToString(CultureInfo.InvariantCulture);
        var callId = "fuzz-" + random.Next(200).ToString(CultureInfo.InvariantCulture);
        var via = $"Via: SIP/2.0/{transport} 127.0.0.1:{local.Port};branch={branch};rport";
        var toUser = random.Next(2) == 0 ? SipHostHarness.Number : "bob";
        var tag = random.Next(3) == 0 ? ";tag=as" + random.Next(50).ToString(CultureInfo.InvariantCulture) : "";
        const string Sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";
        string Message(string method, int cseq, string extra = "", string body = "", string contentType = "") =>
            $"{method} sip:{toUser}@127.0.0.1 SIP/2.0\r\n{via}\r\nMax-Forwards: 70\r\nFrom: <sip:447700900111@127.0.0.1>;tag=fz{random.Next(1000)}\r\n"
            + $"To: <sip:{toUser}@127.0.0.1>{tag}\r\nCall-ID: {callId}\r\nCSeq: {cseq} {method}\r\nContact: <sip:fuzz@127.0.0.1:{local.Port}>\r\n{extra}"
            + (contentType.Length > 0 ? $"Content-Type: {contentType}\r\n" : "") + $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
        var text = random.Next(7) switch
        {
            0 or 1 => Message("INVITE", 1, "Supported: timer\r\n", Sdp, "application/sdp"),
            2 => Message("REGISTER", random.Next(1, 5), "Expires: 60\r\n" + (random.Next(2) == 0 ? "Authorization: Digest username=\"bob\", realm=\"ncco\", nonce=\"x\", uri=\"sip:127.0.0.1\", response=\"00\"\r\n" : "")),
            3 => Message("BYE", 2),
            4 => Message("CANCEL", 1),
            5 => Message("ACK", 1),
            _ => Message("OPTIONS", 1),
        };
        return Encoding.UTF8.GetBytes(text);
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var text = Encoding.UTF8.GetString(seed);
        switch (random.Next(8))
        {
            case 0:
                return seed;
            case 1:
                {
                    var bytes = (byte[])seed.Clone();
                    for (var n = random.Next(1, 4); n > 0; n--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                    return bytes;
                }
            case 2:
                {
                    string[] lines = ["Session-Expires: 1", "Require: 100rel, timer", "CSeq: 4294967296 INVITE", "To: <sip:bob@127.0.0.1>;tag=", "Content-Type: text/plain",
                        "Contact: *", "Max-Forwards: 0", "Route: <sip:10.0.0.1;lr>", "Via: SIP/2.0/UDP [::1", "Expires: -1", "Authorization: Digest " + new string('a', 9000)];
                    var at = text.IndexOf("\r\n", StringComparison.Ordinal) + 2;
                    return Encoding.UTF8.GetBytes(text.Insert(at, lines[random.Next(lines.Length)] + "\r\n"));
                }
            case 3:
                return seed.AsSpan(0, random.Next(seed.Length)).ToArray();
            case 4:
                return Encoding.UTF8.GetBytes(ContentLength().Replace(text, "Content-Length: " + random.Next(-5, 5000).ToString(CultureInfo.InvariantCulture)));
            case 5:
                {
                    var from = random.Next(seed.Length);
                    var length = random.Next(seed.Length - from);
                    return [.. seed.AsSpan(0, from + length), .. seed.AsSpan(from, length), .. seed.AsSpan(from + length)];
                }
            case 6:
                {
                    var lines = text.Split("\r\n").ToList();
                    if (lines.Count > 2) lines.RemoveAt(random.Next(1, lines.Count - 1));
                    return Encoding.UTF8.GetBytes(string.Join("\r\n", lines));
                }
            default:
                return Encoding.UTF8.GetBytes(text.Replace(" SIP/2.0\r\n", random.Next(2) == 0 ? " SIP/3.0\r\n" : "\0 SIP/2.0\r\n", StringComparison.Ordinal));
        }
    }

    private static string Options(IPEndPoint local, string transport, string branch) =>
        $"OPTIONS sip:{SipHostHarness.Number}@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/{transport} 127.0.0.1:{local.Port};branch={branch};rport\r\nMax-Forwards: 70\r\n"
        + $"From: <sip:probe@127.0.0.1>;tag=probe\r\nTo: <sip:{SipHostHarness.Number}@127.0.0.1>\r\nCall-ID: {branch}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

    /// <summary>
    /// A clean OPTIONS must get its 200 within 10 s. Sent as a UDP client must send it (RFC 3261 §17.1.2.2): retransmitted
    /// on timer E (T1, doubling to T2) with the same branch, because over UDP any one datagram may be lost — here the
    /// kernel drops what overflows either side's receive buffer during a burst, the host's or this socket's own (it reads
    /// nothing between probes while the host answers every mutated request). A lost first copy is therefore not a host that
    /// stopped answering; only a host that answers none of the copies is.
    /// </summary>
    private static async Task ProbeUdpAsync(Socket udp, IPEndPoint local, IPEndPoint target, int after)
    {
        var branch = "z9hG4bKprobe" + after.ToString(CultureInfo.InvariantCulture);
        var wire = Encoding.UTF8.GetBytes(Options(local, "UDP", branch));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[65_535];
        var seen = new List<string>();
        var sent = 0;
        var interval = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            await udp.SendToAsync(wire, SocketFlags.None, target);
            sent++;
            using var timerE = CancellationTokenSource.CreateLinkedTokenSource(limit.Token);
            timerE.CancelAfter(interval);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, TimeSpan.FromSeconds(4).Ticks));
            while (true)
            {
                int n;
                try
                {
                    n = (await udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timerE.Token)).ReceivedBytes;
                }
                catch (OperationCanceledException) when (!limit.IsCancellationRequested)
                {
                    break; // timer E: send the same request again
                }
                catch (OperationCanceledException)
                {
                    Assert.Fail($"the host stopped answering: no reply to {sent} copies of an OPTIONS after {after} mutated messages; {seen.Count} other messages came:\n"
                        + string.Join('\n', seen.TakeLast(10)));
                    return;
                }
                var reply = Encoding.UTF8.GetString(buffer, 0, n);
                if (reply.StartsWith("SIP/2.0 ", StringComparison.Ordinal) && reply.Contains(branch, StringComparison.Ordinal))
                {
                    Assert.StartsWith("SIP/2.0 200", reply, StringComparison.Ordinal);
                    return;
                }
                seen.Add(reply.Split("\r\n")[0] + " | " + string.Join(" | ", reply.Split("\r\n").Where(l => l.StartsWith("Via", StringComparison.Ordinal) || l.StartsWith("CSeq", StringComparison.Ordinal))));
            }
        }
    }

    private static async Task ProbeTcpAsync(IPEndPoint target)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(target.Address, target.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(Options((IPEndPoint)tcp.Client.LocalEndPoint!, "TCP", "z9hG4bKprobetcp")));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[8192];
        var n = await stream.ReadAsync(buffer, limit.Token);
        Assert.StartsWith("SIP/2.0 200", Encoding.UTF8.GetString(buffer, 0, n), StringComparison.Ordinal);
    }

    [GeneratedRegex("Content-Length: [0-9]+")]
    private static partial Regex ContentLength();

    /// <summary>
    /// Real timers, <paramref name="speedUp"/> times faster (the clock itself is real). <see cref="ITimer.Change"/> is scaled
    /// too: the SIP stack creates its timers idle and arms them with Change, so scaling only the creation left timers J, F and
    /// H at their real 32 s and the settle wait took half a minute.
    /// </summary>
    // Kept over FakeTimeProvider: the timers must fire by themselves on real threads while the test waits on real sockets.
    private sealed class FastTimers(int speedUp) : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            new ScaledTimer(base.CreateTimer(callback, state, Scale(dueTime, speedUp), Scale(period, speedUp)), speedUp);

        private static TimeSpan Scale(TimeSpan span, int speedUp) => span == Timeout.InfiniteTimeSpan ? span : span / speedUp;

        private sealed class ScaledTimer(ITimer inner, int speedUp) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(Scale(dueTime, speedUp), Scale(period, speedUp));

            public void Dispose() => inner.Dispose();

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
