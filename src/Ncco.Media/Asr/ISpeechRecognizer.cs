namespace Ncco.Media.Asr;

/// <summary>A speech recogniser (pocketsphinx, an HTTP service, …).</summary>
public interface ISpeechRecognizer
{
    /// <summary>Engine name for logs.</summary>
    string Name { get; }

    /// <summary>Starts an utterance.</summary>
    /// <exception cref="NotSupportedException">The language is not available in this engine.</exception>
    ValueTask<ISpeechRecognitionStream> StartAsync(AsrSettings settings, int sampleRate, CancellationToken cancellationToken);
}
