namespace Ncco.Media.Asr;

/// <summary>One utterance being recognised. <see cref="Write"/> must not block (it is called on the media thread).</summary>
public interface ISpeechRecognitionStream : IAsyncDisposable
{
    /// <summary>Adds mono samples at the rate given to <see cref="ISpeechRecognizer.StartAsync"/>.</summary>
    void Write(ReadOnlySpan<short> samples);

    /// <summary>Ends the utterance and returns hypotheses, best first.</summary>
    Task<IReadOnlyList<SpeechAlternative>> FinishAsync(CancellationToken cancellationToken);
}
