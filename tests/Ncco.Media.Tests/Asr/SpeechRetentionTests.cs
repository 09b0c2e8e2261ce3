using System.Runtime.CompilerServices;
using Ncco.Media.Asr;
using Ncco.Media.Tests.Support;
using Ncco.Media.Wav;

namespace Ncco.Media.Tests.Asr;

/// <summary>
/// Issue 16, memory after the calls end: a finished speech input leaves nothing of its call reachable — not its session,
/// its settings and hints, nor the recogniser's stream — once a full collection has run, whichever decoder took it and
/// while the decoders themselves stay loaded. (Only the recogniser's bounded audio buffer pool outlives a call.)
/// </summary>
public sealed class SpeechRetentionTests
{
    [Fact]
    public async Task Finished_speech_inputs_leave_no_per_call_objects_after_a_full_collection()
    {
        using var asr = new PocketSphinxRecognizer(new PocketSphinxOptions(Decoders: 2) { IdleDecoderTimeout = Timeout.InfiniteTimeSpan, MaxDecoderWait = Timeout.InfiniteTimeSpan });
        var yes = WavReader.ReadAll(Tools.EspeakWav("yes", 8000, "en-us", "retention-yes")).Samples;

        var alive = new List<WeakReference>();
        var texts = new List<string?>();
        // Dictation, hints, and a second round on the same (now warm) decoders; then one input that ends without speech.
        for (var round = 0; round < 2; round++)
        {
            texts.Add(await ListenAsync(asr, yes, null, alive));
            texts.Add(await ListenAsync(asr, yes, ["yes", "no"], alive));
        }
        texts.Add(await ListenAsync(asr, new short[8000], ["yes", "no"], alive));
        Assert.Equal("yes", texts[1]);
        Assert.Equal("yes", texts[3]);
        Assert.Null(texts[4]);

        for (var i = 0; i < 5 && alive.Any(r => r.IsAlive); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(50);
        }
        Assert.All(alive, r => Assert.False(r.IsAlive, $"a finished speech input's {r.Target?.GetType().Name} is still reachable"));
    }

    /// <summary>One speech input as the media thread drives it (20 ms frames, then quiet noise until it ends); records weak references to its objects.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<string?> ListenAsync(PocketSphinxRecognizer asr, short[] speech, string[]? hints, List<WeakReference> alive)
    {
        var settings = new AsrSettings(Context: hints, StartTimeout: 2, EndOnSilence: 1, MaxDuration: 10);
        using var cancel = new CancellationTokenSource();
        var session = await SpeechInputSession.StartAsync(asr, settings, 8000, cancel.Token);
        await using (session)
        {
            var random = new Random(7);
            short[] Noise(int samples) => [.. Enumerable.Range(0, samples).Select(_ => (short)random.Next(-60, 61))];
            short[] audio = [.. Noise(4000), .. speech, .. Noise(8000 * 14)];
            var done = false;
            for (var i = 0; i + 160 <= audio.Length && !done; i += 160)
            {
                done = session.Process(audio.AsSpan(i, 160));
            }
            Assert.True(done, "the input never ended");
            var result = await session.CompleteAsync(cancel.Token).Within();
            alive.Add(new WeakReference(session));
            alive.Add(new WeakReference(settings));
            alive.Add(new WeakReference(result));
            if (hints is not null)
            {
                alive.Add(new WeakReference(hints));
            }
            return result.Results.FirstOrDefault()?.Text;
        }
    }
}
