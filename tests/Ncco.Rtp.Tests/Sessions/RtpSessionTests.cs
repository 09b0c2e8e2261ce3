using System.Net;
using Microsoft.Extensions.Time.Testing;
using Ncco.Media.G711;
using Ncco.Rtp.Packets;
using Ncco.Rtp.Ports;
using Ncco.Rtp.Rtcp;
using Ncco.Rtp.Sessions;
using Ncco.Rtp.Tests.Support;
using Ncco.Tests.Shared;

namespace Ncco.Rtp.Tests.Sessions;

public sealed class RtpSessionTests
{
    private static readonly RtpPortAllocator Ports = new(new RtpPortRange(42000, 42395), IPAddress.Loopback);

    private static RtpSession Create(RtpSessionOptions options, TimeProvider? time = null)
    {
        var session = new RtpSession(Ports.Allocate(), options, time);
        session.Start();
        return session;
    }

    private static IPEndPoint Loopback(int port) => new(IPAddress.Loopback, port);

    [Theory]
    [InlineData("PCMU", 8000)]
    [InlineData("PCMA", 8000)]
    [InlineData("G722", 16000)]
    [InlineData("opus", 16000)]
    public async Task Two_sessions_exchange_a_tone(string codec, int rate)
    {
        await using var a = Create(new RtpSessionOptions { Codec = codec });
        await using var b = Create(new RtpSessionOptions { Codec = codec, RemoteRtp = Loopback(a.LocalRtpPort) });
        a.SetRemote(Loopback(b.LocalRtpPort));
        Assert.Equal(rate, a.SampleRate);

        var tone = Signals.Tone(1000, rate, a.SamplesPerFrame * 25);
        for (var f = 0; f < 25; f++)
        {
            a.WriteFrame(tone.AsSpan(f * a.SamplesPerFrame, a.SamplesPerFrame));
        }
        Assert.True(await Wait.UntilAsync(() => b.Statistics.PacketsReceived == 25), $"received {b.Statistics.PacketsReceived}");

        var received = new List<short>();
        var frame = new short[b.SamplesPerFrame];
        for (var f = 0; f < 30; f++)
        {
            if (b.ReadFrame(frame))
            {
                received.AddRange(frame);
            }
        }
        Assert.True(received.Count >= 20 * b.SamplesPerFrame, $"{received.Count} samples");
        var audio = received.ToArray().AsSpan(b.SamplesPerFrame * 2, b.SamplesPerFrame * 15);
        Assert.True(Signals.ToneShare(audio, 1000, rate) > 0.9, "the 1 kHz tone came through");
        Assert.InRange(Signals.Rms(audio), 5000, 9000);
    }

    [Theory]
    [InlineData("PCMU", 0)]
    [InlineData("G722", 9)]
    public async Task Packets_have_20ms_timestamps_a_marker_on_the_first_and_one_ssrc(string codec, int payloadType)
    {
        using var peer = new RawPeer();
        await using var session = Create(new RtpSessionOptions { Codec = codec, RemoteRtp = peer.RtpEndPoint });
        var frame = new short[session.SamplesPerFrame];
        for (var i = 0; i < 5; i++)
        {
            session.WriteFrame(frame);
        }
        var headers = new List<RtpHeader>();
        for (var i = 0; i < 5; i++)
        {
            var datagram = peer.ReceiveRtp();
            Assert.NotNull(datagram);
            Assert.Equal(RtpParseError.None, RtpPacket.TryParse(datagram, out var header));
            Assert.Equal(160, header.PayloadLength);
            headers.Add(header);
        }
        Assert.All(headers, h => Assert.Equal(payloadType, h.PayloadType));
        Assert.All(headers, h => Assert.Equal(session.Ssrc, h.Ssrc));
        Assert.True(headers[0].Marker);
        Assert.All(headers.Skip(1), h => Assert.False(h.Marker));
        for (var i = 1; i < 5; i++)
        {
            Assert.Equal((ushort)(headers[0].SequenceNumber + i), headers[i].SequenceNumber);
            Assert.Equal(headers[0].Timestamp + (uint)(160 * i), headers[i].Timestamp); // 8000 Hz clock even for G.722
        }
    }

