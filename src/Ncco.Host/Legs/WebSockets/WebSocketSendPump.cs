using System.Collections.Concurrent;
using Ncco.Host.MediaPlane;

namespace Ncco.Host.Legs.WebSockets;

/// <summary>
/// One thread that writes every <see cref="WebSocketLeg"/>'s queued messages to its socket. The media thread queues each
/// leg's 20 ms frame and, once per tick, hands the legs with something queued to the pump, which wakes once after the flush and sends
/// them all; a send that completes at once (the kernel took the bytes: the normal case) costs no thread switch. Before
/// it, every frame woke its leg's own send loop on the thread pool: at 1,000 legs, 50,000 work items a second for
/// 50,000 <c>send</c> calls. Only a leg whose socket is backed up (the application stopped reading) awaits its send, and
/// then drains its own queue from that continuation until it catches up.
/// <para>The media thread's flush hands its legs over with <see cref="Defer"/>, which only queues them, and wakes the
/// pump once when the flush is done (<see cref="ITickFlushListener.TickFlushed"/>): the pump then sends the whole tick's
/// frames in one pass instead of waking while the flush is still handing legs over and competing with it for a core.</para>
/// </summary>
internal sealed class WebSocketSendPump : IDisposable, ITickFlushListener
{
    private readonly ConcurrentQueue<WebSocketLeg> _ready = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly Thread _thread;
    private volatile bool _stopped;
    private int _signalled;
    // Legs the media thread's flush queued since its last TickFlushed (touched by the ticking thread only).
    private bool _deferred;
    private long _allocated;
    private long _drains;

    /// <summary>
    /// Starts the pump's thread (a background thread: it never keeps the process alive). It runs at normal priority,
    /// below the media threads, on purpose: raised level with them (nice −10) its sends — a third of a core at 1,000
    /// legs, mostly kernel — took cores from ticks being built, and late ticks rose (500 → 1,000 at <c>High</c>, 15 →
    /// 304 at <c>Realtime</c>, bench/Ncco.Host.Load/RESULTS.md).
    /// </summary>
    public WebSocketSendPump()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "Ncco WebSocket send" };
        _thread.Start();
    }

    /// <summary>Bytes the pump's thread allocated while sending (0 in steady state; for tests and profiles).</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocated);

    /// <summary>How many times the pump woke and drained the ready legs.</summary>
    public long Drains => Interlocked.Read(ref _drains);

    /// <summary>
    /// Asks the pump to send what <paramref name="leg"/> has queued. Any thread; the leg's own flag keeps it in the
    /// ready list once however often it is scheduled before the pump gets to it.
    /// </summary>
    public void Schedule(WebSocketLeg leg)
    {
        if (_stopped)
        {
            // Shutting down: legs still closing send on the caller's thread.
            leg.Pump();
            return;
        }
        _ready.Enqueue(leg);
        Signal();
    }

    /// <summary>
    /// The media thread's flush: queues <paramref name="leg"/> without waking the pump; <see cref="TickFlushed"/>
    /// (called by the media thread once its flush is done) wakes it once for all the tick's legs.
    /// </summary>
    public void Defer(WebSocketLeg leg)
    {
        if (_stopped)
        {
            leg.Pump();
            return;
        }
        _ready.Enqueue(leg);
        _deferred = true;
    }

    /// <inheritdoc />
    public void TickFlushed()
    {
        if (!_deferred) return;
        _deferred = false;
        Signal();
    }

    private void Signal()
    {
        // One wake for many legs: only the first signal after the pump went back to waiting sets the event.
        if (Interlocked.Exchange(ref _signalled, 1) != 0) return;
        try
        {
            _wake.Set();
        }
        catch (ObjectDisposedException)
        {
            // Stopped between the check and the signal: nobody drains the list any more.
            while (_ready.TryDequeue(out var left)) left.Pump();
        }
    }

    private void Run()
    {
        while (true)
        {
            _wake.WaitOne();
            if (_stopped) return;
            // Cleared before draining: a leg scheduled from here on wakes the pump again, so none waits for the next one.
            Volatile.Write(ref _signalled, 0);
            var before = GC.GetAllocatedBytesForCurrentThread();
            while (_ready.TryDequeue(out var leg)) leg.Pump();
            Interlocked.Add(ref _allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            Interlocked.Increment(ref _drains);
        }
    }

    /// <summary>Stops the thread (queued messages of live legs are left to their sockets' close).</summary>
    public void Dispose()
    {
        _stopped = true;
        _wake.Set();
        _thread.Join(TimeSpan.FromSeconds(2));
        _wake.Dispose();
    }
}
