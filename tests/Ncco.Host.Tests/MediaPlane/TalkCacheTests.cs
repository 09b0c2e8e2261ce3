using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Host.MediaPlane;
using Ncco.Legs;
using Ncco.Media.Playback;
using Ncco.Media.Tts;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>Talk through the shared TTS cache: many legs, one synthesis, the same audio.</summary>
public sealed class TalkCacheTests : IAsyncDisposable
{
    private readonly HttpClient _http = new();
    private readonly MediaMetrics _metrics = new(null);
    private readonly string _cache = Directory.CreateTempSubdirectory("ncco-media-cache-").FullName;

    /// <summary>Says anything as a 440 Hz tone of 0.5 s, in 60 ms chunks; counts syntheses.</summary>
    private sealed class ToneTts : ITextToSpeech
    {
        private int _syntheses;

        public int Syntheses => Volatile.Read(ref _syntheses);

        public string Name => "tone";

        public async IAsyncEnumerable<ReadOnlyMemory<short>> SynthesizeAsync(TtsRequest request, int sampleRate, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _syntheses);
            var tone = TestAudio.Tone(440, 0.5, sampleRate);
            var chunk = sampleRate * 60 / 1000;
            for (var i = 0; i < tone.Length; i += chunk)
            {
                await Task.Yield();
                yield return tone.AsMemory(i, Math.Min(chunk, tone.Length - i));
            }
        }
    }

    private sealed class Capture : IMediaTransport
    {
        public List<short> Sent { get; } = [];

        public int SampleRate => 16000;

        public bool ReadInbound(Span<short> frame) => false;

        public void WriteOutbound(ReadOnlySpan<short> frame) => Sent.AddRange(frame.ToArray());

        public bool ConversationDtmf(char digit, int durationMilliseconds) => true;
    }

    [Fact]
    public async Task Legs_playing_the_same_talk_share_one_synthesis_and_hear_the_same_prompt()
    {
        var tts = new ToneTts();
        var cache = new CachingTextToSpeech(tts, 1024 * 1024);
        await using var mediaThread = new MediaThread(TimeProvider.System, _metrics, new PlaybackRenderer(cache, new StreamPlayer(_http, TimeProvider.System, new StreamPlayerOptions(_cache))),
            null, NullLogger.Instance, startClock: false);
        var transports = Enumerable.Range(0, 3).Select(_ => new Capture()).ToArray();
        var legs = transports.Select((t, i) => new LegMedia(mediaThread, "leg-" + i, t)).ToArray();
        mediaThread.Post(() =>
        {
            foreach (var leg in legs) mediaThread.Add(leg);
            // Two legs start it together (the second joins the rendering in progress).
            legs[0].Play(new Playback(1, PlaybackKind.Talk) { Text = "Welcome", Language = "en-US" });
            legs[1].Play(new Playback(1, PlaybackKind.Talk) { Text = "Welcome", Language = "en-US" });
        });
        // Bounded: the tone is 25 frames; the streaming legs may start a few ticks late while the rendering starts.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!cache.TryGet(new TtsRequest("Welcome"), MediaThread.SampleRate, out _))
        {
            mediaThread.Tick();
            await Task.Delay(5, deadline.Token);
        }
        // The third starts once it is kept: it plays from memory at once.
        mediaThread.Post(() => legs[2].Play(new Playback(1, PlaybackKind.Talk) { Text = "Welcome", Language = "en-US", Level = -0.5 }));
        for (var i = 0; i < 60; i++) mediaThread.Tick();

        Assert.Equal(1, tts.Syntheses);
        Assert.All(transports, t => Assert.InRange(TestAudio.VoicedSeconds(t.Sent.ToArray(), 16000), 0.46, 0.54));
        Assert.All(transports, t => Assert.True(TestAudio.ToneShare(Prompt(t), 440, 16000) > 0.8));
        // Level −0.5 is applied at playback, to the shared rendering: the third leg's prompt is quieter.
        Assert.True(Peak(transports[2]) < Peak(transports[0]) * 0.7, $"peaks {Peak(transports[2])} vs {Peak(transports[0])}");
    }

    /// <summary>The 0.4 s from the prompt's first sample on.</summary>
    private static short[] Prompt(Capture t)
    {
        var start = t.Sent.FindIndex(s => s != 0);
        return t.Sent.Skip(start).Take(6400).ToArray();
    }

    private static int Peak(Capture t) => t.Sent.Max(s => Math.Abs((int)s));

    public async ValueTask DisposeAsync()
    {
        _metrics.Dispose();
        _http.Dispose();
        Directory.Delete(_cache, recursive: true);
        await Task.CompletedTask;
    }
}
