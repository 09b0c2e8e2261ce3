using System.Buffers.Binary;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using Ncco.Rtp.Ports;
using Ncco.Rtp.Sessions;
using Ncco.Rtp.Tests.Support;
using Ncco.Tests.Shared;

namespace Ncco.Rtp.Tests.Sessions;

/// <summary>
/// <see cref="RtpSessionOptions.DirectSocketCalls"/>: each behaviour holds with libc's calls (true) and with the
/// Socket's methods (false), so the fallback stays as good as the fast path.
/// </summary>
public sealed class RtpSessionDirectSocketCallsTests
{
    private static readonly RtpPortAllocator Ports = new(new RtpPortRange(43200, 43299), IPAddress.Loopback);

    private static ushort Sequence(byte[] packet) => BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2));

    private static RtpSession Create(bool direct, RtpSessionOptions options)
    {
        var session = new RtpSession(Ports.Allocate(), options with { DirectSocketCalls = direct });
        session.Start();
        return session;
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public async Task A_new_remote_address_gets_the_next_packet_and_the_old_one_nothing_more(bool direct, bool deferSend)
    {
        using var first = new RawPeer();
        using var second = new RawPeer();
        await using var session = Create(direct, new RtpSessionOptions { Codec = "PCMU", RemoteRtp = first.RtpEndPoint, DeferSend = deferSend });

        session.WriteFrame(new short[160]);
        session.FlushSend();
        var before = first.ReceiveRtp() ?? throw new InvalidOperationException("no packet at the first address");

        session.SetRemote(second.RtpEndPoint);
        session.WriteFrame(new short[160]);
        session.FlushSend();

        var after = second.ReceiveRtp() ?? throw new InvalidOperationException("no packet at the new address");
        Assert.Equal((ushort)(Sequence(before) + 1), Sequence(after));
        Assert.True(first.RtpIsQuiet(100), "nothing more goes to the old address");
        Assert.Equal(2, session.Statistics.PacketsSent);
        Assert.Equal(0, session.Statistics.SendErrors);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Sends_follow_the_source_the_session_latched_onto(bool direct)
    {
        using var sdp = new RawPeer();
        using var real = new RawPeer();
        await using var session = Create(direct, new RtpSessionOptions { Codec = "PCMU", RemoteRtp = sdp.RtpEndPoint, ReceiveOnRead = true });
        var frame = new short[160];
        var payload = new byte[160];
        for (var i = 0; i < 3; i++) real.SendRtp(session.LocalRtpPort, 0, (ushort)(10 + i), (uint)(i * 160), 77, payload);

        Assert.True(await Wait.UntilAsync(() =>
        {
            session.ReadFrame(frame);
            return session.Statistics.Latched;
        }));
        session.WriteFrame(frame);

        Assert.NotNull(real.ReceiveRtp());
        Assert.True(sdp.RtpIsQuiet(100), "the SDP address is no longer sent to");
        Assert.Equal(real.RtpEndPoint, session.Statistics.Remote);
        Assert.Equal(3, session.Statistics.PacketsReceived);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_send_the_system_refuses_is_counted_and_the_next_one_goes_out(bool direct)
    {
        using var peer = new RawPeer();
        // An IPv6 destination for the IPv4 socket: the kernel refuses every send (EAFNOSUPPORT / EINVAL).
        await using var session = Create(direct, new RtpSessionOptions { Codec = "PCMA", RemoteRtp = new IPEndPoint(IPAddress.IPv6Loopback, peer.RtpEndPoint.Port) });

        session.WriteFrame(new short[160]);
        session.WriteFrame(new short[160]);

        Assert.Equal(2, session.Statistics.SendErrors);
        Assert.Equal(0, session.Statistics.PacketsSent);

        session.SetRemote(peer.RtpEndPoint);
        session.WriteFrame(new short[160]);

        Assert.NotNull(peer.ReceiveRtp());
        Assert.Equal(1, session.Statistics.PacketsSent);
        Assert.Equal(2, session.Statistics.SendErrors);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_read_of_an_empty_socket_plays_nothing_and_a_later_read_takes_what_arrived(bool direct)
    {
        using var peer = new RawPeer();
        await using var session = Create(direct, new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint, ReceiveOnRead = true });
        var frame = new short[160];

        Assert.False(session.ReadFrame(frame));
        Assert.Equal(0, session.Statistics.PacketsReceived);

        var payload = new byte[160];
        for (var i = 0; i < 3; i++) peer.SendRtp(session.LocalRtpPort, 0, (ushort)(1 + i), (uint)(i * 160), 9, payload);
        Assert.True(await Wait.UntilAsync(() =>
        {
            session.ReadFrame(frame);
            return session.Statistics.PacketsReceived == 3;
        }));
        Assert.Equal(0, session.Statistics.Stray);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Reads_sends_and_flushes_as_a_sip_leg_makes_them_allocate_nothing(bool direct)
    {
        var options = new RtpSessionOptions { Codec = "PCMA", ReceiveOnRead = true, DeferSend = true };
        await using var a = Create(direct, options);
        await using var b = Create(direct, options with { RemoteRtp = new IPEndPoint(IPAddress.Loopback, a.LocalRtpPort) });
        a.SetRemote(new IPEndPoint(IPAddress.Loopback, b.LocalRtpPort));
        var frame = Signals.Tone(700, 8000, 160);
        var read = new short[160];
        void Tick()
        {
            a.ReadFrame(read);
            b.ReadFrame(read);
            a.WriteFrame(frame);
            b.WriteFrame(frame);
            a.FlushSend();
            b.FlushSend();
        }
        SteadyStateAllocation.AssertNone(Tick, 500);

        Assert.True(a.Statistics.PacketsReceived > 0 && b.Statistics.PacketsReceived > 0, "both read what the other sent");
    }

    /// <summary>
    /// A call's first packets on the media thread — the jitter buffer's payload slots, the decode buffer, latching onto
    /// the peer, its reception statistics — must not allocate either: at 500 calls set up over ten seconds those were
    /// ≈9 KB a call, 2.3 KB per tick averaged over a call's life, all of it feeding the GC pauses that make ticks late.
    /// </summary>
    /// <remarks>
    /// With direct socket calls (the host's default) only: through <c>Socket</c>'s methods a session's first tick still
    /// allocates ≈220 bytes inside the runtime's socket code.
    /// </remarks>
    [Fact]
    public async Task A_streams_first_packets_read_as_a_sip_leg_reads_them_allocate_nothing()
    {
        const bool direct = true;
        var options = new RtpSessionOptions { Codec = "PCMA", ReceiveOnRead = true, DeferSend = true };
        var frame = Signals.Tone(700, 8000, 160);
        var read = new short[160];
        // Once per process, not per call (the runtime's first socket calls): a call before this one has paid it.
        await using (var warm = Create(direct, options))
        {
            await using var peer = Create(direct, options with { RemoteRtp = new IPEndPoint(IPAddress.Loopback, warm.LocalRtpPort) });
            for (var i = 0; i < 10; i++)
            {
                peer.WriteFrame(frame);
                peer.FlushSend();
                Thread.Sleep(1);
                warm.ReadFrame(read);
                warm.WriteFrame(frame);
                warm.FlushSend();
            }
        }
        await using var a = Create(direct, options);
        await using var b = Create(direct, options with { RemoteRtp = new IPEndPoint(IPAddress.Loopback, a.LocalRtpPort) });
        var perTick = new long[100];
        for (var i = 0; i < perTick.Length; i++)
        {
            b.WriteFrame(frame);
            b.FlushSend();
            Thread.Sleep(1); // loopback delivery: the packet is waiting when a reads
            var before = GC.GetAllocatedBytesForCurrentThread();
            a.ReadFrame(read);
            a.WriteFrame(frame);
            a.FlushSend();
            perTick[i] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.True(a.Statistics.Latched, "a latched onto b");
        Assert.True(a.Statistics.PacketsReceived >= 90, $"{a.Statistics.PacketsReceived} packets read");
        Assert.True(perTick.Sum() == 0, "bytes allocated per tick: " + string.Join(" ", perTick.Select((n, i) => $"{i}:{n}").Where(t => !t.EndsWith(":0", StringComparison.Ordinal))));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Rtcp_reports_sent_from_the_media_thread_allocate_nothing(bool direct)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        using var peer = new RawPeer();
        var options = new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint, ReceiveOnRead = true, DeferSend = true, DirectSocketCalls = direct };
        await using var session = new RtpSession(Ports.Allocate(), options, clock);
        session.Start();
        var frame = new short[160];
        ushort sequence = 1;
        void Tick()
        {
            peer.SendRtp(session.LocalRtpPort, 0, sequence, sequence * 160u, 4242, new byte[160]);
            sequence++;
            clock.Advance(TimeSpan.FromMilliseconds(20));
            session.ReadFrame(frame);
            session.WriteFrame(frame);
            session.FlushSend();
        }
        for (var i = 0; i < 50; i++) Tick();
        // The reports carry a block about the peer once its stream is past probation: warm that path up too.
        clock.Advance(TimeSpan.FromSeconds(8));
        Tick();
        var reports = session.Statistics.RtcpSent;
        long allocated = 0;
        for (var round = 0; round < 5; round++)
        {
            clock.Advance(TimeSpan.FromSeconds(8)); // past 1.5 × 5 s: the next media-thread call sends a report
            var before = GC.GetAllocatedBytesForCurrentThread();
            session.ReadFrame(frame);
            session.WriteFrame(frame);
            session.FlushSend();
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.True(session.Statistics.RtcpSent >= reports + 5, $"{session.Statistics.RtcpSent - reports} reports");
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task A_send_after_the_session_closed_is_a_counted_error_not_an_exception()
    {
        using var peer = new RawPeer();
        var session = Create(true, new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint, DeferSend = true });
        session.WriteFrame(new short[160]);
        await session.DisposeAsync();

        session.FlushSend(); // the media thread may still hold a closed leg's packet

        Assert.Equal(1, session.Statistics.SendErrors);
        Assert.Equal(0, session.Statistics.PacketsSent);
    }
}
