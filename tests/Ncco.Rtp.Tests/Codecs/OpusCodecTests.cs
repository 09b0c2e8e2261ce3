using Concentus.Enums;
using Concentus.Structs;
using Ncco.Rtp.Codecs;
using Ncco.Rtp.Tests.Support;
using Xunit.Abstractions;

namespace Ncco.Rtp.Tests.Codecs;

public sealed class OpusCodecTests(ITestOutputHelper output)
{
    private const int Rate = 16000;

    private static short[] RoundTrip(OpusCodec codec, short[] source, List<int>? sizes = null)
    {
        var decoded = new List<short>();
        var packet = new byte[1500];
        var pcm = new short[OpusCodec.MaxPacketSamples + 2];
        for (var offset = 0; offset + 320 <= source.Length; offset += 320)
        {
            var length = codec.Encode(source.AsSpan(offset, 320), packet);
            sizes?.Add(length);
            Assert.Equal(320, codec.SamplesFor(packet.AsSpan(0, length)));
            var written = codec.Decode(packet.AsSpan(0, length), pcm);
            Assert.Equal(320, written);
            decoded.AddRange(pcm.AsSpan(0, written));
        }
        return [.. decoded];
    }

    [Fact]
    public void Describes_itself_as_RFC_7587_says_a_48_kHz_clock_with_16_kHz_frames_for_the_mixer()
    {
        var codec = new OpusCodec(107);
        Assert.Equal(107, codec.PayloadType);
        Assert.Equal("opus", codec.EncodingName);
        Assert.Equal(48000, codec.ClockRate);
        Assert.Equal(16000, codec.SampleRate);
        Assert.Equal(320, codec.SamplesPerFrame);
        Assert.Equal(960, codec.TimestampUnitsPerFrame);
        Assert.Equal(1922, codec.MaxSamplesFor(10)); // 120 ms whatever the length, and the resampler's rounding room
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpusCodec(128));
    }

    [Theory]
    [InlineData(300)]
    [InlineData(1000)]
    [InlineData(3000)]
    public void A_tone_round_trips_with_a_good_snr_in_about_60_bytes_a_packet(double frequency)
    {
        var source = Signals.Tone(frequency, Rate, Rate * 2);
        var sizes = new List<int>();
        var decoded = RoundTrip(new OpusCodec(), source, sizes);
        // Opus delays by its look-ahead (6.5 ms = 104 samples at 16 kHz, plus the resampler's few).
        var (snr, lag) = Signals.BestSnr(source, decoded, 400, skip: 1600);
        var mean = sizes.Average();
        output.WriteLine($"{frequency} Hz: SNR {snr:F1} dB at lag {lag}, {mean:F1} bytes per 20 ms packet ({mean * 8 * 50 / 1000:F1} kbit/s)");
        Assert.True(snr > 15, $"{frequency} Hz: SNR {snr:F1} dB at lag {lag}");
        Assert.InRange(mean, 30, 90); // ≈ 24 kbit/s: the bitrate we set, not G.711's 64
    }

    [Fact]
    public void Speech_like_audio_keeps_its_level_and_spectrum()
    {
        var source = Signals.SpeechLike(Rate, Rate * 2);
        var decoded = RoundTrip(new OpusCodec(), source);
        var (snr, lag) = Signals.BestSnr(source, decoded, 400, skip: 1600);
        output.WriteLine($"speech-like: SNR {snr:F1} dB at lag {lag}");
        // Opus codes what is heard, not the waveform: a noise-excited synthetic voice keeps its level, not its samples.
        Assert.True(snr > 5, $"speech-like SNR {snr:F1} dB at lag {lag}");
        Assert.InRange(Signals.Rms(decoded.AsSpan(1600)), Signals.Rms(source.AsSpan(1600)) * 0.7, Signals.Rms(source.AsSpan(1600)) * 1.3);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(20)]
    [InlineData(40)]
    [InlineData(60)]
    public void Packets_of_any_duration_a_peer_sends_are_sized_from_their_toc_and_decoded_whole(int milliseconds)
    {
        // A peer's encoder (Concentus at 48 kHz, as baresip's libopus runs) producing one packet of the given length.
        var samples48 = 48 * milliseconds;
#pragma warning disable CS0618
        var peer = new OpusEncoder(48000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
#pragma warning restore CS0618
        peer.Bitrate = 32000;
        var tone = Signals.Tone(800, 48000, samples48 * 10);
        var codec = new OpusCodec();
        var packet = new byte[1500];
        var pcm = new short[OpusCodec.MaxPacketSamples + 2];
        var decoded = new List<short>();
        for (var p = 0; p < 10; p++)
        {
            var length = peer.Encode(tone.AsSpan(p * samples48, samples48), samples48, packet, packet.Length);
            Assert.Equal(16 * milliseconds, codec.SamplesFor(packet.AsSpan(0, length)));
            var written = codec.Decode(packet.AsSpan(0, length), pcm);
            Assert.Equal(16 * milliseconds, written);
            decoded.AddRange(pcm.AsSpan(0, written));
        }
        var tail = decoded.ToArray().AsSpan(decoded.Count / 2);
        output.WriteLine($"{milliseconds} ms: rms {Signals.Rms(tail):F0}, 800 Hz share {Signals.ToneShare(tail, 800, Rate):F2}, zc {Signals.ZeroCrossingFrequency(tail, Rate):F0} Hz");
        Assert.True(Signals.ToneShare(tail, 800, Rate) > 0.9, $"{milliseconds} ms packets: 800 Hz share {Signals.ToneShare(tail, 800, Rate):F2}");
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0xFF })]                   // code 3 with no frame-count byte
    [InlineData(new byte[] { 0x03, 0xFF, 0x00 })]       // code 3: 63 frames of 20 ms = 1.26 s, over the 120 ms limit
    [InlineData(new byte[] { 0x01, 0x01, 0x02, 0x03 })] // code 1: two equal frames from an odd remainder
    public void A_malformed_packet_decodes_to_nothing_instead_of_throwing(byte[] payload)
    {
        var codec = new OpusCodec();
        var pcm = new short[OpusCodec.MaxPacketSamples + 2];
        Assert.Equal(0, codec.Decode(payload, pcm));
    }

    [Fact]
    public void A_lost_packet_is_rebuilt_from_the_next_packets_fec_better_than_by_concealment_alone()
    {
        var source = Signals.SpeechLike(Rate, Rate * 2, seed: 3);
        var withFec = new OpusCodec(parameters: OpusParameters.Parse("useinbandfec=1"));
        var packets = new List<byte[]>();
        var buffer = new byte[1500];
        for (var offset = 0; offset + 320 <= source.Length; offset += 320)
        {
            packets.Add(buffer.AsSpan(0, withFec.Encode(source.AsSpan(offset, 320), buffer)).ToArray());
        }
        short[] Decode(bool lose, bool useNext)
        {
            var receiver = new OpusCodec();
            var pcm = new short[OpusCodec.MaxPacketSamples + 2];
            var decoded = new List<short>();
            for (var i = 0; i < packets.Count; i++)
            {
                if (lose && i % 10 == 5)
                {
                    Assert.True(receiver.Conceal(useNext ? packets[i + 1] : default, pcm));
                    decoded.AddRange(pcm.AsSpan(0, 320));
                    continue;
                }
                decoded.AddRange(pcm.AsSpan(0, receiver.Decode(packets[i], pcm)));
            }
            return [.. decoded];
        }
        // Against what the receiver would have heard without the loss, over the lost frames only.
        var clean = Decode(lose: false, useNext: false);
        double Snr(short[] heard)
        {
            double signal = 0, noise = 0;
            for (var i = 5; i < packets.Count; i += 10)
            {
                for (var n = i * 320; n < (i + 1) * 320; n++)
                {
                    signal += (double)clean[n] * clean[n];
                    noise += (double)(clean[n] - heard[n]) * (clean[n] - heard[n]);
                }
            }
            return 10 * Math.Log10(signal / Math.Max(noise, 1));
        }
        var fec = Snr(Decode(lose: true, useNext: true));
        var plc = Snr(Decode(lose: true, useNext: false));
        output.WriteLine($"10 % loss: lost frames at SNR {fec:F1} dB with FEC, {plc:F1} dB with concealment alone");
        Assert.True(fec > plc + 3, $"FEC {fec:F1} dB, PLC {plc:F1} dB");
    }

    [Fact]
    public void The_peers_fmtp_is_read_leniently()
    {
        var p = OpusParameters.Parse("maxplaybackrate=8000; sprop-maxcapturerate=16000;useinbandfec=1; stereo=1; cbr=1; maxaveragebitrate=12000; junk; x=");
        Assert.Equal(new OpusParameters(8000, 12000, true, true, true), p);
        Assert.Equal(OpusParameters.Default, OpusParameters.Parse("maxplaybackrate=999999; useinbandfec=7; maxaveragebitrate=-1"));
        Assert.Equal(OpusParameters.Default, OpusParameters.Parse(null));
        Assert.Equal("opus", AudioCodecs.Create("OPUS", 100, "useinbandfec=1")!.EncodingName);
        Assert.Equal(100, AudioCodecs.Create("opus", 100)!.PayloadType);
    }
}
