using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Host.MediaPlane;
using Ncco.Legs;
using Ncco.Media.Pcm;
using Ncco.Media.Playback;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// A G.711 leg whose only sound is a prompt with a table (<see cref="DecimatedPrompts"/>) sends the table's frames
/// instead of filtering the prompt itself: every frame it sends must be the one the filter would have made, through
/// prompt loops, a key tone over the prompt, another party joining, a stop, and a prompt that ends.
/// </summary>
public sealed class DecimatedPromptTests : IAsyncDisposable
{
    private readonly TickedMediaThreads _threads = new();

    // A prompt that is no whole number of frames (10,006 samples at 16 kHz), a tone sweep with noise.
    private static readonly short[] Prompt = Sound(10006, 1);
    private static readonly short[] Short = Sound(3000, 2);

    private static short[] Sound(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(i => (short)((7000 * Math.Sin(2 * Math.PI * (300 + (i / 8.0)) * i / 16000)) + random.Next(-3000, 3000))).ToArray();
    }

    /// <summary>Silence in; every frame it is sent kept.</summary>
    private sealed class RecordingTransport(int rate) : IMediaTransport
    {
        public int SampleRate => rate;

        public List<short[]> Sent { get; } = [];

        public bool ReadInbound(Span<short> frame)
        {
            frame.Clear();
            return true;
        }

        public void WriteOutbound(ReadOnlySpan<short> frame) => Sent.Add(frame.ToArray());

        public bool ConversationDtmf(char digit, int durationMilliseconds) => true;
    }

    /// <summary>The scenario on a fresh media thread; with <paramref name="tables"/> the prompts' tables are built first.</summary>
    private (List<short[]> Sent, LegMedia Leg, MediaThread MediaThread) Run(bool tables)
    {
        var mediaThread = _threads.Create();
        var transport = new RecordingTransport(8000);
        var other = new RecordingTransport(16000);
        var leg = new LegMedia(mediaThread, "a", transport);
        var b = new LegMedia(mediaThread, "b", other);
        var prompt = new BufferAudioSource(Prompt, MediaThread.SampleRate, loop: 0);
        var ending = new BufferAudioSource(Short, MediaThread.SampleRate, loop: 2);
        if (tables)
        {
            mediaThread.DecimatedPrompts.Prepare(prompt);
            mediaThread.DecimatedPrompts.Prepare(ending);
        }
        void At(int tick, Action command)
        {
            while (transport.Sent.Count < tick) mediaThread.Tick();
            mediaThread.Post(command);
        }
        At(0, () =>
        {
            mediaThread.Add(leg);
            mediaThread.Add(b);
            mediaThread.ApplyMix(new MediaMix("CON-1", true, [Member("a")]));
            leg.Start(1, prompt);
        });
        At(60, () => leg.Play(new Playback(2, PlaybackKind.Dtmf) { Text = "12" })); // a key tone over the prompt, then the prompt alone again
        At(120, () => mediaThread.ApplyMix(new MediaMix("CON-1", true, [Member("a"), Member("b")])));
        At(140, () => mediaThread.ApplyMix(new MediaMix("CON-1", true, [Member("a")])));
        At(200, () => leg.Stop(1)); // barge-in: the filter's tail of the prompt, then silence
        At(210, () => leg.Start(3, ending)); // plays twice (a loop boundary mid-frame) and ends mid-frame
        At(300, () => leg.Start(4, prompt));
        At(330, () => leg.Play(new Playback(5, PlaybackKind.Beep)));
        At(400, () => { });
        return (transport.Sent, leg, mediaThread);
    }

    private static MediaParticipant Member(string id) => new(id, false, false, null, null);

    [Fact]
    public void Frames_from_the_table_are_the_frames_the_filter_makes()
    {
        var (filtered, plain, _) = Run(tables: false);
        var (fromTables, leg, mediaThread) = Run(tables: true);

        Assert.Equal(0, plain.DecimatedFrames);
        Assert.Equal(2, mediaThread.DecimatedPrompts.Built);
        // Most of the prompt's frames came from the table (all but the first after each start or interruption).
        Assert.True(leg.DecimatedFrames > 200, $"{leg.DecimatedFrames} frames from the table");
        Assert.Equal(filtered.Count, fromTables.Count);
        for (var i = 0; i < filtered.Count; i++) Assert.True(filtered[i].SequenceEqual(fromTables[i]), $"frame {i} differs");
        // Not trivially equal: the prompt was heard, then silence after the stop.
        Assert.Contains(filtered.Take(60), f => f.Any(s => s != 0));
        Assert.All(filtered[205], s => Assert.Equal(0, s));
    }

    [Fact]
    public void Frames_from_the_table_allocate_nothing()
    {
        var mediaThread = _threads.Create();
        var transport = new RecordingTransport(8000);
        var leg = new LegMedia(mediaThread, "a", transport);
        var prompt = new BufferAudioSource(Prompt, MediaThread.SampleRate, loop: 0);
        mediaThread.DecimatedPrompts.Prepare(prompt);
        mediaThread.Post(() =>
        {
            mediaThread.Add(leg);
            leg.Start(1, prompt);
        });
        for (var i = 0; i < 20; i++) mediaThread.Tick();
        transport.Sent.Clear();
        transport.Sent.Capacity = 200;

        var before = GC.GetAllocatedBytesForCurrentThread();
        var skipped = leg.DecimatedFrames;
        for (var i = 0; i < 100; i++) mediaThread.Tick();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(100, leg.DecimatedFrames - skipped);
        // The transport's own copies of the frames are the only allocation (100 × 160 samples).
        Assert.True(allocated <= 100 * ((160 * 2) + 32), $"{allocated} bytes allocated in 100 ticks");
    }

    [Fact]
    public void Only_prompts_played_as_they_are_with_an_even_length_get_a_table()
    {
        var prompts = _threads.Create().DecimatedPrompts;
        var quieter = new BufferAudioSource(Prompt, MediaThread.SampleRate, level: -0.5);
        var odd = new BufferAudioSource(Prompt.AsMemory(0, 10005), MediaThread.SampleRate);
        var plain = new BufferAudioSource(Prompt, MediaThread.SampleRate);
        var slice = new BufferAudioSource(Prompt.AsMemory(2, 1000), MediaThread.SampleRate);
        prompts.Prepare(quieter);
        prompts.Prepare(odd);
        Assert.Null(prompts.Find(quieter));
        Assert.Null(prompts.Find(odd));
        Assert.Equal(0, prompts.Built);

        prompts.Prepare(plain);
        prompts.Prepare(new BufferAudioSource(Prompt, MediaThread.SampleRate)); // the same samples: the same table
        Assert.Equal(1, prompts.Built);
        Assert.Equal(5003, prompts.Find(plain)!.Length);
        Assert.Same(prompts.Find(plain), prompts.Find(new BufferAudioSource(Prompt, MediaThread.SampleRate, loop: 3)));
        // Another stretch of the same array is another prompt.
        Assert.Null(prompts.Find(slice));
    }

    public ValueTask DisposeAsync() => _threads.DisposeAsync();
}
