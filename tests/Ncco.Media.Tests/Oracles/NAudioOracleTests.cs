using NAudio.Codecs;
using NAudio.Wave;
using Ncco.Media.G711;
using Ncco.Media.G722;
using Ncco.Media.Wav;

namespace Ncco.Media.Tests.Oracles;

/// <summary>
/// NAudio (an independent implementation) as an oracle where it is right: its G.722 codec, its WAV reader and writer,
/// its µ-law encoder for every sample but −32768, its G.711 decode tables. Where NAudio is wrong (−32768, A-law on the
/// negative quantisation boundaries, resampling, G.711 WAV reading) the tests pin the difference instead, as written
/// down in src/Ncco.Media/README.md.
/// </summary>
public sealed class NAudioOracleTests
{
    /// <summary>Two seconds of 16 kHz audio that exercises both G.722 sub-bands: a sweep to 7.5 kHz, a step, noise.</summary>
    private static short[] TestSignal()
    {
        var random = new Random(722);
        var samples = new short[32000];
        for (var i = 0; i < samples.Length; i++)
        {
            var t = i / 16000.0;
            var sweep = Math.Sin(2 * Math.PI * (100 + 3700 * t) * t) * 12000;
            var step = i % 4000 < 2000 ? 6000 : -6000;
            var noise = (random.NextDouble() - 0.5) * 4000;
            samples[i] = (short)Math.Clamp(sweep + (i > 16000 ? step : 0) + noise, short.MinValue, short.MaxValue);
        }
        // Full-scale edges too.
        samples[100] = short.MaxValue;
        samples[101] = short.MinValue;
        return samples;
    }

    [Fact]
    public void G722_encoding_is_bit_identical_to_naudio()
    {
        var samples = TestSignal();
        var ours = new byte[G722Encoder.EncodedLength(samples.Length)];
        new G722Encoder().Encode(samples, ours);

        var theirs = new byte[ours.Length];
        var written = new G722Codec().Encode(new G722CodecState(64000, G722Flags.None), theirs, samples, samples.Length);

        Assert.Equal(ours.Length, written);
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public void G722_decoding_is_bit_identical_to_naudio()
    {
        var samples = TestSignal();
        var encoded = new byte[G722Encoder.EncodedLength(samples.Length)];
        new G722Encoder().Encode(samples, encoded);

        var ours = new short[encoded.Length * 2];
        new G722Decoder().Decode(encoded, ours);
        var theirs = new short[ours.Length];
        var written = new G722Codec().Decode(new G722CodecState(64000, G722Flags.None), theirs, encoded, encoded.Length);

        Assert.Equal(ours.Length, written);
        Assert.Equal(theirs, ours);
    }

    [Theory]
    [InlineData(8000, 1)]
    [InlineData(16000, 1)]
    [InlineData(48000, 2)]
    public void A_wav_file_we_write_reads_back_the_same_in_naudio(int rate, int channels)
    {
        var samples = TestSignal()[..(rate / 10 * channels)];
        using var file = new MemoryStream();
        using (var writer = new WavWriter(file, rate, channels, leaveOpen: true)) writer.Write(samples);

        file.Position = 0;
        using var reader = new WaveFileReader(file);
        Assert.Equal(WaveFormatEncoding.Pcm, reader.WaveFormat.Encoding);
        Assert.Equal(rate, reader.WaveFormat.SampleRate);
        Assert.Equal(channels, reader.WaveFormat.Channels);
        Assert.Equal(16, reader.WaveFormat.BitsPerSample);
        var bytes = new byte[reader.Length];
        Assert.Equal(bytes.Length, reader.Read(bytes, 0, bytes.Length));
        Assert.Equal(samples, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(bytes).ToArray());
    }

    [Theory]
    [InlineData(8000, 1)]
    [InlineData(44100, 2)]
    public void A_wav_file_naudio_writes_reads_back_the_same_in_ours(int rate, int channels)
    {
        var samples = TestSignal()[..(rate / 10 * channels)];
        using var file = new MemoryStream();
        using (var writer = new WaveFileWriter(file, new WaveFormat(rate, 16, channels))) writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan()));

