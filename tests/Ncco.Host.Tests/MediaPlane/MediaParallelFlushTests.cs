using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Host.MediaPlane;
using Ncco.Media.Playback;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// Issue 19: with two or more workers and enough legs a tick's sends are shared out over the workers like its build
/// (<see cref="MediaThread.ParallelFlushMinimumLegs"/>): every leg is still flushed exactly once per tick, after its
/// frame was built, by one thread, and a flush listener is still told once per tick after every leg's flush.
/// </summary>
public sealed class MediaParallelFlushTests : IAsyncDisposable
{
    private readonly TickedMediaThreads _threads = new();

    private MediaThread NewMediaThread(int workers, int parallelFlushMinimumLegs) => _threads.Create(workers, parallelFlushMinimumLegs);

    private sealed class Listener : ITickFlushListener
    {
        public int Told;
        public int ThreadId;

        public void TickFlushed()
        {
            Told++;
            ThreadId = Environment.CurrentManagedThreadId;
        }
    }

    // Holds each built frame until its flush (as an RTP leg with DeferSend does) and records who flushed it.
    private sealed class HoldingTransport(MediaThread thread, Listener listener, ConcurrentQueue<string> problems) : IMediaTransport
    {
        private bool _held;

        public int Flushes { get; private set; }

        public HashSet<int> FlushThreads { get; } = [];

        public int SampleRate => 8000;

        public bool ReadInbound(Span<short> frame) => false;

        public void WriteOutbound(ReadOnlySpan<short> frame)
        {
            if (_held) problems.Enqueue("a frame was built while the previous one was still held");
            _held = true;
        }

        public void FlushOutbound()
        {
            if (!_held) problems.Enqueue("flushed with nothing held");
            _held = false;
            Flushes++;
            FlushThreads.Add(Environment.CurrentManagedThreadId);
            thread.AfterFlush(listener);
        }

        public bool ConversationDtmf(char digit, int durationMilliseconds) => true;
    }

    private static (HoldingTransport[] Transports, Listener Listener, ConcurrentQueue<string> Problems) Run(MediaThread thread, int legs, int ticks)
    {
        var listener = new Listener();
        var problems = new ConcurrentQueue<string>();
        var transports = Enumerable.Range(0, legs).Select(_ => new HoldingTransport(thread, listener, problems)).ToArray();
        thread.Post(() =>
        {
            for (var i = 0; i < legs; i++) thread.Add(new LegMedia(thread, "leg-" + i, transports[i]));
        });
        for (var i = 0; i < ticks; i++) thread.Tick();
        return (transports, listener, problems);
    }

    [Fact]
    public void With_two_workers_every_leg_is_flushed_once_a_tick_and_the_sends_are_shared_between_them()
    {
        var thread = NewMediaThread(workers: 2, parallelFlushMinimumLegs: 1);
        var (transports, listener, problems) = Run(thread, legs: 9, ticks: 20);

        Assert.Empty(problems);
        Assert.All(transports, t => Assert.Equal(20, t.Flushes));
        Assert.All(transports, t => Assert.Single(t.FlushThreads));
        // Even legs on the ticking thread, odd ones on the helper.
        Assert.Equal(Environment.CurrentManagedThreadId, transports[0].FlushThreads.Single());
        Assert.NotEqual(Environment.CurrentManagedThreadId, transports[1].FlushThreads.Single());
        Assert.Equal(20, listener.Told);
        Assert.Equal(Environment.CurrentManagedThreadId, listener.ThreadId);
    }

    [Fact]
    public void Below_the_minimum_the_ticking_thread_sends_alone()
    {
        var thread = NewMediaThread(workers: 2, parallelFlushMinimumLegs: 10);
        var (transports, listener, problems) = Run(thread, legs: 9, ticks: 5);

        Assert.Empty(problems);
        Assert.All(transports, t => Assert.Equal([Environment.CurrentManagedThreadId], t.FlushThreads));
        Assert.All(transports, t => Assert.Equal(5, t.Flushes));
        Assert.Equal(5, listener.Told);
    }

    [Fact]
    public void The_default_minimum_keeps_small_ticks_on_one_thread()
    {
        var thread = _threads.Create(workers: 2);
        Assert.Equal(64, thread.ParallelFlushMinimumLegs);
    }

    public ValueTask DisposeAsync() => _threads.DisposeAsync();
}
