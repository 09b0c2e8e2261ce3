using System.Net;
using Concentus.Enums;
using Concentus.Structs;
using Ncco.Rtp.Packets;
using Ncco.Rtp.Ports;
using Ncco.Rtp.Sessions;
using Ncco.Rtp.Tests.Support;

namespace Ncco.Rtp.Tests.Sessions;

/// <summary>
/// Opus on an RTP session: a dynamic payload type, the 48 kHz RTP clock against 16 kHz frames, and a peer whose
/// packets hold 10 to 60 ms (RFC 7587 lets the sender choose; the jitter buffer must not assume 20 ms).
/// </summary>
public sealed class RtpSessionOpusTests
{
    private static readonly RtpPortAllocator Ports = new(new RtpPortRange(43000, 43099), IPAddress.Loopback);

    private static RtpSession Create(RtpSessionOptions options)
    {
        var session = new RtpSession(Ports.Allocate(), options);
        session.Start();
        return session;
    }

    /// <summary>A peer's encoder at 48 kHz, as libopus in a softphone runs.</summary>
    private static OpusEncoder PeerEncoder()
    {
#pragma warning disable CS0618
        return new OpusEncoder(48000, 1, OpusApplication.OPUS_APPLICATION_VOIP) { Bitrate = 32000 };
#pragma warning restore CS0618
    }

    /// <summary>
    /// Plays <paramref name="packets"/> (payload and duration in ms; null payload = lost in the network) into the
    /// session as a live peer would: before each 20 ms read, what the peer would have sent by 60 ms ahead of it has
    /// arrived. Returns each read's frame (null when the session had nothing to play).
    /// </summary>
    private static async Task<List<short[]?>> PlayAsync(RtpSession session, RawPeer peer, IReadOnlyList<(byte[]? Payload, int Ms)> packets, int reads)
    {
        var frames = new List<short[]?>();
        var next = 0;
        var sentMs = 0;
        var delivered = 0L;
        for (var f = 0; f < reads; f++)
        {
            while (next < packets.Count && sentMs < (f + 3) * 20)
            {
                var (payload, ms) = packets[next];
                if (payload is not null)
                {
                    peer.SendRtp(session.LocalRtpPort, 96, (ushort)(700 + next), (uint)(9000 + (sentMs * 48)), 31, payload, marker: next == 0);
                    delivered++;
                }
                sentMs += ms;
                next++;
            }
            Assert.True(await Wait.UntilAsync(() => session.Statistics.PacketsReceived == delivered), $"received {session.Statistics.PacketsReceived} of {delivered}");
            var frame = new short[320];
            frames.Add(session.ReadFrame(frame) ? frame : null);
        }
        return frames;
    }

    private static List<(byte[]? Payload, int Ms)> Encode(OpusEncoder encoder, short[] pcm48, int milliseconds, Func<int, bool>? lost = null)
    {
        var step = 48 * milliseconds;
        var packet = new byte[1500];
        var packets = new List<(byte[]?, int)>();
        for (var p = 0; (p + 1) * step <= pcm48.Length; p++)
        {
            var length = encoder.Encode(pcm48.AsSpan(p * step, step), step, packet, packet.Length);
            packets.Add((lost?.Invoke(p) == true ? null : packet[..length], milliseconds));
        }
        return packets;
    }