    [Fact]
    public async Task Comedia_latches_onto_where_packets_really_come_from_and_then_ignores_strays()
    {
        using var sdpAddress = new RawPeer();   // what the peer's SDP said (behind NAT: wrong)
        using var realPeer = new RawPeer();     // where its packets actually come from
        using var stray = new RawPeer();
        await using var session = Create(new RtpSessionOptions { Codec = "PCMU", RemoteRtp = sdpAddress.RtpEndPoint, LatchAfterPackets = 3 });
        var payload = new byte[160];

        // Wrong payload types do not count towards latching.
        realPeer.SendRtp(session.LocalRtpPort, 96, 1, 0, 77, payload);
        for (ushort s = 10; s < 13; s++)
        {
            realPeer.SendRtp(session.LocalRtpPort, 0, s, s * 160u, 77, payload);
        }
        Assert.True(await Wait.UntilAsync(() => session.Statistics.Latched));
        var stats = session.Statistics;
        Assert.Equal(realPeer.RtpEndPoint, stats.Remote);
        Assert.Equal(77u, stats.RemoteSsrc);
        Assert.Equal(1, stats.UnexpectedPayloadType);

        session.WriteFrame(new short[160]);
        Assert.NotNull(realPeer.ReceiveRtp());
        Assert.True(sdpAddress.RtpIsQuiet(100));

        stray.SendRtp(session.LocalRtpPort, 0, 500, 0, 99, payload);
        stray.SendRtp(session.LocalRtpPort, 0, 501, 160, 99, payload);
        Assert.True(await Wait.UntilAsync(() => session.Statistics.Stray == 2));
        Assert.Equal(77u, session.Statistics.RemoteSsrc);
        Assert.Equal(3, session.Statistics.PacketsReceived);
    }

    [Fact]
    public async Task Without_latching_only_the_sdp_address_is_accepted()
    {
        using var configured = new RawPeer();
        using var other = new RawPeer();
        await using var session = Create(new RtpSessionOptions { Codec = "PCMU", RemoteRtp = configured.RtpEndPoint, Latching = false });
        other.SendRtp(session.LocalRtpPort, 0, 1, 0, 5, new byte[160]);
        configured.SendRtp(session.LocalRtpPort, 0, 1, 0, 6, new byte[160]);
        Assert.True(await Wait.UntilAsync(() => session.Statistics.PacketsReceived == 1 && session.Statistics.Stray == 1));
        Assert.Equal(6u, session.Statistics.RemoteSsrc);
        Assert.False(session.Statistics.Latched);
    }

