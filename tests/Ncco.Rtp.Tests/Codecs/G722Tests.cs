using Xunit.Abstractions;
using System.Runtime.InteropServices;
using Ncco.Media.G722;
using Ncco.Rtp.Codecs;
using Ncco.Rtp.Tests.Support;

namespace Ncco.Rtp.Tests.Codecs;

public sealed class G722Tests(ITestOutputHelper output)
{
    private const int Rate = 16000;

    private static short[] RoundTrip(short[] source) => Code(source).Decoded;

    private static (byte[] Encoded, short[] Decoded) Code(short[] source)
    {
        var encoder = new G722Encoder();
        var decoder = new G722Decoder();
        var encoded = new byte[source.Length / 2];
        var decoded = new short[source.Length];
        // 20 ms frames, as on the wire, so state carries across calls.
        for (var offset = 0; offset < source.Length; offset += 320)
        {
            encoder.Encode(source.AsSpan(offset, 320), encoded.AsSpan(offset / 2, 160));
            decoder.Decode(encoded.AsSpan(offset / 2, 160), decoded.AsSpan(offset, 320));
        }
        return (encoded, decoded);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(1000)]
    [InlineData(3000)]
    public void Tones_in_the_lower_band_round_trip_with_high_snr(double frequency)
    {
        var source = Signals.Tone(frequency, Rate, Rate);
        var (snr, lag) = Signals.BestSnr(source, RoundTrip(source), 64);
        output.WriteLine($"{frequency} Hz tone: SNR {snr:F1} dB, codec delay {lag} samples");
        Assert.True(snr > 35, $"{frequency} Hz: SNR {snr:F1} dB at lag {lag}");
    }

    [Fact]
    public void A_6_kHz_tone_survives_which_narrowband_g711_cannot_carry()
    {
        // The upper sub-band (4–8 kHz) is what makes G.722 wideband; 6 kHz is above G.711's 4 kHz Nyquist limit.
        var source = Signals.Tone(6000, Rate, Rate, 8000);
        var decoded = RoundTrip(source);
        var share = Signals.ToneShare(decoded.AsSpan(1000), 6000, Rate);
        var rms = Signals.Rms(decoded.AsSpan(1000));
        output.WriteLine($"6 kHz tone: {share:P1} of the decoded power at 6 kHz, rms {rms:F0}");
        Assert.True(share > 0.9, $"6 kHz share of power {share:F3}");
        Assert.InRange(rms, 8000 / Math.Sqrt(2) * 0.7, 8000 / Math.Sqrt(2) * 1.3);
    }

    [Fact]
    public void Speech_like_signal_round_trips_at_64_kbit_per_s()
    {
        var source = Signals.SpeechLike(Rate, Rate * 2);
        var (snr, lag) = Signals.BestSnr(source, RoundTrip(source), 64);
        output.WriteLine($"speech-like: SNR {snr:F1} dB, codec delay {lag} samples");
        Assert.True(snr > 20, $"speech-like SNR {snr:F1} dB at lag {lag}");
    }

    [Fact]
    public void Silence_stays_near_silent_and_full_scale_does_not_overflow()
    {
        var silent = RoundTrip(new short[Rate / 2]);
        Assert.True(Signals.Rms(silent) < 5, $"rms {Signals.Rms(silent)}");
        var loud = Signals.Tone(800, Rate, Rate, 32767);
        var (snr, _) = Signals.BestSnr(loud, RoundTrip(loud), 64);
        Assert.True(snr > 20, $"full-scale SNR {snr:F1}");
    }

    [Fact]
    public void Encoder_and_decoder_are_deterministic_and_length_checked()
    {
        var source = Signals.SpeechLike(Rate, 3200);
        var a = new byte[1600];
        var b = new byte[1600];
        Assert.Equal(1600, new G722Encoder().Encode(source, a));
        new G722Encoder().Encode(source, b);
        Assert.Equal(a, b);
        Assert.Throws<ArgumentException>(() => new G722Encoder().Encode(new short[3], new byte[2]));
        Assert.Throws<ArgumentException>(() => new G722Decoder().Decode(new byte[10], new short[19]));
    }

