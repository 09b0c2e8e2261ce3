namespace Ncco.Media.Tts;

/// <summary>A text-to-speech engine. Implementations stream: the first chunk arrives before the whole text is synthesised.</summary>
public interface ITextToSpeech
{
    /// <summary>Engine name for logs.</summary>
    string Name { get; }

    /// <summary>
    /// Synthesises one pass of <paramref name="request"/> (no looping, no level: playback applies those) as mono 16-bit
    /// chunks at <paramref name="sampleRate"/>.
    /// </summary>
    IAsyncEnumerable<ReadOnlyMemory<short>> SynthesizeAsync(TtsRequest request, int sampleRate, CancellationToken cancellationToken);
}
