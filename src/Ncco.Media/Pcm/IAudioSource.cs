namespace Ncco.Media.Pcm;

/// <summary>
/// A pull source of mono 16-bit PCM at a fixed rate, read one 20 ms frame at a time on the media thread.
/// Implementations must not block and should not allocate per read.
/// </summary>
public interface IAudioSource
{
    /// <summary>Sample rate of the samples produced.</summary>
    int SampleRate { get; }

    /// <summary>
    /// Fills up to <c>destination.Length</c> samples. Returns the number written; fewer than requested only at the end
    /// of the source (0 once finished). Sources that are momentarily starved (e.g. streaming TTS) fill silence.
    /// </summary>
    int Read(Span<short> destination);
}
