using System.Runtime.CompilerServices;
using Ncco.Media.Tts;

namespace Ncco.Media.Tests.Tts;

public class CachingTextToSpeechTests
{
    /// <summary>
    /// A fake engine: "speaks" a text as its characters' codes, 100 samples per character in chunks of 100, optionally
    /// held at a gate so tests can join a rendering in progress; counts syntheses; "fail" fails after one chunk.
    /// </summary>
    private sealed class CountingTts : ITextToSpeech
    {
        private int _syntheses;

        public TaskCompletionSource? Gate { get; set; }

        public int Syntheses => Volatile.Read(ref _syntheses);

        public string Name => "counting";

        public async IAsyncEnumerable<ReadOnlyMemory<short>> SynthesizeAsync(TtsRequest request, int sampleRate, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _syntheses);
            var buffer = new short[100]; // reused between chunks, as a native engine's buffer would be
            for (var i = 0; i < request.Text.Length; i++)
            {
                if (i == 1 && Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
                if (i == 1 && request.Text.StartsWith("fail", StringComparison.Ordinal)) throw new InvalidOperationException("engine broke");
                Array.Fill(buffer, (short)(request.Text[i] + request.Style + (sampleRate / 1000)));
                yield return buffer;
            }
        }
    }

    private static async Task<short[]> ReadAll(ITextToSpeech tts, TtsRequest request, int rate = 16000)
    {
        var all = new List<short>();
        await foreach (var chunk in tts.SynthesizeAsync(request, rate, CancellationToken.None)) all.AddRange(chunk.ToArray());
        return all.ToArray();
    }

    private static short[] Expected(string text, int style = 0, int rate = 16000) =>
        text.SelectMany(c => Enumerable.Repeat((short)(c + style + (rate / 1000)), 100)).ToArray();

    [Fact]
    public async Task The_same_prompt_is_synthesised_once_and_replayed_from_memory_whatever_its_level_and_loop()
    {
        var inner = new CountingTts();
        var cache = new CachingTextToSpeech(inner, 1024 * 1024);

        var first = await ReadAll(cache, new TtsRequest("hello"));
        var second = await ReadAll(cache, new TtsRequest("hello", Level: 0.5, Loop: 3));

        Assert.Equal(Expected("hello"), first);
        Assert.Equal(first, second);
        Assert.Equal(1, inner.Syntheses);
        Assert.True(cache.TryGet(new TtsRequest("hello"), 16000, out var kept));
        Assert.Equal(first, kept.ToArray());
        Assert.Equal((2L, 0L, 1L), cache.Statistics);
        Assert.Equal(1000, cache.Bytes);
    }

    [Fact]
    public async Task Text_voice_and_rate_each_make_a_different_rendering()
    {
        var inner = new CountingTts();
        var cache = new CachingTextToSpeech(inner, 1024 * 1024);

        await ReadAll(cache, new TtsRequest("hello"));
        await ReadAll(cache, new TtsRequest("hellO"));
        var styled = await ReadAll(cache, new TtsRequest("hello", Style: 2));
        await ReadAll(cache, new TtsRequest("hello", Language: "en-GB"));
        var slow = await ReadAll(cache, new TtsRequest("hello"), rate: 8000);

        Assert.Equal(5, inner.Syntheses);
        Assert.Equal(Expected("hello", style: 2), styled);
        Assert.Equal(Expected("hello", rate: 8000), slow);
        Assert.False(cache.TryGet(new TtsRequest("hello", Premium: true), 16000, out _));
    }

    [Fact]
    public async Task Calls_that_start_a_prompt_while_it_is_rendered_join_that_rendering()
    {
        var inner = new CountingTts { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var cache = new CachingTextToSpeech(inner, 1024 * 1024);

        var readers = Enumerable.Range(0, 20).Select(_ => Task.Run(() => ReadAll(cache, new TtsRequest("shared prompt")))).ToArray();
        // All twenty are waiting on the one rendering, which has produced its first chunk only.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (cache.Statistics.Misses + cache.Statistics.Joins < 20) await Task.Delay(10, deadline.Token);
        inner.Gate.SetResult();
        var results = await Task.WhenAll(readers).WaitAsync(deadline.Token);

        Assert.Equal(1, inner.Syntheses);
        Assert.Equal((0L, 19L, 1L), cache.Statistics);
        Assert.All(results, r => Assert.Equal(Expected("shared prompt"), r));
    }

    [Fact]
    public async Task The_least_recently_used_rendering_goes_first_and_an_oversized_one_is_not_kept()
    {
        var inner = new CountingTts();
        // 8000 bytes: a 10-character prompt is 1000 samples (2000 bytes), and renderings above 2000 bytes (a quarter)
        // are not kept.
        var cache = new CachingTextToSpeech(inner, 8000);

        foreach (var text in new[] { "aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc", "dddddddddd" }) await ReadAll(cache, new TtsRequest(text));
        Assert.True(cache.TryGet(new TtsRequest("aaaaaaaaaa"), 16000, out _)); // a is now the most recent
        await ReadAll(cache, new TtsRequest("eeeeeeeeee"));                     // evicts b, the least recent

        Assert.Equal(4, cache.Count);
        Assert.Equal(8000, cache.Bytes);
        Assert.False(cache.TryGet(new TtsRequest("bbbbbbbbbb"), 16000, out _));
        Assert.True(cache.TryGet(new TtsRequest("aaaaaaaaaa"), 16000, out _));

        var large = await ReadAll(cache, new TtsRequest("a longer prompt"));
        Assert.Equal(Expected("a longer prompt"), large);
        Assert.False(cache.TryGet(new TtsRequest("a longer prompt"), 16000, out _));
        Assert.Equal(4, cache.Count);
    }

    [Fact]
    public async Task A_failed_synthesis_reaches_its_caller_and_is_not_kept()
    {
        var inner = new CountingTts();
        var cache = new CachingTextToSpeech(inner, 1024 * 1024);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ReadAll(cache, new TtsRequest("fail please")));
        Assert.Equal("engine broke", error.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => ReadAll(cache, new TtsRequest("fail please")));

        Assert.Equal(2, inner.Syntheses);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task A_bad_request_fails_with_the_field_named_and_no_capacity_is_refused()
    {
        var cache = new CachingTextToSpeech(new CountingTts(), 1024);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ReadAll(cache, new TtsRequest(" ")));
        Assert.Equal("Text", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CachingTextToSpeech(new CountingTts(), 0));
    }
}
