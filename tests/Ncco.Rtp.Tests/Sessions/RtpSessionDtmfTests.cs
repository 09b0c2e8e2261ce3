using System.Net;
using Ncco.Media.Dtmf;
using Ncco.Rtp.Packets;
using Ncco.Rtp.Ports;
using Ncco.Rtp.Sessions;
using Ncco.Rtp.Tests.Support;

namespace Ncco.Rtp.Tests.Sessions;

public sealed class RtpSessionDtmfTests
{
    private static readonly RtpPortAllocator Ports = new(new RtpPortRange(42400, 42589), IPAddress.Loopback);

    private static RtpSession Create(RtpSessionOptions options)
    {
        var session = new RtpSession(Ports.Allocate(), options);
        session.Start();
        return session;
    }

    [Fact]
    public async Task A_digit_goes_out_as_rfc4733_packets_in_place_of_audio()
    {
        using var peer = new RawPeer();
        await using var session = Create(new RtpSessionOptions { Codec = "PCMU", TelephoneEventPayloadType = 101, RemoteRtp = peer.RtpEndPoint });
        var frame = new short[160];
        session.WriteFrame(frame);
        Assert.True(session.SendDigit('7', TimeSpan.FromMilliseconds(100)));
        for (var i = 0; i < 10; i++)
        {
            session.WriteFrame(frame);
        }
        Assert.False(session.IsSendingDigits);

        var packets = new List<(RtpHeader Header, byte[] Payload)>();
        for (var i = 0; i < 11; i++)
        {
            var datagram = peer.ReceiveRtp()!;
            Assert.Equal(RtpParseError.None, RtpPacket.TryParse(datagram, out var header));
            packets.Add((header, RtpPacket.Payload(datagram, header).ToArray()));
        }
        var audioStart = packets[0].Header;
        var events = packets.Skip(1).Take(7).ToList();
        Assert.All(events, p => Assert.Equal(101, p.Header.PayloadType));
        var eventTimestamp = audioStart.Timestamp + 160;
        Assert.All(events, p => Assert.Equal(eventTimestamp, p.Header.Timestamp)); // one timestamp per event
        Assert.True(events[0].Header.Marker);
        Assert.All(events.Skip(1), p => Assert.False(p.Header.Marker));
        var decoded = events.Select(p => TelephoneEvent.Decode(p.Payload)).ToList();
        Assert.All(decoded, e => Assert.Equal('7', e.Digit));
        Assert.Equal([160, 320, 480, 640, 800, 800, 800], decoded.Select(e => (int)e.Duration));
        Assert.Equal([false, false, false, false, true, true, true], decoded.Select(e => e.End));

        var resumed = packets.Skip(8).Select(p => p.Header).ToList();
        Assert.All(resumed, h => Assert.Equal(0, h.PayloadType));
        Assert.True(resumed[0].Marker); // audio comes back as a new talkspurt
        Assert.Equal(eventTimestamp + (7 * 160), resumed[0].Timestamp);
        for (var i = 1; i < packets.Count; i++)
        {
            Assert.Equal((ushort)(packets[0].Header.SequenceNumber + i), packets[i].Header.SequenceNumber);
        }
    }

    [Fact]
    public async Task Digits_between_two_sessions_are_reported_once_each_despite_redundant_end_packets()
    {
        await using var a = Create(new RtpSessionOptions { Codec = "G722" });
        await using var b = Create(new RtpSessionOptions { Codec = "G722", RemoteRtp = new IPEndPoint(IPAddress.Loopback, a.LocalRtpPort) });
        a.SetRemote(new IPEndPoint(IPAddress.Loopback, b.LocalRtpPort));
        a.SendDigit('5', TimeSpan.FromMilliseconds(120));
        a.SendDigit('#');
        var frame = new short[320];
        for (var i = 0; i < 25; i++)
        {
            a.WriteFrame(frame);
        }
        Assert.True(await Wait.UntilAsync(() => b.Statistics.PacketsReceived == 25));
        var reports = new List<DtmfDetection>();
        while (b.TryReadDtmf(out var detection))
        {
            reports.Add(detection);
        }
        Assert.Equal(4, reports.Count);
        Assert.Equal(('5', false), (reports[0].Digit, reports[0].IsEnd));
        Assert.Equal(('5', true, 120), (reports[1].Digit, reports[1].IsEnd, reports[1].DurationMilliseconds));
        Assert.Equal(('#', false), (reports[2].Digit, reports[2].IsEnd));
        Assert.Equal(('#', true, 100), (reports[3].Digit, reports[3].IsEnd, reports[3].DurationMilliseconds));
    }

