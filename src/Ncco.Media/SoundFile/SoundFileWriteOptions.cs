namespace Ncco.Media.SoundFile;

/// <summary>Encoder settings for lossy formats.</summary>
/// <param name="ConstantBitrate">Use constant bit rate (MP3).</param>
/// <param name="CompressionLevel">libsndfile compression level 0 (best quality, highest rate) … 1 (smallest).</param>
public sealed record SoundFileWriteOptions(bool ConstantBitrate = false, double? CompressionLevel = null)
{
    /// <summary>
    /// The recording setting for MP3: 16 kHz mono CBR 32 kbit/s (libsndfile maps compression levels 0.81–0.86 to 32 kbit/s for
    /// 16 kHz MPEG-2 Layer III; verified by a test measuring the frame header).
    /// </summary>
    public static SoundFileWriteOptions Mp3Recording { get; } = new(true, 0.835);
}