    [Fact]
    public async Task Hostile_datagrams_are_counted_and_the_session_keeps_working()
    {
        using var peer = new RawPeer();
        await using var session = Create(new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint });
        var target = Loopback(session.LocalRtpPort);
        var random = new Random(3);
        for (var i = 0; i < 200; i++)
        {
            // Small enough that 400 of them fit the default socket receive buffer: we count them all, none lost.
            var junk = new byte[random.Next(1, 400)];
            random.NextBytes(junk);
            if (junk.Length > 0)
            {
                junk[0] = (byte)(junk[0] & 0x3F); // version 0: never valid RTP
            }
            peer.Rtp.SendTo(junk, target);
            peer.Rtcp.SendTo(junk, Loopback(session.LocalRtpPort + 1));
        }
        Assert.True(await Wait.UntilAsync(() => session.Statistics.Malformed >= 390), $"malformed {session.Statistics.Malformed}");
        peer.Rtp.SendTo(new byte[9000], target); // larger than any datagram we read: truncated or refused, never fatal
        peer.SendRtp(session.LocalRtpPort, 0, 1, 0, 5, new byte[160]);
        Assert.True(await Wait.UntilAsync(() => session.Statistics.PacketsReceived == 1), "a good packet after the junk is accepted");
    }

    [Fact]
    public async Task Rtcp_reports_follow_the_injected_clock_and_bye_is_sent_on_close()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        using var peer = new RawPeer();
        var session = Create(new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint, CanonicalName = "leg-1@ncco" }, clock);
        var frame = new short[160];

        // The peer sends too, so our report carries a block about it.
        for (ushort s = 0; s < 10; s++)
        {
            peer.SendRtp(session.LocalRtpPort, 0, (ushort)(1000 + s), s * 160u, 4242, new byte[160]);
        }
        Assert.True(await Wait.UntilAsync(() => session.Statistics.PacketsReceived == 10));
        for (var i = 0; i < 10; i++)
        {
            session.WriteFrame(frame);
        }
        Assert.Equal(0, session.Statistics.RtcpSent); // not due yet: the clock has not moved
        clock.Advance(TimeSpan.FromSeconds(7.6)); // beyond 1.5 × 5 s, whatever the randomisation
        session.WriteFrame(frame);
        Assert.Equal(1, session.Statistics.RtcpSent);

        var datagram = peer.ReceiveRtcp();
        Assert.NotNull(datagram);
        Assert.Equal(RtcpParseError.None, RtcpCompound.TryParse(datagram, out var packets));
        var sr = Assert.IsType<RtcpSenderReport>(packets[0]);
        Assert.Equal(session.Ssrc, sr.Ssrc);
        Assert.Equal(11u, sr.Sender.PacketCount);
        Assert.Equal(11u * 160, sr.Sender.OctetCount);
        Assert.Equal(SenderInfo.ToNtp(clock.GetUtcNow()), sr.Sender.NtpTimestamp);
        var block = Assert.Single(sr.Reports);
        Assert.Equal(4242u, block.Ssrc);
        Assert.Equal(1009u, block.ExtendedHighestSequence);
        Assert.Equal(0, block.CumulativeLost);
        Assert.Equal("leg-1@ncco", Assert.IsType<RtcpSourceDescription>(packets[1]).Chunks[0].CanonicalName);

        await session.DisposeAsync();
        datagram = peer.ReceiveRtcp();
        Assert.NotNull(datagram);
        Assert.Equal(RtcpParseError.None, RtcpCompound.TryParse(datagram, out packets));
        Assert.Equal([session.Ssrc], Assert.IsType<RtcpBye>(packets[^1]).Sources);
    }

    [Fact]
    public async Task A_receive_only_session_sends_receiver_reports()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        using var peer = new RawPeer();
        await using var session = Create(new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint }, clock);
        clock.Advance(TimeSpan.FromSeconds(8));
        session.ReadFrame(new short[160]);
        var datagram = peer.ReceiveRtcp();
        Assert.NotNull(datagram);
        Assert.Equal(RtcpParseError.None, RtcpCompound.TryParse(datagram, out var packets));
        Assert.IsType<RtcpReceiverReport>(packets[0]);
    }

    [Fact]
    public async Task Peer_bye_is_noticed()
    {
        await using var a = Create(new RtpSessionOptions { Codec = "PCMU" });
        var b = Create(new RtpSessionOptions { Codec = "PCMU", RemoteRtp = Loopback(a.LocalRtpPort) });
        a.SetRemote(Loopback(b.LocalRtpPort));
        for (var i = 0; i < 5; i++)
        {
            b.WriteFrame(new short[160]);
        }
        Assert.True(await Wait.UntilAsync(() => a.Statistics.RemoteSsrc == b.Ssrc));
        await b.DisposeAsync();
        Assert.True(await Wait.UntilAsync(() => a.Statistics.RemoteSentBye));
    }

    [Fact]
    public async Task Lost_packets_are_concealed_and_silence_follows_a_long_gap()
    {
        using var peer = new RawPeer();
        await using var session = Create(new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint });
        var tone = Signals.Tone(500, 8000, 160 * 40);
        var encoded = new byte[160];
        for (var s = 0; s < 40; s++)
        {
            if (s is 20 or 21)
            {
                continue; // lost in the network
            }
            MuLaw.Encode(tone.AsSpan(s * 160, 160), encoded);
            peer.SendRtp(session.LocalRtpPort, 0, (ushort)s, (uint)(s * 160), 1, encoded);
        }
        Assert.True(await Wait.UntilAsync(() => session.Statistics.PacketsReceived == 38));
        var frame = new short[160];
        var levels = new List<double>();
        for (var f = 0; f < 50; f++)
        {
            levels.Add(session.ReadFrame(frame) ? Signals.Rms(frame) : -1);
        }
        Assert.Equal(2, session.JitterStatistics.Lost);
        Assert.Equal(2 + 3, session.Statistics.ConcealedFrames); // two losses, then three fading frames at the end
        Assert.DoesNotContain(0.0, levels.Take(30)); // no hard silence inside the call
        Assert.Equal(-1, levels[^1]);                // after the fade: nothing to play
    }

    [Fact]
    public async Task Media_thread_calls_do_not_allocate_in_steady_state()
    {
        // The host's media thread: RTP read on the tick (ReceiveOnRead), a clock stepped 20 ms per tick so that RTCP
        // goes out inside every measured window, whatever the machine's load.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        await using var a = Create(new RtpSessionOptions { Codec = "G722", ReceiveOnRead = true }, clock);
        await using var b = Create(new RtpSessionOptions { Codec = "G722", ReceiveOnRead = true, RemoteRtp = Loopback(a.LocalRtpPort) }, clock);
        a.SetRemote(Loopback(b.LocalRtpPort));
        var frame = Signals.Tone(700, 16000, 320);
        var read = new short[320];
        const int TicksPerWindow = 500; // 10 s of media: at least one RTCP report each way (interval 2.5-7.5 s)
        long rtcpBefore = 0, receivedBefore = 0;
        SteadyStateAllocation.AssertNone(
            () =>
            {
                a.WriteFrame(frame);
                b.WriteFrame(frame);
                a.ReadFrame(read);
                b.ReadFrame(read);
                clock.Advance(TimeSpan.FromMilliseconds(20));
            },
            TicksPerWindow,
            afterWindow: () =>
            {
                var rtcp = a.Statistics.RtcpSent + b.Statistics.RtcpSent;
                var received = b.Statistics.PacketsReceived;
                Assert.True(rtcp >= rtcpBefore + 2, "each session sends RTCP in a window");
                Assert.Equal(receivedBefore + TicksPerWindow, received);
                (rtcpBefore, receivedBefore) = (rtcp, received);
            });
    }

    [Fact]
    public async Task Closing_a_session_frees_its_ports_for_the_next_call()
    {
        var ports = new RtpPortAllocator(new RtpPortRange(42396, 42399), IPAddress.Loopback); // exactly two pairs
        var first = new RtpSession(ports.Allocate(), new RtpSessionOptions());
        var second = new RtpSession(ports.Allocate(), new RtpSessionOptions());
        first.Start();
        Assert.Throws<InvalidOperationException>(ports.Allocate);
        var port = first.LocalRtpPort;
        await first.DisposeAsync();
        await first.DisposeAsync(); // idempotent
        Assert.Equal(1, ports.LeasedCount);
        await using var third = new RtpSession(ports.Allocate(), new RtpSessionOptions());
        Assert.Equal(port, third.LocalRtpPort);
        await second.DisposeAsync();
    }

    [Fact]
    public async Task Rtcp_latches_to_where_the_peers_reports_come_from_and_echoes_its_sender_report()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        using var peer = new RawPeer();
        using var peerRtcp = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        peerRtcp.Bind(Loopback(0)); // the peer's RTCP is not on RTP port + 1 (a NAT mapped it elsewhere)
        peerRtcp.ReceiveTimeout = 3000;
        await using var session = Create(new RtpSessionOptions { Codec = "PCMU" }, clock);
        for (ushort s = 0; s < 5; s++)
        {
            peer.SendRtp(session.LocalRtpPort, 0, s, s * 160u, 31, new byte[160]);
        }
        Assert.True(await Wait.UntilAsync(() => session.Statistics.Latched));

        var sr = new byte[100];
        var ntp = SenderInfo.ToNtp(clock.GetUtcNow());
        var length = RtcpCompound.WriteSenderReport(sr, 31, new SenderInfo(ntp, 800, 5, 800), []);
        peerRtcp.SendTo(sr.AsSpan(0, length), System.Net.Sockets.SocketFlags.None, Loopback(session.LocalRtpPort + 1));
        Assert.True(await Wait.UntilAsync(() => session.Statistics.RtcpReceived == 1));

        clock.Advance(TimeSpan.FromSeconds(8));
        session.ReadFrame(new short[160]);
        var buffer = new byte[1500];
        var received = peerRtcp.Receive(buffer);
        Assert.Equal(RtcpParseError.None, RtcpCompound.TryParse(buffer.AsSpan(0, received), out var packets));
        var block = Assert.Single(Assert.IsType<RtcpReceiverReport>(packets[0]).Reports);
        Assert.Equal(31u, block.Ssrc);
        Assert.Equal((uint)(ntp >> 16), block.LastSenderReport);
        Assert.Equal(8u * 65536, block.DelaySinceLastSenderReport);
        Assert.True(peer.Rtcp.Poll(100_000, System.Net.Sockets.SelectMode.SelectRead) == false, "nothing went to RTP port + 1");
    }

    [Fact]
    public async Task Packets_longer_than_20ms_are_cut_into_frames()
    {
        using var peer = new RawPeer();
        await using var session = Create(new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint });
        var tone = Signals.Tone(600, 8000, 800 * 4);
        var payload = new byte[800]; // 100 ms per packet
        for (var p = 0; p < 4; p++)
        {
            MuLaw.Encode(tone.AsSpan(p * 800, 800), payload);
            peer.SendRtp(session.LocalRtpPort, 0, (ushort)p, (uint)(p * 800), 2, payload);
        }
        Assert.True(await Wait.UntilAsync(() => session.Statistics.PacketsReceived == 4));
        var frame = new short[160];
        var audio = new List<short>();
        for (var f = 0; f < 20 && session.ReadFrame(frame); f++)
        {
            audio.AddRange(frame);
        }
        Assert.True(audio.Count >= 15 * 160, $"{audio.Count} samples");
        var (snr, lag) = Signals.BestSnr(tone, audio.ToArray(), 0, skip: 0);
        Assert.Equal(0, lag);
        Assert.True(snr > 30, $"SNR {snr:F1}: the frames are the packets' samples in order");
    }

    [Fact]
    public async Task The_arrival_clock_wraps_like_rtp_timestamps_after_days_of_uptime()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        await using var session = Create(new RtpSessionOptions { Codec = "PCMU" }, clock);
        Assert.Equal(8000u, session.ToMediaClock(TimeSpan.TicksPerSecond));
        var tenDays = TimeSpan.FromDays(10).Ticks;
        Assert.Equal(unchecked((uint)(10L * 86400 * 8000)), session.ToMediaClock(tenDays));
        Assert.Equal(160u, session.ToMediaClock(tenDays + TimeSpan.FromMilliseconds(20).Ticks) - session.ToMediaClock(tenDays));
    }
}
