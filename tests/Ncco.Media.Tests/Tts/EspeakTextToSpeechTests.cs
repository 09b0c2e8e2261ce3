using Ncco.Media.Pcm;
using Ncco.Media.Playback;
using Ncco.Media.Tests.Support;
using Ncco.Media.Tts;

namespace Ncco.Media.Tests.Tts;

public class EspeakTextToSpeechTests
{
    private readonly EspeakTextToSpeech _tts = new();

    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    [InlineData(24000)]
    public async Task Speaks_at_each_call_rate(int rate)
    {
        var audio = await Synth.AllAsync(_tts, new TtsRequest("Hello, welcome to Ncco."), rate);
        var seconds = audio.Length / (double)rate;
        Assert.InRange(seconds, 1.0, 3.5);
        Assert.True(Pcm16.RmsDbfs(audio) > -35, $"level {Pcm16.RmsDbfs(audio):F1} dBFS");
    }

    [Fact]
    public async Task Streams_first_audio_before_the_text_is_finished()
    {
        var text = string.Join(' ', Enumerable.Repeat("This is a long announcement that keeps going for a while.", 20));
        using var cts = new CancellationTokenSource();
        var chunks = 0;
        var samples = 0;
        try
        {
            await foreach (var chunk in _tts.SynthesizeAsync(new TtsRequest(text), 16000, cts.Token))
            {
                chunks++;
                samples += chunk.Length;
                await cts.CancelAsync(); // stop after the first chunk
            }
        }
        catch (OperationCanceledException)
        {
        }
        Assert.Equal(1, chunks);
        Assert.InRange(samples, 1, 16000 * 2); // a fraction of the ~60 s the whole text takes
        // The engine is free again straight away.
        Assert.NotEmpty(await Synth.AllAsync(_tts, new TtsRequest("ok"), 8000));
    }

    [Fact]
    public async Task Every_reference_language_produces_speech()
    {
        var failures = new List<string>();
        foreach (var (code, _) in EspeakVoiceMap.Languages)
        {
            // espeak-ng 1.51's Hebrew voice does not read digits; give it words.
            var text = code == "he-IL" ? "שלום עולם" : "1 2 3";
            var audio = await Synth.AllAsync(_tts, new TtsRequest(text, code), 8000);
            if (audio.Length < 4000 || Pcm16.RmsDbfs(audio) < -40)
            {
                failures.Add($"{code}: {audio.Length} samples, {Pcm16.RmsDbfs(audio):F1} dBFS");
            }
        }
        Assert.Empty(failures);
        Assert.Equal(67, EspeakVoiceMap.Languages.Count);
    }

