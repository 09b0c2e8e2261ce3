using System.Net;
using Concentus.Enums;
using Concentus.Structs;
using Ncco.Rtp.Codecs;
using Ncco.Rtp.Ports;
using Ncco.Rtp.Sessions;
using Ncco.Rtp.Tests.Support;
using Xunit.Abstractions;

namespace Ncco.Rtp.Tests.Codecs;

/// <summary>
/// Issue 17: what Opus allocates per packet. Our side of the path (the codec wrapper, the 48 → 16 kHz resampler, the RTP
/// session) allocates nothing in steady state; Concentus, the managed libopus port, allocates its scratch arrays on every
/// call (about 70–90 KB per 20 ms encode and 9–12 KB per decode), which nothing outside it can avoid. So the wrapper is
/// held to exactly what Concentus alone allocates for the same work, and a session to a bound just above that.
/// </summary>
public sealed class OpusAllocationTests(ITestOutputHelper output)
{
    private const int Frames = 200;

    private static short[] Speech(int frame)
    {
        var pcm = new short[320];
        var random = new Random(frame);
        for (var i = 0; i < pcm.Length; i++)
        {
            var t = ((frame * 320.0) + i) / 16000;
            var pitch = 140 + (40 * Math.Sin(2 * Math.PI * 0.7 * t));
            pcm[i] = (short)((5000 * Math.Sin(2 * Math.PI * pitch * t)) + (2500 * Math.Sin(2 * Math.PI * 3.1 * pitch * t)) + (600 * (random.NextDouble() - 0.5)));
        }
        return pcm;
    }

    /// <summary>Concentus configured as <see cref="OpusCodec"/> configures it for a peer asking for in-band FEC.</summary>
    private static (OpusEncoder Encoder, OpusDecoder Decoder) BareConcentus()
    {
#pragma warning disable CS0618
        var encoder = new OpusEncoder(16000, 1, OpusApplication.OPUS_APPLICATION_VOIP)
        {
            Bitrate = OpusParameters.OurBitrate,
            Complexity = OpusParameters.Complexity,
            SignalType = OpusSignal.OPUS_SIGNAL_VOICE,
            MaxBandwidth = OpusBandwidth.OPUS_BANDWIDTH_WIDEBAND,
            UseInbandFEC = true,
            PacketLossPercent = 10,
            UseVBR = true,
            UseDTX = false,
        };
        return (encoder, new OpusDecoder(48000, 1));
#pragma warning restore CS0618
    }

    [Fact]
    public void The_codec_wrapper_adds_nothing_measurable_to_what_concentus_alone_allocates_for_the_same_frames()
    {
        var codec = new OpusCodec(parameters: OpusParameters.Parse("useinbandfec=1"));
        var (encoder, decoder) = BareConcentus();
        var frames = Enumerable.Range(0, Frames + 20).Select(Speech).ToArray();
        var packet = new byte[1500];
        var barePacket = new byte[1500];
        var pcm = new short[OpusCodec.MaxPacketSamples + 2];
        var wide = new short[OpusCodec.MaxPacketSamples * 3];
        long ours = 0, bare = 0;
        for (var f = 0; f < frames.Length; f++)
        {
            // The same frames through both, in lock step (Concentus's state, hence its allocations, follow the input).
            var before = GC.GetAllocatedBytesForCurrentThread();
            var length = codec.Encode(frames[f], packet);
            codec.Decode(packet.AsSpan(0, length), pcm);
            if (f % 10 == 9) codec.Conceal(default, pcm); // a loss now and then: packet-loss concealment
            var middle = GC.GetAllocatedBytesForCurrentThread();
            var bareLength = encoder.Encode(frames[f], 320, barePacket, OpusParameters.MaxPacketBytes);
            decoder.Decode(barePacket.AsSpan(0, bareLength), wide, wide.Length, false);
            if (f % 10 == 9) decoder.Decode(ReadOnlySpan<byte>.Empty, wide.AsSpan(0, 960), 960, false);
            var after = GC.GetAllocatedBytesForCurrentThread();
            Assert.Equal(bareLength, length);
            if (f < 20) continue; // Concentus's one-time static tables, whichever instance meets them first
            ours += middle - before;
            bare += after - middle;
        }
        output.WriteLine($"per 20 ms frame (encode + decode, PLC every 10th): wrapper path {ours / Frames:N0} B, Concentus alone {bare / Frames:N0} B");
        Assert.True(bare > 0, "Concentus allocates per call; if it stops, tighten the session bound below to zero");
        // Not byte-exact: over 200 frames the two paths have differed by a few hundred bytes in one run of three (Concentus's
        // own lazily built state lands on whichever instance meets it first). 16 B per frame is far below any buffer of ours.
        Assert.InRange(ours, 0, bare + 16L * Frames);
    }

    [Fact]
    public async Task An_opus_session_allocates_no_more_per_frame_than_concentus_needs()
    {
        var ports = new RtpPortAllocator(new RtpPortRange(43100, 43119), IPAddress.Loopback);
        await using var a = new RtpSession(ports.Allocate(), new RtpSessionOptions { Codec = "OPUS", CodecPayloadType = 111, CodecParameters = "useinbandfec=1" });
        a.Start();
        await using var b = new RtpSession(ports.Allocate(), new RtpSessionOptions
        {
            Codec = "OPUS", CodecPayloadType = 111, CodecParameters = "useinbandfec=1", RemoteRtp = new IPEndPoint(IPAddress.Loopback, a.LocalRtpPort),
        });
        b.Start();
        a.SetRemote(new IPEndPoint(IPAddress.Loopback, b.LocalRtpPort));
        var read = new short[320];
        for (var i = 0; i < 100; i++)
        {
            var frame = Speech(i);
            a.WriteFrame(frame);
            b.WriteFrame(frame);
            a.ReadFrame(read);
            b.ReadFrame(read);
        }
        var speech = Enumerable.Range(100, 250).Select(Speech).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var frame in speech)
        {
            a.WriteFrame(frame);
            b.WriteFrame(frame);
            a.ReadFrame(read);
            b.ReadFrame(read);
        }
        var perFrame = (GC.GetAllocatedBytesForCurrentThread() - before) / (2.0 * speech.Length);
        output.WriteLine($"per session and 20 ms tick (one encode, one decode or concealment): {perFrame:N0} B");
        // Concentus's own scratch arrays (measured above: ≈ 80–100 KB per encode + decode); the session adds nothing.
        Assert.InRange(perFrame, 0, 128 * 1024);
        // The packets cross loopback on the sessions' receive loops, after the writes above returned: wait for them (bounded).
        for (var waited = 0; waited < 100 && (a.Statistics.PacketsReceived <= 200 || b.Statistics.PacketsReceived <= 200); waited++)
        {
            await Task.Delay(50);
        }
        Assert.True(a.Statistics.PacketsReceived > 200 && b.Statistics.PacketsReceived > 200, $"received {a.Statistics.PacketsReceived} and {b.Statistics.PacketsReceived} of 350 each");
    }
}
