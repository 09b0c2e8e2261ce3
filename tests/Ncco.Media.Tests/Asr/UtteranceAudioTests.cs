using System.Buffers;
using Microsoft.Extensions.Time.Testing;
using Ncco.Media.Asr;
using Ncco.Media.Tests.Support;

namespace Ncco.Media.Tests.Asr;

/// <summary>
/// Issue 16, memory per speech call: an utterance's audio is held in pooled chunks (within one chunk of its length, no
/// buffer before speech, nothing doubled), handed whole to the decoder in one contiguous piece, and every chunk goes back
/// to the pool whether the utterance is decoded, cancelled, refused or abandoned.
/// </summary>
public sealed class UtteranceAudioTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(160)]
    [InlineData(320)]
    [InlineData(UtteranceAudio.ChunkSamples)]
    [InlineData(UtteranceAudio.ChunkSamples + 1)]
    [InlineData(48000)]
    public void Appended_slices_come_back_whole_and_in_order(int slice)
    {
        var pool = new CountingPool();
        using var audio = new UtteranceAudio(pool);
        var expected = Enumerable.Range(0, 80_000).Select(i => (short)(i * 7 % 65_536 - 32_768)).ToArray();
        for (var i = 0; i < expected.Length; i += slice)
        {
            audio.Append(expected.AsSpan(i, Math.Min(slice, expected.Length - i)));
        }
        var copy = new short[expected.Length];
        audio.CopyTo(copy);
        Assert.Equal(expected.Length, audio.Length);
        Assert.Equal(expected, copy);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(UtteranceAudio.ChunkSamples, 1)]
    [InlineData(UtteranceAudio.ChunkSamples + 1, 2)]
    [InlineData(80_000, 10)]
    public void It_holds_the_audio_to_within_one_chunk_and_nothing_before_the_first_sample(int samples, int chunks)
    {
        var pool = new CountingPool();
        using var audio = new UtteranceAudio(pool);
        for (var i = 0; i < samples; i += 320)
        {
            audio.Append(new short[Math.Min(320, samples - i)]);
        }
        Assert.Equal(chunks, audio.ChunkCount);
        Assert.Equal(chunks, pool.Outstanding);
    }

    [Fact]
    public void Disposing_returns_every_chunk_once_and_refuses_more_audio()
    {
        var pool = new CountingPool();
        var audio = new UtteranceAudio(pool);
        audio.Append(new short[3 * UtteranceAudio.ChunkSamples + 5]);
        Assert.Equal(4, pool.Outstanding);
        audio.Dispose();
        audio.Dispose();
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(4, pool.Returned);
        Assert.Throws<ObjectDisposedException>(() => audio.Append(new short[1]));
    }

    [Fact]
    public void A_destination_shorter_than_the_audio_is_refused_naming_it()
    {
        using var audio = new UtteranceAudio(new CountingPool());
        audio.Append(new short[100]);
        var error = Assert.Throws<ArgumentException>(() => audio.CopyTo(new short[99]));
        Assert.Equal("destination", error.ParamName);
    }

    [Fact]
    public async Task The_decoder_gets_the_whole_utterance_in_one_piece_and_the_chunks_go_back_after()
    {
        var decoder = new CapturingDecoder();
        using var pool = new PocketSphinxWorkers(new PocketSphinxOptions(Decoders: 1), new FakeTimeProvider(), _ => decoder, () => { });
        var samples = Enumerable.Range(0, 3 * UtteranceAudio.ChunkSamples + 77).Select(i => (short)(i % 2000 - 1000)).ToArray();
        var audio = new UtteranceAudio(pool.ChunkPool);
        audio.Append(samples);

        var result = await pool.DecodeAsync(audio, null, CancellationToken.None).Within();

        Assert.Equal("heard", result?.Text);
        var heard = Assert.Single(decoder.Heard);
        Assert.Equal(samples.Length, heard.Length);
        // Dithered: each sample as sent or one above it, never anything else.
        Assert.All(samples.Zip(heard), pair => Assert.InRange(pair.Second - pair.First, 0, 1));
        Assert.Equal(0, audio.ChunkCount);
        Assert.Throws<ObjectDisposedException>(() => audio.Append(new short[1]));
    }

    [Fact]
    public async Task A_cancelled_utterance_gives_its_chunks_back_without_being_decoded()
    {
        var decoder = new CapturingDecoder();
        using var pool = new PocketSphinxWorkers(new PocketSphinxOptions(Decoders: 1), new FakeTimeProvider(), _ => decoder, () => { });
        var audio = new UtteranceAudio(pool.ChunkPool);
        audio.Append(new short[20_000]);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pool.DecodeAsync(audio, null, cancelled.Token).Within());

        Assert.Empty(decoder.Heard);
        Assert.Equal(0, audio.ChunkCount);
    }

    /// <summary>An <see cref="ArrayPool{T}"/> counting what is out and what came back.</summary>
    private sealed class CountingPool : ArrayPool<short>
    {
        public int Outstanding { get; private set; }

        public int Returned { get; private set; }

        public override short[] Rent(int minimumLength)
        {
            Outstanding++;
            return new short[minimumLength];
        }

        public override void Return(short[] array, bool clearArray = false)
        {
            Outstanding--;
            Returned++;
        }
    }

    /// <summary>Records the audio each decode was given.</summary>
    private sealed class CapturingDecoder : IUtteranceDecoder
    {
        public List<short[]> Heard { get; } = [];

        public bool HasLanguageModel => true;

        public bool LimitedVocabulary => false;

        public string? GrammarFor(IReadOnlyList<string>? hints, out bool wordsMissing)
        {
            wordsMissing = false;
            return null;
        }

        public SpeechAlternative? Decode(ReadOnlySpan<short> audio, string? grammar)
        {
            lock (Heard)
            {
                Heard.Add(audio.ToArray());
            }
            return new SpeechAlternative("heard", 1);
        }

        public void Dispose()
        {
        }
    }
}
