using Ncco.Media.Asr;
using Ncco.Media.Tests.Support;
using Ncco.Media.Wav;

namespace Ncco.Media.Tests.Asr;

/// <summary>
/// Issue 16, memory per speech call: the audio a speech input keeps from before the onset (its pre-roll ring) starts at
/// 0.5 s and grows to <see cref="SpeechInputSession.MaxLeadSeconds"/> only while speech is slow to start, and growing it
/// never reorders or loses what the recogniser is sent: the stream gets one unbroken stretch of the caller's audio.
/// </summary>
public sealed class SpeechPreRollTests
{
    private const int Rate = 16000;

    [Theory]
    [InlineData(0.2, Rate)]
    [InlineData(0.7, 2 * Rate)]
    [InlineData(1.5, 3 * Rate)]
    [InlineData(6.0, 3 * Rate)]
    public async Task The_ring_grows_only_as_far_as_the_wait_for_speech_and_the_stream_gets_unbroken_audio(double leadSeconds, int mostCapacity)
    {
        var recognizer = new CapturingRecognizer();
        var random = new Random(7);
        var lead = new short[(int)(leadSeconds * Rate)];
        for (var i = 0; i < lead.Length; i++) lead[i] = (short)random.Next(-40, 40);
        var word = WavReader.ReadAll(Tools.EspeakWav("hello there", Rate, "en-us", "preroll-hello-there")).Samples;
        short[] audio = [.. lead, .. word, .. new short[Rate]];
        await using var session = await SpeechInputSession.StartAsync(recognizer, new AsrSettings(EndOnSilence: 0.5), Rate, CancellationToken.None).Within();
        for (var i = 0; i + (Rate / 50) <= audio.Length && !session.IsComplete; i += Rate / 50)
        {
            session.Process(audio.AsSpan(i, Rate / 50));
        }

        Assert.True(session.SpeechStarted, "the word was not taken for speech");
        // Doubling from 0.5 s: at most twice what waited before the onset was confirmed (the word's first ≈ 0.3 s included).
        Assert.InRange(session.PreRollCapacity, Rate / 2, mostCapacity);
        if (leadSeconds >= SpeechInputSession.MaxLeadSeconds)
        {
            Assert.Equal((int)(SpeechInputSession.MaxLeadSeconds * Rate), session.PreRollCapacity);
        }
        var sent = recognizer.Stream.Samples.ToArray();
        Assert.True(sent.Length > Rate / 4, $"only {sent.Length} samples sent");
        // Where the sent audio starts in what was fed: it must continue from there sample for sample.
        var start = IndexOf(audio, sent.AsSpan(0, 400));
        Assert.True(start >= 0, "the first samples sent are not a stretch of the input");
        Assert.Equal(audio.AsSpan(start, sent.Length).ToArray(), sent);
    }

    private static int IndexOf(short[] haystack, ReadOnlySpan<short> needle) => haystack.AsSpan().IndexOf(needle);

    private sealed class CapturingRecognizer : ISpeechRecognizer
    {
        public CapturingStream Stream { get; } = new();

        public string Name => "capture";

        public ValueTask<ISpeechRecognitionStream> StartAsync(AsrSettings settings, int sampleRate, CancellationToken cancellationToken) =>
            ValueTask.FromResult<ISpeechRecognitionStream>(Stream);
    }

    private sealed class CapturingStream : ISpeechRecognitionStream
    {
        public List<short> Samples { get; } = [];

        public void Write(ReadOnlySpan<short> samples) => Samples.AddRange(samples);

        public Task<IReadOnlyList<SpeechAlternative>> FinishAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<SpeechAlternative>>([]);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
