using System.Runtime.CompilerServices;
using Ncco.Media.Tts;

namespace Ncco.Host.Benchmarks;

/// <summary>
/// A stand-in for espeak-ng: yields the same speech-like prompt for any text in 60 ms chunks (espeak-ng's chunk size),
/// slices of one shared buffer so a thousand legs do not hold a thousand copies. Counts syntheses, so a run can show
/// how many the TTS cache saved.
/// </summary>
internal sealed class SyntheticTextToSpeech(double seconds) : ITextToSpeech
{
    private readonly Dictionary<int, short[]> _audio = [];
    private readonly Lock _gate = new();
    private int _syntheses;

    public string Name => "synthetic";

    public int Syntheses => Volatile.Read(ref _syntheses);

    public async IAsyncEnumerable<ReadOnlyMemory<short>> SynthesizeAsync(TtsRequest request, int sampleRate, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _syntheses);
        short[] audio;
        lock (_gate)
        {
            if (!_audio.TryGetValue(sampleRate, out audio!)) _audio[sampleRate] = audio = SyntheticSpeech.Create(sampleRate, seconds);
        }
        var chunk = sampleRate * 60 / 1000;
        for (var i = 0; i < audio.Length; i += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return audio.AsMemory(i, Math.Min(chunk, audio.Length - i));
        }
        await Task.CompletedTask;
    }
}
