using Ncco.Media.Tts;

namespace Ncco.Media.Tests.Support;

internal static class Synth
{
    public static async Task<short[]> AllAsync(ITextToSpeech tts, TtsRequest request, int rate, CancellationToken ct = default)
    {
        var list = new List<short>();
        await foreach (var chunk in tts.SynthesizeAsync(request, rate, ct))
        {
            list.AddRange(chunk.Span);
        }
        return [.. list];
    }
}
