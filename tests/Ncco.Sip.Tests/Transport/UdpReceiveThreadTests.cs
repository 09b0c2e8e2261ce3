using System.Net;
using System.Net.Sockets;
using Ncco.Sip.Parsing;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Tests.Transport;

/// <summary>
/// Issue 19 (500 cps setup): the UDP receive loop awaited each datagram, so every one was queued to the thread pool before
/// it was parsed; with the pool backlogged by call setup the 100 Trying left 2.1 s (p50) after the INVITE, at 200 cps on a
/// loaded machine, and the caller retransmitted every INVITE. Datagrams are now handled on the transport's own thread.
/// </summary>
public sealed class UdpReceiveThreadTests
{
    [Fact]
    public async Task Datagrams_are_handled_on_the_transport_s_own_thread_not_on_a_thread_pool_thread()
    {
        await using var transport = new UdpSipTransport(new IPEndPoint(IPAddress.Loopback, 0));
        var sink = new RecordingSink();
        transport.Start(sink);
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.SendTo("OPTIONS"u8.ToArray(), transport.LocalEndPoint);

        var onPool = await sink.First.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(onPool, "the datagram was handled on a thread-pool thread");
    }

    [Fact]
    public async Task An_idle_receive_thread_throws_no_exception_while_it_waits()
    {
        // Its wake-ups (to look for a stop request) once came from a socket receive timeout: a first-chance
        // SocketException four times a second per idle transport (SipCallExceptionsTests counted them in the host).
        await using var transport = new UdpSipTransport(new IPEndPoint(IPAddress.Loopback, 0));
        var thread = "SIP UDP " + transport.LocalEndPoint.Port;
        var thrown = 0;
        void OnFirstChance(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (Thread.CurrentThread.Name == thread) Interlocked.Increment(ref thrown);
        }
        AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;
        try
        {
            var sink = new RecordingSink();
            transport.Start(sink);
            // Several of the loop's wake-ups, then one datagram to show the loop is alive and the count is read after them.
            await Task.Delay(TimeSpan.FromSeconds(1));
            using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            sender.SendTo("OPTIONS"u8.ToArray(), transport.LocalEndPoint);
            await sink.First.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= OnFirstChance;
        }

        Assert.Equal(0, Volatile.Read(ref thrown));
    }

    private sealed class RecordingSink : ISipTransportSink
    {
        private readonly TaskCompletionSource<bool> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes with whether the first frame was handled on a thread-pool thread.</summary>
        public Task<bool> First => _first.Task;

        public void OnFrame(byte[] frame, SipEndPoint source)
        {
            _first.TrySetResult(Thread.CurrentThread.IsThreadPoolThread);
        }

        public void OnUnframeable(byte[] head, SipParseException error, SipEndPoint source)
        {
        }

        public void OnTransportError(SipEndPoint remote, Exception error)
        {
        }
    }
}
