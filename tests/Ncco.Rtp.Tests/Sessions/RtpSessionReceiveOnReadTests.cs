using System.Net;
using Ncco.Media.Dtmf;
using Ncco.Media.G711;
using Ncco.Rtp.Ports;
using Ncco.Rtp.Sessions;
using Ncco.Rtp.Tests.Support;

namespace Ncco.Rtp.Tests.Sessions;

/// <summary><see cref="RtpSessionOptions.ReceiveOnRead"/>: the media thread's reads take the datagrams themselves.</summary>
public sealed class RtpSessionReceiveOnReadTests
{
    private static readonly RtpPortAllocator Ports = new(new RtpPortRange(42800, 42899), IPAddress.Loopback);

    private static RtpSession Create(RtpSessionOptions options)
    {
        var session = new RtpSession(Ports.Allocate(), options with { ReceiveOnRead = true });
        session.Start();
        return session;
    }

    /// <summary>Reads 20 ms frames (as the media thread would, without its clock) until <paramref name="done"/> or 10 s.</summary>
    private static async Task<List<short>> ReadUntilAsync(RtpSession session, Func<bool> done)
    {
        var received = new List<short>();
        var frame = new short[session.SamplesPerFrame];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!done() && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (session.ReadFrame(frame)) received.AddRange(frame);
            else await Task.Delay(5);
        }
        return received;
    }

    [Fact]
    public async Task A_g711_session_holds_buffers_sized_for_its_codec_and_plays_a_stream_through_them()
    {
        using var peer = new RawPeer();
        await using var session = Create(new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint });
        // Send 182 B (header, 160-byte frame, SRTP tag room), pop 256, decoded samples 3 × 160 and the last frame 160
        // (1,280 B), jitter payloads 32 × 256 (8,192): ≈ 9.9 KB. Before: three datagram-sized (1,500 B) buffers beside
        // the same jitter payloads and four frames of samples — ≈ 14.6 KB a call, every call.
        var idle = session.HeldBufferBytes;
        Assert.InRange(idle, 1, 10 * 1024);

        var tone = Signals.Tone(1000, 8000, 160 * 20);
        var payload = new byte[160];
        var audio = new List<short>();
        for (var i = 0; i < 20; i++)
        {
            MuLaw.Encode(tone.AsSpan(i * 160, 160), payload);
            peer.SendRtp(session.LocalRtpPort, 0, (ushort)(500 + i), (uint)(i * 160), 7, payload);
            var sent = i + 1;
            audio.AddRange(await ReadUntilAsync(session, () => session.Statistics.PacketsReceived == sent));
            session.WriteFrame(tone.AsSpan(i * 160, 160));
        }
        Assert.Equal(20, session.Statistics.PacketsReceived);
        Assert.True(session.Statistics.PacketsSent >= 20);
        Assert.True(Signals.ToneShare(audio.ToArray().AsSpan(0, Math.Min(audio.Count, 160 * 10)), 1000, 8000) > 0.9, "the 1 kHz tone came through");
        Assert.Equal(idle, session.HeldBufferBytes); // a steady stream grew nothing
    }

    [Fact]
    public async Task Nothing_is_received_between_reads_and_a_read_takes_what_waited()
    {
        using var peer = new RawPeer();
        await using var session = Create(new RtpSessionOptions { Codec = "PCMA", RemoteRtp = peer.RtpEndPoint });
        var tone = Signals.Tone(1000, 8000, 160 * 10);
        var payload = new byte[160];
        for (var i = 0; i < 10; i++)
        {
            ALaw.Encode(tone.AsSpan(i * 160, 160), payload);
            peer.SendRtp(session.LocalRtpPort, 8, (ushort)(100 + i), (uint)(i * 160), 42, payload);
        }
        await Task.Delay(200); // the datagrams are waiting on the socket…
        Assert.Equal(0, session.Statistics.PacketsReceived); // …but nobody took them

        var audio = await ReadUntilAsync(session, () => session.Statistics.PacketsReceived == 10);

        Assert.Equal(10, session.Statistics.PacketsReceived);
        // The first read took all ten (sixteen at most per read); the next reads play them in order.
        var frame = new short[160];
        for (var i = 0; i < 12; i++)
        {
            if (session.ReadFrame(frame)) audio.AddRange(frame);
        }
        Assert.True(Signals.ToneShare(audio.ToArray().AsSpan(0, 160 * 8), 1000, 8000) > 0.9, "the 1 kHz tone came through");
    }

    [Fact]
    public async Task Two_sessions_exchange_a_tone_and_the_reader_latches_onto_the_sender()
    {
        await using var a = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMU" });
        a.Start();
        await using var b = Create(new RtpSessionOptions { Codec = "PCMU", RemoteRtp = new IPEndPoint(IPAddress.Loopback, 9) });
        a.SetRemote(new IPEndPoint(IPAddress.Loopback, b.LocalRtpPort));
        var tone = Signals.Tone(700, 8000, 160 * 25);
        // Paced, one packet per read as a live stream arrives: a burst of 25 at once would be a standing surplus the
        // jitter buffer rightly cuts back to its target.
        var audio = new List<short>();
        for (var f = 0; f < 25; f++)
        {
            a.WriteFrame(tone.AsSpan(f * 160, 160));
            var sent = f + 1;
            audio.AddRange(await ReadUntilAsync(b, () => b.Statistics.PacketsReceived == sent));
        }
        var frame = new short[160];
        for (var i = 0; i < 30; i++)
        {
            if (b.ReadFrame(frame)) audio.AddRange(frame);
        }

        Assert.Equal(25, b.Statistics.PacketsReceived);
        Assert.True(b.Statistics.Latched);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, a.LocalRtpPort), b.Statistics.Remote);
        Assert.True(audio.Count >= 20 * 160, $"{audio.Count} samples");
        Assert.True(Signals.ToneShare(audio.ToArray().AsSpan(320, 160 * 15), 700, 8000) > 0.9);
    }

    [Fact]
    public async Task Key_presses_are_reported_after_the_read_that_received_them()
    {
        using var peer = new RawPeer();
        await using var session = Create(new RtpSessionOptions { Codec = "PCMU", TelephoneEventPayloadType = 101, RemoteRtp = peer.RtpEndPoint });
        var payload = new byte[4];
        ushort seq = 1;
        foreach (var (duration, end) in new[] { (160, false), (320, false), (480, true), (480, true) })
        {
            new TelephoneEvent(5, end, 10, (ushort)duration).Encode(payload);
            peer.SendRtp(session.LocalRtpPort, 101, seq++, 16000, 7, payload, marker: seq == 2);
        }

        await ReadUntilAsync(session, () => session.Statistics.PacketsReceived == 4);

        Assert.True(session.TryReadDtmf(out var start));
        Assert.Equal(new DtmfDetection('5', false, 16000, 0), start);
        Assert.True(session.TryReadDtmf(out var stop));
        Assert.Equal('5', stop.Digit);
        Assert.True(stop.IsEnd);
    }
}
