namespace Ncco.Host.Legs.Sip;

/// <summary>
/// Notices that this process stalled: it was not scheduled for a while (its host stopped it or starved it of CPU, a
/// long GC or VM pause). A SIP front in front of the node gives up on an INVITE the node did not answer with 100 Trying
/// within its <c>fr_timer</c> and sends the call to another node; the INVITEs that waited in the node's socket meanwhile
/// are read when it wakes, and the front cancels each abandoned one only once its late 100 Trying reaches it. The SIP
/// gateway holds the INVITEs it reads during or just after a stall (<see cref="JustStalled"/>) so that CANCEL arrives
/// before the application hears of a call (docs/cluster.md, "A slow node").
/// </summary>
/// <remarks>
/// A timer ticks every <see cref="Period"/> on the monotonic clock; a gap over <see cref="Threshold"/> between two
/// ticks is a stall. The check also counts a tick that is overdue, so an INVITE read before the first tick after a
/// stall is judged right. A tick only late because the thread pool is starved counts too: the node is then as slow to
/// answer as if it were stopped.
/// </remarks>
internal sealed class ProcessStallWatch : IDisposable
{
    /// <summary>How often the watch ticks.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    /// <summary>A gap between ticks longer than this is a stall (half the shipped front's 1 s <c>fr_timer</c>).</summary>
    public static readonly TimeSpan Threshold = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long after a stall ended INVITEs still count as read just after it: those that waited in the socket, and the
    /// branches the front sent again when it gave up on them (one round trip after the node's late 100 Trying).
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long an INVITE read during or just after a stall waits for the front's CANCEL (or a later branch of it) before
    /// its call starts: the CANCEL comes one round trip after the node's late 100 Trying, which the SIP stack sent when it
    /// read the INVITE.
    /// </summary>
    public static readonly TimeSpan Hold = TimeSpan.FromMilliseconds(500);

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private long _lastTick;
    private long _stallEnded;

    /// <summary>Starts watching on <paramref name="time"/>'s clock.</summary>
    public ProcessStallWatch(TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
        _lastTick = time.GetTimestamp();
        _timer = time.CreateTimer(_ => Tick(), null, Period, Period);
    }

    /// <summary>
    /// True when the process is stalled as far as it can tell (the last tick is overdue by more than
    /// <see cref="Threshold"/>) or a stall ended less than <see cref="Window"/> ago.
    /// </summary>
    public bool JustStalled()
    {
        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(Volatile.Read(ref _lastTick), now) > Threshold) return true;
        var ended = Volatile.Read(ref _stallEnded);
        return ended != 0 && _time.GetElapsedTime(ended, now) < Window;
    }

    /// <summary>One tick: records a stall when the gap since the previous tick exceeds <see cref="Threshold"/>.</summary>
    internal void Tick()
    {
        var now = _time.GetTimestamp();
        var gap = _time.GetElapsedTime(Interlocked.Exchange(ref _lastTick, now), now);
        if (gap <= Threshold) return;
        Volatile.Write(ref _stallEnded, now);
        _logger.ProcessStalled((long)gap.TotalMilliseconds);
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();
}