    [Fact]
    public async Task Duplicated_and_reordered_event_packets_from_a_peer_yield_one_start_and_one_end()
    {
        using var peer = new RawPeer();
        await using var session = Create(new RtpSessionOptions { Codec = "PCMU", TelephoneEventPayloadType = 96, RemoteRtp = peer.RtpEndPoint });
        var payload = new byte[4];
        void Send(ushort seq, ushort duration, bool end, bool marker = false)
        {
            new TelephoneEvent(9, end, 10, duration).Encode(payload);
            peer.SendRtp(session.LocalRtpPort, 96, seq, 8000, 3, payload, marker);
        }
        Send(1, 160, false, marker: true);
        Send(3, 480, false);
        Send(2, 320, false); // reordered
        Send(3, 480, false); // duplicated
        Send(4, 640, true);
        Send(5, 640, true);
        Send(6, 640, true);
        peer.SendRtp(session.LocalRtpPort, 96, 7, 8000, 3, new byte[2]); // truncated payload: ignored, no crash
        Assert.True(await Wait.UntilAsync(() => session.Statistics.PacketsReceived == 8));
        Assert.True(session.TryReadDtmf(out var start));
        Assert.Equal(new DtmfDetection('9', false, 8000, 0), start);
        Assert.True(session.TryReadDtmf(out var end));
        Assert.Equal(new DtmfDetection('9', true, 8000, 80), end);
        Assert.False(session.TryReadDtmf(out _));
    }

    [Fact]
    public async Task Sending_a_digit_needs_negotiated_telephone_events_and_a_real_key()
    {
        await using var session = Create(new RtpSessionOptions { Codec = "PCMU", TelephoneEventPayloadType = null });
        Assert.False(session.SendDigit('1'));
        Assert.Throws<ArgumentException>(() => session.SendDigit('x'));
        await using var withEvents = Create(new RtpSessionOptions { Codec = "PCMU" });
        for (var i = 0; i < RtpSession.MaxQueuedDigits; i++)
        {
            Assert.True(withEvents.SendDigit('1'));
        }
        Assert.False(withEvents.SendDigit('2')); // bounded queue
    }

    [Fact]
    public async Task Event_packets_inside_the_audio_stream_play_as_silence_not_as_loss()
    {
        using var peer = new RawPeer();
        // All 24 packets arrive in one burst; no latency shedding, so the timeline read back is exactly what was sent.
        await using var session = Create(new RtpSessionOptions
        {
            Codec = "PCMU", TelephoneEventPayloadType = 101, RemoteRtp = peer.RtpEndPoint, JitterBuffer = new() { ShrinkAfterPops = 1000 },
        });
        var audio = new byte[160];
        Ncco.Media.G711.MuLaw.Encode(Signals.Tone(400, 8000, 160), audio);
        var eventPayload = new byte[4];
        ushort seq = 0;
        for (var i = 0; i < 10; i++)
        {
            peer.SendRtp(session.LocalRtpPort, 0, seq++, (uint)(i * 160), 8, audio);
        }
        for (var i = 0; i < 4; i++)
        {
            new TelephoneEvent(1, i == 3, 10, (ushort)((i + 1) * 160)).Encode(eventPayload);
            peer.SendRtp(session.LocalRtpPort, 101, seq++, 1600, 8, eventPayload, marker: i == 0);
        }
        for (var i = 14; i < 24; i++)
        {
            peer.SendRtp(session.LocalRtpPort, 0, seq++, (uint)(i * 160), 8, audio, marker: i == 14);
        }
        Assert.True(await Wait.UntilAsync(() => session.Statistics.PacketsReceived == 24));
        var frame = new short[160];
        var levels = new List<double>();
        for (var f = 0; f < 24; f++)
        {
            Assert.True(session.ReadFrame(frame));
            levels.Add(Signals.Rms(frame));
        }
        Assert.Equal(0, session.JitterStatistics.Lost);
        Assert.Equal(0, session.Statistics.ConcealedFrames);
        Assert.Equal(4, levels.Skip(10).Take(4).Count(l => l == 0));
        Assert.All(levels.Take(10).Concat(levels.Skip(14)), l => Assert.True(l > 3000));
        Assert.True(session.TryReadDtmf(out var start));
        Assert.Equal('1', start.Digit);
    }

    [Fact]
    public void Refused_options_free_the_port_pair()
    {
        var ports = new RtpPortAllocator(new RtpPortRange(42590, 42593), IPAddress.Loopback);
        Assert.Throws<ArgumentException>(() => new RtpSession(ports.Allocate(), new RtpSessionOptions { Codec = "G729" }));
        Assert.Throws<ArgumentException>(() => new RtpSession(ports.Allocate(), new RtpSessionOptions { JitterBuffer = new() { MaxDepth = 0 } }));
        Assert.Equal(0, ports.LeasedCount);
    }
}
