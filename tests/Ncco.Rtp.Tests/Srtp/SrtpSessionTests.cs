using System.Net;
using Ncco.Rtp.Ports;
using Ncco.Rtp.Sessions;
using Ncco.Rtp.Srtp;
using Ncco.Rtp.Tests.Support;

namespace Ncco.Rtp.Tests.Srtp;

/// <summary>Two <see cref="RtpSession"/>s on loopback speaking SRTP: audio and RTCP get through, plain or wrongly keyed packets do not.</summary>
public sealed class SrtpSessionTests
{
    private static readonly RtpPortAllocator Ports = new(new RtpPortRange(42400, 42499), IPAddress.Loopback);

    private static RtpSession Create(RtpSessionOptions options)
    {
        var session = new RtpSession(Ports.Allocate(), options);
        session.Start();
        return session;
    }

    private static IPEndPoint Loopback(int port) => new(IPAddress.Loopback, port);

    [Fact]
    public async Task Two_srtp_sessions_exchange_a_tone_and_a_peer_with_the_wrong_key_is_not_heard()
    {
        var keyA = SrtpMasterKey.Generate();
        var keyB = SrtpMasterKey.Generate();
        await using var a = Create(new RtpSessionOptions { Codec = "PCMU", SrtpSendKey = keyA, SrtpReceiveKey = keyB, RtcpInterval = TimeSpan.FromMilliseconds(100) });
        await using var b = Create(new RtpSessionOptions { Codec = "PCMU", SrtpSendKey = keyB, SrtpReceiveKey = keyA, RemoteRtp = Loopback(a.LocalRtpPort) });
        a.SetRemote(Loopback(b.LocalRtpPort));

        var tone = Signals.Tone(1000, 8000, a.SamplesPerFrame * 25);
        for (var f = 0; f < 25; f++) a.WriteFrame(tone.AsSpan(f * a.SamplesPerFrame, a.SamplesPerFrame));
        Assert.True(await Wait.UntilAsync(() => b.Statistics.PacketsReceived == 25), $"received {b.Statistics.PacketsReceived}, malformed {b.Statistics.Malformed}");
        var received = new List<short>();
        var frame = new short[b.SamplesPerFrame];
        for (var f = 0; f < 30; f++)
        {
            if (b.ReadFrame(frame)) received.AddRange(frame);
        }
        var audio = received.ToArray().AsSpan(b.SamplesPerFrame * 2, b.SamplesPerFrame * 15);
        Assert.True(Signals.ToneShare(audio, 1000, 8000) > 0.9, "the 1 kHz tone came through SRTP");
        // SRTCP: A's sender reports reach B and parse.
        // RTCP goes out from the media thread's calls: keep A writing (silence) until a report has been sent and read.
        var silence = new short[a.SamplesPerFrame];
        Assert.True(await Wait.UntilAsync(() =>
        {
            a.WriteFrame(silence);
            return b.Statistics.RtcpReceived > 0;
        }), $"no SRTCP report arrived (B malformed {b.Statistics.Malformed})");

        // The last silence frame may still be in flight: let B take every packet A sent before counting what follows.
        Assert.True(await Wait.UntilAsync(() => b.Statistics.PacketsReceived == a.Statistics.PacketsSent),
            $"B received {b.Statistics.PacketsReceived} of the {a.Statistics.PacketsSent} packets A sent");

        // A plain-RTP peer and one keyed with another key are dropped (counted as malformed), never decoded.
        await using var plain = Create(new RtpSessionOptions { Codec = "PCMU", RemoteRtp = Loopback(b.LocalRtpPort) });
        await using var stranger = Create(new RtpSessionOptions
        {
            Codec = "PCMU", SrtpSendKey = SrtpMasterKey.Generate(), SrtpReceiveKey = keyB, RemoteRtp = Loopback(b.LocalRtpPort),
        });
        var before = b.Statistics;
        for (var f = 0; f < 5; f++)
        {
            plain.WriteFrame(tone.AsSpan(0, a.SamplesPerFrame));
            stranger.WriteFrame(tone.AsSpan(0, a.SamplesPerFrame));
        }
        Assert.True(await Wait.UntilAsync(() => b.Statistics.Malformed >= before.Malformed + 10), $"malformed {b.Statistics.Malformed}");
        Assert.Equal(before.PacketsReceived, b.Statistics.PacketsReceived);
    }

    [Fact]
    public void One_key_without_the_other_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new RtpSession(Ports.Allocate(), new RtpSessionOptions { SrtpSendKey = SrtpMasterKey.Generate() }));
        Assert.Contains("both keys", error.Message, StringComparison.Ordinal);
    }
}