        file.Position = 0;
        var (info, read) = WavReader.ReadAll(file);
        Assert.Equal((rate, channels, WavEncoding.Pcm16), (info.SampleRate, info.Channels, info.Encoding));
        Assert.Equal(samples, read);
    }

    [Theory]
    [InlineData(WaveFormatEncoding.MuLaw)]
    [InlineData(WaveFormatEncoding.ALaw)]
    public void A_g711_wav_file_naudio_writes_is_read_and_decoded_by_ours(WaveFormatEncoding encoding)
    {
        var samples = TestSignal()[..8000];
        var mulaw = encoding == WaveFormatEncoding.MuLaw;
        var encoded = samples.Select(s => mulaw ? MuLaw.Encode(s) : ALaw.Encode(s)).ToArray();
        using var file = new MemoryStream();
        var format = mulaw ? WaveFormat.CreateMuLawFormat(8000, 1) : WaveFormat.CreateALawFormat(8000, 1);
        using (var writer = new WaveFileWriter(file, format)) writer.Write(encoded, 0, encoded.Length);

        file.Position = 0;
        var (info, read) = WavReader.ReadAll(file);

        Assert.Equal(mulaw ? WavEncoding.MuLaw : WavEncoding.ALaw, info.Encoding);
        Assert.Equal(encoded.Select(b => mulaw ? MuLaw.Decode(b) : ALaw.Decode(b)), read);
    }

    [Fact]
    public void G711_encoding_agrees_with_naudio_but_where_naudio_departs_from_the_itu_reference()
    {
        var muDisagree = new List<short>();
        var aDisagree = new List<short>();
        for (int s = short.MinValue; s <= short.MaxValue; s++)
        {
            var sample = (short)s;
            if (MuLaw.Encode(sample) != MuLawEncoder.LinearToMuLawSample(sample)) muDisagree.Add(sample);
            if (ALaw.Encode(sample) != ALawEncoder.LinearToALawSample(sample)) aDisagree.Add(sample);
        }

        // NAudio negates −32768 in 16 bits (it stays −32768 and lands in the wrong segment); we clip it like −32767.
        Assert.Equal([short.MinValue], muDisagree);
        Assert.Equal(MuLaw.Encode(short.MinValue + 1), MuLaw.Encode(short.MinValue));
        Assert.Equal(short.MinValue, aDisagree[0]);
        Assert.Equal(ALaw.Encode(short.MinValue + 1), ALaw.Encode(short.MinValue));
        // The other A-law differences: negative samples exactly on a quantisation boundary. ITU-T G.191's reference
        // encoder takes the one's complement of a negative sample (−x − 1), which we follow; NAudio negates it (−x), so
        // it codes s as we code s − 1, one step further from zero. Positive samples agree everywhere.
        Assert.All(aDisagree.Skip(1), s =>
        {
            Assert.True(s < 0, $"A-law differs at {s}");
            Assert.Equal(ALaw.Encode((short)(s - 1)), ALawEncoder.LinearToALawSample(s));
        });
        Assert.True(aDisagree.Count < 65536 / 16, $"{aDisagree.Count} A-law differences");
        // Decoding: A-law tables agree everywhere; µ-law ones everywhere but "negative zero" (0x7F), which G.711 decodes
        // to 0 and NAudio to −1.
        var muDecode = Enumerable.Range(0, 256).Where(b => MuLawDecoder.MuLawToLinearSample((byte)b) != MuLaw.Decode((byte)b))
            .Select(b => $"{b:X2}: ours {MuLaw.Decode((byte)b)}, NAudio {MuLawDecoder.MuLawToLinearSample((byte)b)}").ToList();
        Assert.Equal(["7F: ours 0, NAudio -1"], muDecode);
        Assert.All(Enumerable.Range(0, 256), b => Assert.Equal(ALawDecoder.ALawToLinearSample((byte)b), ALaw.Decode((byte)b)));
    }
}