    /// <summary>
    /// Issue 19: the codec's filters were restructured for speed (a doubled history instead of a sliding copy, vector
    /// sums); G.722 is a bit-exact integer algorithm, so the bytes and samples must be exactly those the straightforward
    /// implementation produced (the hashes were taken from it). Speech, a full-scale tone, silence and a 6 kHz tone, in
    /// 20 ms frames so state carries across calls.
    /// </summary>
    [Fact]
    public void Encoder_and_decoder_output_is_bit_exact_with_the_reference_implementation()
    {
        short[] source = [.. Signals.SpeechLike(Rate, Rate * 2), .. Signals.Tone(800, Rate, Rate / 2, 32767), .. new short[3200], .. Signals.Tone(6000, Rate, Rate / 2, 8000)];
        var (encoded, decoded) = Code(source);
        var encodedHash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(encoded));
        var decodedHash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(MemoryMarshal.AsBytes(decoded.AsSpan())));
        output.WriteLine($"encoded {encodedHash}, decoded {decodedHash}");
        Assert.Equal("55BF0779EDBD91801D147F3E34514368333A26826F2D13A436177018FD741003", encodedHash);
        Assert.Equal("37A804FDEC8807408407EC4F073353DD836BD19A2AD63A8C363A74EFB3B2E3E6", decodedHash);
    }

    [Fact]
    public void Rtp_codec_uses_payload_type_9_with_the_8000_hz_clock_quirk()
    {
        var codec = new G722Codec();
        Assert.Equal(9, codec.PayloadType);
        Assert.Equal(8000, codec.ClockRate);
        Assert.Equal(16000, codec.SampleRate);
        Assert.Equal(320, codec.SamplesPerFrame);
        Assert.Equal(160, codec.TimestampUnitsPerFrame);
        Assert.Equal(160, codec.BytesPerFrame);
        Assert.Equal(320, codec.SamplesFor(new byte[160]));
        Assert.Equal(320, codec.MaxSamplesFor(160));
    }

    [Fact]
    public async Task Ffmpeg_decodes_our_encoder_output()
    {
        using var dir = new TempDirectory();
        var source = Signals.SpeechLike(Rate, Rate * 2);
        var encoded = new byte[source.Length / 2];
        new G722Encoder().Encode(source, encoded);
        await File.WriteAllBytesAsync(dir.File("ours.g722"), encoded);
        await ExternalTool.RunAsync("ffmpeg", ["-nostdin", "-hide_banner", "-loglevel", "error", "-f", "g722", "-i", dir.File("ours.g722"), "-f", "s16le", "-ar", "16000", "-ac", "1", dir.File("theirs.raw")], TimeSpan.FromSeconds(30));
        var decoded = MemoryMarshal.Cast<byte, short>(await File.ReadAllBytesAsync(dir.File("theirs.raw"))).ToArray();
        Assert.InRange(decoded.Length, source.Length - 64, source.Length + 64);
        var (snr, lag) = Signals.BestSnr(source, decoded, 64);
        output.WriteLine($"ffmpeg decodes ours: SNR {snr:F1} dB");
        Assert.True(snr > 20, $"ffmpeg decoding our G.722: SNR {snr:F1} dB at lag {lag}");
        // Same algorithm on both sides: ffmpeg's decoder must reproduce our own decoder's output exactly.
        var ours = new short[source.Length];
        new G722Decoder().Decode(encoded, ours);
        Assert.Equal(ours, decoded[..ours.Length]);
    }

    [Fact]
    public async Task We_decode_ffmpeg_encoder_output()
    {
        using var dir = new TempDirectory();
        var source = Signals.SpeechLike(Rate, Rate * 2, seed: 11);
        await File.WriteAllBytesAsync(dir.File("source.raw"), MemoryMarshal.AsBytes(source.AsSpan()).ToArray());
        await ExternalTool.RunAsync("ffmpeg", ["-nostdin", "-hide_banner", "-loglevel", "error", "-f", "s16le", "-ar", "16000", "-ac", "1", "-i", dir.File("source.raw"), "-c:a", "g722", "-f", "g722", dir.File("theirs.g722")], TimeSpan.FromSeconds(30));
        var encoded = await File.ReadAllBytesAsync(dir.File("theirs.g722"));
        Assert.Equal(source.Length / 2, encoded.Length);
        var decoded = new short[encoded.Length * 2];
        new G722Decoder().Decode(encoded, decoded);
        var (snr, lag) = Signals.BestSnr(source, decoded, 64);
        output.WriteLine($"we decode ffmpeg's: SNR {snr:F1} dB");
        Assert.True(snr > 20, $"our decoding of ffmpeg's G.722: SNR {snr:F1} dB at lag {lag}");
        // And the two encoders agree bit for bit (ffmpeg without trellis search runs the plain ITU-T quantiser).
        var ours = new byte[encoded.Length];
        new G722Encoder().Encode(source, ours);
        Assert.Equal(encoded, ours);
    }
}