    [Fact]
    public async Task Styles_are_distinct_voices()
    {
        var hashes = new HashSet<string>();
        for (var style = 0; style < EspeakVoiceMap.Variants.Count; style++)
        {
            var audio = await Synth.AllAsync(_tts, new TtsRequest("Good morning", "en-US", style), 16000);
            hashes.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(audio.AsSpan()))));
        }
        Assert.Equal(EspeakVoiceMap.Variants.Count, hashes.Count);
    }

    [Fact]
    public async Task Ssml_break_and_prosody_are_honoured()
    {
        var plain = await Synth.AllAsync(_tts, new TtsRequest("<speak>one two</speak>"), 8000);
        var withBreak = await Synth.AllAsync(_tts, new TtsRequest("<speak>one <break time=\"1500ms\"/> two</speak>"), 8000);
        var slow = await Synth.AllAsync(_tts, new TtsRequest("<speak><prosody rate=\"x-slow\">one two</prosody></speak>"), 8000);
        var sayAs = await Synth.AllAsync(_tts, new TtsRequest("<speak><say-as interpret-as=\"characters\">NCCO</say-as></speak>"), 8000);
        Assert.InRange((withBreak.Length - plain.Length) / 8000.0, 1.2, 1.8);
        Assert.True(slow.Length > plain.Length * 1.3, $"slow {slow.Length} vs {plain.Length}");
        Assert.True(sayAs.Length > 8000 * 1.0, $"spelled-out NCCO is {sayAs.Length / 8000.0:F2} s");
    }

    [Fact]
    public async Task Streamed_chunks_make_exactly_the_audio_of_the_whole_utterance()
    {
        // The engine hands over audio as it is synthesised; the cache reads the same synthesis, streams it on, and keeps
        // it whole. What a call hears chunk by chunk must be exactly the utterance replayed from memory later. (Two
        // separate syntheses are not compared: espeak-ng carries state from one to the next, so they differ slightly.)
        var request = new TtsRequest("For sales, press one. For support, press two.");
        var cache = new CachingTextToSpeech(_tts, 16 << 20);
        var chunks = new List<short[]>();
        await foreach (var chunk in cache.SynthesizeAsync(request, 16000, CancellationToken.None)) chunks.Add(chunk.ToArray());
        Assert.True(cache.TryGet(request, 16000, out var whole));

        Assert.True(chunks.Count > 10, $"{chunks.Count} chunks: the engine should stream in small pieces");
        Assert.True(whole.Length > 16000, $"{whole.Length} samples");
        Assert.Equal(whole.ToArray(), chunks.SelectMany(c => c).ToArray());
    }

    [Fact]
    public async Task Warming_up_a_voice_that_does_not_exist_fails_naming_the_language_and_the_engine_keeps_working()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _tts.WarmUpAsync([new TtsRequest("x", "zz-ZZ")], [8000], CancellationToken.None));
        Assert.Equal("Language", error.ParamName);
        Assert.Contains("language 'zz-ZZ' has no espeak-ng voice", error.Message, StringComparison.Ordinal);
        await _tts.WarmUpAsync([new TtsRequest("x", "en-US"), new TtsRequest("x", "de-DE")], [8000, 16000], CancellationToken.None);
        Assert.NotEmpty(await Synth.AllAsync(_tts, new TtsRequest("still here", "de-DE"), 16000));
    }

    [Fact]
    public async Task A_failing_synthesis_reaches_its_caller_as_before()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Synth.AllAsync(_tts, new TtsRequest("hello", "zz-ZZ"), 8000));
        Assert.Contains("language 'zz-ZZ' has no espeak-ng voice ('zz')", error.Message, StringComparison.Ordinal);
        // Through the cache too, and nothing is kept.
        var cache = new CachingTextToSpeech(_tts, 1 << 20);
        await Assert.ThrowsAsync<ArgumentException>(async () => await Synth.AllAsync(cache, new TtsRequest("hello", "zz-ZZ"), 8000));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Legacy_voice_names_and_bad_input()
    {
        Assert.Equal(("en-US", 0), LegacyVoiceNames.Resolve("Kimberly"));
        Assert.Equal(("nb-NO", 7), LegacyVoiceNames.Resolve("henrik"));
        var v = EspeakVoiceMap.Resolve(new TtsRequest("x", VoiceName: "Brian"));
        Assert.Equal("en+f3", v.EspeakName);
        Assert.Equal(("en-US", 0), LegacyVoiceNames.Resolve("Eric")); // in the OAS enum without a mapping: default voice
        Assert.Contains("voiceName 'Zorglub'", Assert.Throws<ArgumentException>(() => EspeakVoiceMap.Resolve(new TtsRequest("x", VoiceName: "Zorglub"))).Message, StringComparison.Ordinal);
        Assert.Equal("Level", Assert.Throws<ArgumentException>(() => new TtsRequest("x", Level: 2).Validate()).ParamName);
        Assert.Equal("Text", Assert.Throws<ArgumentException>(() => new TtsRequest(new string('a', 1501)).Validate()).ParamName);
        new TtsRequest("<speak>" + new string('a', 1500) + "<break time=\"1s\"/></speak>").Validate();
        Assert.Equal("de", EspeakVoiceMap.Resolve("de-CH", 0).Voice); // unknown region: primary subtag
    }

    [Fact]
    public async Task Playback_loops_with_level_from_the_stream()
    {
        var once = await Synth.AllAsync(_tts, new TtsRequest("Loop me"), 8000);
        await using var source = new StreamingAudioSource(ct => _tts.SynthesizeAsync(new TtsRequest("Loop me"), 8000, ct), 8000, loop: 3, level: -0.5);
        await source.WaitForFirstAudioAsync(CancellationToken.None);
        var played = new List<short>();
        var frame = new short[160];
        for (var i = 0; i < 100_000 && !source.IsFinished; i++)
        {
            var n = source.Read(frame);
            if (!source.HasStartedPlaying)
            {
                await Task.Yield();
                continue;
            }
            played.AddRange(frame.AsSpan(0, n));
            if (n == 160 && Pcm16.Rms(frame) == 0 && !source.IsFinished)
            {
                await Task.Delay(1); // starved: let the producer run (not a timing assertion)
            }
        }
        Assert.True(source.IsFinished);
        Assert.Null(source.Error);
        var speech = played.Where(s => s != 0).Count();
        Assert.InRange(speech, once.Count(s => s != 0) * 3 * 0.95, once.Count(s => s != 0) * 3 * 1.05);
        Assert.InRange(Pcm16.Rms(played.ToArray()) / Pcm16.Rms(once), 0.45, 0.55);
    }
}
