namespace Ncco.Media.Wav;

/// <summary>What a WAV header says (after repairing sizes of a partially written file).</summary>
/// <param name="SampleRate">Samples per second.</param>
/// <param name="Channels">Interleaved channels.</param>
/// <param name="Encoding">Sample encoding.</param>
/// <param name="DataOffset">Byte offset of the first sample.</param>
/// <param name="DataLength">Bytes of sample data actually present.</param>
/// <param name="WasTruncated">True when the header sizes disagreed with the file (an interrupted write) and were repaired.</param>
public sealed record WavInfo(int SampleRate, int Channels, WavEncoding Encoding, long DataOffset, long DataLength, bool WasTruncated)
{
    /// <summary>Bytes per sample of one channel.</summary>
    public int BytesPerSample => Encoding switch
    {
        WavEncoding.Pcm8 or WavEncoding.ALaw or WavEncoding.MuLaw => 1,
        WavEncoding.Pcm16 => 2,
        WavEncoding.Pcm24 => 3,
        _ => 4,
    };

    /// <summary>Frames (samples per channel) in the data chunk.</summary>
    public long Frames => DataLength / (BytesPerSample * Channels);

    /// <summary>Duration of the audio.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Frames / SampleRate);
}
