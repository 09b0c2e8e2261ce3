using Ncco.Rtp.Codecs;
using Ncco.Rtp.Tests.Support;

namespace Ncco.Rtp.Tests.Codecs;

public sealed class G711CodecTests
{
    [Theory]
    [InlineData("PCMU", 0)]
    [InlineData("PCMA", 8)]
    [InlineData("pcmu", 0)]
    [InlineData("G722", 9)]
    public void Codecs_are_created_by_name_and_payload_type(string name, byte payloadType)
    {
        var byName = AudioCodecs.Create(name);
        var byType = AudioCodecs.Create(payloadType);
        Assert.NotNull(byName);
        Assert.NotNull(byType);
        Assert.Equal(payloadType, byName.PayloadType);
        Assert.Equal(byName.EncodingName, byType.EncodingName);
        Assert.Null(AudioCodecs.Create(18));
        Assert.Null(AudioCodecs.Create("G729"));
    }

    [Theory]
    [InlineData("PCMU")]
    [InlineData("PCMA")]
    public void G711_frames_round_trip_with_the_log_quantiser_snr(string name)
    {
        var codec = AudioCodecs.Create(name)!;
        Assert.Equal(8000, codec.ClockRate);
        Assert.Equal(160, codec.SamplesPerFrame);
        Assert.Equal(160, codec.TimestampUnitsPerFrame);
        var source = Signals.SpeechLike(8000, 8000);
        var decoded = new short[source.Length];
        var payload = new byte[160];
        for (var offset = 0; offset < source.Length; offset += 160)
        {
            Assert.Equal(160, codec.Encode(source.AsSpan(offset, 160), payload));
            Assert.Equal(160, codec.Decode(payload, decoded.AsSpan(offset, 160)));
        }
        var (snr, lag) = Signals.BestSnr(source, decoded, 0, skip: 0);
        Assert.Equal(0, lag);
        Assert.True(snr > 30, $"{name} SNR {snr:F1}");
    }
}
