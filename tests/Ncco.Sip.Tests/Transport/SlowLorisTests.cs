using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Parsing;
using Ncco.Sip.Tests.Support;
using Ncco.Sip.Transactions;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Tests.Transport;

/// <summary>
/// Slow-loris peers on real loopback TCP: connections that trickle a message a byte at a time are closed at the header or
/// whole-message deadline, however steadily they send, and the source address they crowded out gets through again.
/// </summary>
public sealed class SlowLorisTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private static readonly SipTransportLimits Limits = new()
    {
        HeaderReadTimeout = TimeSpan.FromSeconds(1.5),
        MessageReadTimeout = TimeSpan.FromSeconds(3),
    };

    [Fact]
    public async Task Connections_trickling_headers_are_closed_at_the_header_deadline_and_the_source_gets_through_again()
    {
        var transport = new StreamSipTransport(new IPEndPoint(IPAddress.Loopback, 0), limits: Limits);
        await using var ua = new SipUserAgent(new TransactionLayer(new SipTransportLayer([transport], advertisedHost: "127.0.0.1"), TimeProvider.System));
        ua.Start();
        var options = Encoding.ASCII.GetBytes(Options("z9hG4bKslow"));
        var slow = new List<TcpClient>();
        try
        {
            // As many slow peers as one source may hold (16 by default), each sending one byte every 200 ms.
            for (var i = 0; i < SipTransportLimits.Default.MaxConnectionsPerSource; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync(transport.LocalEndPoint);
                slow.Add(client);
            }
            using var stopTrickling = new CancellationTokenSource(Wait);
            var trickles = slow.Select(c => TrickleAsync(c.GetStream(), options, TimeSpan.FromMilliseconds(200), stopTrickling.Token)).ToList();
            await WaitUntilAsync(() => transport.ConnectionCount == slow.Count);

            // While they hold every slot, a well-behaved client from the same address is turned away unread.
            using (var refused = new TcpClient())
            {
                await refused.ConnectAsync(transport.LocalEndPoint);
                Assert.Equal(0, await ReadOrZeroAsync(refused.GetStream()));
            }

            // They are cut by the server, although each is still sending, and every cut is a deadline's (the headers never
            // complete, so it is the header deadline). How long each lasted is not asserted: the trickle's clock starts
            // after the server's, by as much as a loaded machine delays it, so a duration says nothing reliable here.
            var closedAfter = await Task.WhenAll(trickles);
            Assert.All(closedAfter, t => Assert.True(t < Wait, "a slow peer was never closed by the server"));
            await WaitUntilAsync(() => transport.ConnectionCount == 0);
            Assert.Equal(slow.Count, transport.TimedOutCount);

            // The address is free again: a normal client's OPTIONS is answered.
            using var normal = new TcpClient();
            await normal.ConnectAsync(transport.LocalEndPoint);
            var port = ((IPEndPoint)normal.Client.LocalEndPoint!).Port;
            await normal.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Options("z9hG4bKnormal", port)));
            var reply = await ReadResponseAsync(normal.GetStream());
            Assert.Equal(200, reply.StatusCode);
            Assert.Equal("z9hG4bKnormal", reply.TopVia.Branch);
        }
        finally
        {
            slow.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task A_body_trickled_past_the_message_deadline_closes_the_connection()
    {
        await using var transport = new StreamSipTransport(new IPEndPoint(IPAddress.Loopback, 0), limits: Limits);
        transport.Start(new NullSink());
        using var client = new TcpClient();
        await client.ConnectAsync(transport.LocalEndPoint);
        var head = Options("z9hG4bKbody").Replace("Content-Length: 0", "Content-Length: 100", StringComparison.Ordinal);
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
        var started = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(Wait);

        // Headers complete at once; the body comes at 4 bytes a second, 25 s for all of it.
        var closedAfter = await TrickleAsync(client.GetStream(), new byte[100], TimeSpan.FromMilliseconds(250), stop.Token);

        Assert.InRange(started.Elapsed.TotalSeconds, Limits.MessageReadTimeout.TotalSeconds - 0.2, Wait.TotalSeconds - 1);
        Assert.True(closedAfter < Wait - TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => transport.TimedOutCount == 1);
    }

    [Fact]
    public async Task A_connection_that_sends_nothing_after_connecting_is_closed_at_the_header_deadline()
    {
        await using var transport = new StreamSipTransport(new IPEndPoint(IPAddress.Loopback, 0), limits: Limits);
        transport.Start(new NullSink());
        using var client = new TcpClient();
        await client.ConnectAsync(transport.LocalEndPoint);
        var started = Stopwatch.StartNew();

        Assert.Equal(0, await ReadOrZeroAsync(client.GetStream()));

        Assert.InRange(started.Elapsed.TotalSeconds, Limits.HeaderReadTimeout.TotalSeconds - 0.2, Wait.TotalSeconds - 1);
        await WaitUntilAsync(() => transport.TimedOutCount == 1);
    }

    private static string Options(string branch, int port = 9) => Encoding.ASCII.GetString(
        Requests.Make("OPTIONS", branch, viaHost: "127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture), transport: "TCP").ToBytes());

    /// <summary>Sends <paramref name="data"/> a byte at a time until the server closes; returns how long that took.</summary>
    private static async Task<TimeSpan> TrickleAsync(NetworkStream stream, byte[] data, TimeSpan every, CancellationToken cancellation)
    {
        var started = Stopwatch.StartNew();
        try
        {
            for (var i = 0; ; i = (i + 1) % data.Length)
            {
                await stream.WriteAsync(data.AsMemory(i, 1), cancellation);
                await Task.Delay(every, cancellation);
                if (stream.Socket.Poll(0, SelectMode.SelectRead) && stream.Socket.Available == 0)
                {
                    return started.Elapsed; // orderly close by the server
                }
            }
        }
        catch (IOException)
        {
            return started.Elapsed; // reset by the server
        }
        catch (OperationCanceledException)
        {
            return Wait; // never closed: the assertion on the duration fails
        }
    }

    private static async Task<int> ReadOrZeroAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(Wait);
        try
        {
            return await stream.ReadAsync(new byte[64], timeout.Token);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static async Task<SipResponse> ReadResponseAsync(NetworkStream stream)
    {
        var framer = new SipStreamFramer();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.NotEqual(0, read);
            framer.Append(buffer.AsSpan(0, read));
            if (framer.TryTake(out var frame))
            {
                return (SipResponse)SipMessageParser.Parse(frame);
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < Wait, "condition not reached in time");
            await Task.Delay(20);
        }
    }

    private sealed class NullSink : ISipTransportSink
    {
        public void OnFrame(byte[] frame, SipEndPoint source)
        {
        }

        public void OnUnframeable(byte[] head, SipParseException error, SipEndPoint source)
        {
        }

        public void OnTransportError(SipEndPoint remote, Exception error)
        {
        }
    }
}