    [Fact]
    public async Task Sends_20ms_packets_on_the_negotiated_dynamic_type_with_timestamps_on_the_48_kHz_clock()
    {
        using var peer = new RawPeer();
        await using var session = Create(new RtpSessionOptions { Codec = "opus", CodecPayloadType = 107, RemoteRtp = peer.RtpEndPoint });
        Assert.Equal(16000, session.SampleRate);
        Assert.Equal(320, session.SamplesPerFrame);
        var tone = Signals.Tone(440, 16000, 320 * 5);
        for (var f = 0; f < 5; f++)
        {
            session.WriteFrame(tone.AsSpan(f * 320, 320));
        }
        var headers = new List<RtpHeader>();
        for (var i = 0; i < 5; i++)
        {
            var datagram = peer.ReceiveRtp();
            Assert.NotNull(datagram);
            Assert.Equal(RtpParseError.None, RtpPacket.TryParse(datagram, out var header));
            headers.Add(header);
        }
        Assert.All(headers, h => Assert.Equal(107, h.PayloadType));
        Assert.All(headers, h => Assert.InRange(h.PayloadLength, 1, 200)); // ≈ 60 bytes at 24 kbit/s, never G.711's 160 fixed
        for (var i = 1; i < 5; i++)
        {
            Assert.Equal(headers[0].Timestamp + (uint)(960 * i), headers[i].Timestamp);
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(20)]
    [InlineData(40)]
    [InlineData(60)]
    public async Task A_peer_sending_packets_of_any_length_is_heard_continuously(int milliseconds)
    {
        using var peer = new RawPeer();
        await using var session = Create(new RtpSessionOptions { Codec = "opus", CodecPayloadType = 96, RemoteRtp = peer.RtpEndPoint });
        var packets = Encode(PeerEncoder(), Signals.Tone(600, 48000, 48000 * 2), milliseconds);
        // 1.5 s of reads out of 2 s sent: the stream never runs dry, so nothing may be concealed.
        var frames = await PlayAsync(session, peer, packets, 75);
        var silent = frames.Count(f => f is null);
        Assert.True(silent <= 5, $"{milliseconds} ms packets: {silent} of 75 reads silent (only the start may buffer)");
        Assert.DoesNotContain(null, frames.Skip(silent)); // once playing, every 20 ms has audio
        Assert.Equal(0, session.JitterStatistics.Lost);
        Assert.Equal(0, session.Statistics.ConcealedFrames);
        var heard = frames.Skip(silent + 5).SelectMany(f => f!).ToArray();
        Assert.True(Signals.ToneShare(heard, 600, 16000) > 0.9, $"{milliseconds} ms packets: 600 Hz share {Signals.ToneShare(heard, 600, 16000):F2}");
        Assert.InRange(Signals.Rms(heard), 5000, 9000);
    }

    [Fact]
    public async Task A_lost_packet_is_rebuilt_by_the_codec_not_cut_to_silence()
    {
        using var peer = new RawPeer();
        await using var session = Create(new RtpSessionOptions { Codec = "opus", CodecPayloadType = 96, RemoteRtp = peer.RtpEndPoint });
        var encoder = PeerEncoder();
        encoder.UseInbandFEC = true;
        encoder.PacketLossPercent = 10;
        var packets = Encode(encoder, Signals.Tone(500, 48000, 960 * 60), 20, lost: p => p == 20);
        var frames = await PlayAsync(session, peer, packets, 50);
        Assert.Equal(1, session.JitterStatistics.Lost);
        Assert.Equal(1, session.Statistics.ConcealedFrames);
        // The rebuilt frame is near the tone's level (about 7 k rms), not the fade of a repeated frame or silence.
        var silent = frames.Count(f => f is null);
        Assert.All(frames.Skip(silent + 2), f => Assert.InRange(Signals.Rms(f!), 4000, 9000));
    }

    [Theory]
    [InlineData(8000, 800)]
    [InlineData(48000, 4800)]
    public async Task Key_presses_beside_opus_count_their_duration_on_the_event_formats_clock(int eventClock, int finalDuration)
    {
        using var peer = new RawPeer();
        await using var session = Create(new RtpSessionOptions
        {
            Codec = "opus", CodecPayloadType = 96, TelephoneEventPayloadType = 101, TelephoneEventClockRate = eventClock, RemoteRtp = peer.RtpEndPoint,
        });
        Assert.True(session.SendDigit('5', TimeSpan.FromMilliseconds(100)));
        var frame = new short[320];
        var events = new List<(RtpHeader Header, Ncco.Media.Dtmf.TelephoneEvent Event)>();
        for (var f = 0; f < 10; f++)
        {
            session.WriteFrame(frame);
            var datagram = peer.ReceiveRtp();
            Assert.NotNull(datagram);
            Assert.Equal(RtpParseError.None, RtpPacket.TryParse(datagram, out var header));
            if (header.PayloadType == 101) events.Add((header, Ncco.Media.Dtmf.TelephoneEvent.Decode(RtpPacket.Payload(datagram, header))));
        }
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.Equal(events[0].Header.Timestamp, e.Header.Timestamp)); // one event, one timestamp
        Assert.Equal(finalDuration, events.Last(e => e.Event.End).Event.Duration);

        // Received the same way: a 100 ms key on that clock is reported as 100 ms.
        var key = new byte[Ncco.Media.Dtmf.TelephoneEvent.Size];
        new Ncco.Media.Dtmf.TelephoneEvent(7, true, 10, (ushort)finalDuration).Encode(key);
        for (var i = 0; i < 3; i++) peer.SendRtp(session.LocalRtpPort, 101, (ushort)(50 + i), 123456, 8, key);
        var detections = new List<Ncco.Media.Dtmf.DtmfDetection>();
        Assert.True(await Wait.UntilAsync(() =>
        {
            session.ReadFrame(frame);
            while (session.TryReadDtmf(out var d)) detections.Add(d);
            return detections.Any(d => d.DurationMilliseconds > 0);
        }), "no key reported");
        Assert.Equal(100, detections.First(d => d.DurationMilliseconds > 0).DurationMilliseconds);
    }

    [Fact]
    public async Task Garbage_on_the_opus_payload_type_is_concealed_and_counted_never_thrown()
    {
        using var peer = new RawPeer();
        await using var session = Create(new RtpSessionOptions { Codec = "opus", CodecPayloadType = 96, RemoteRtp = peer.RtpEndPoint });
        var packets = Encode(PeerEncoder(), Signals.Tone(500, 48000, 960 * 40), 20);
        packets[10] = ([0xFF], 20); // code 3 without its frame-count byte
        var frames = await PlayAsync(session, peer, packets, 30);
        Assert.Equal(1, session.Statistics.ConcealedFrames);
        Assert.True(frames.Count(f => f is not null) >= 25);
    }
}
