using Ncco.Media.Native;
using Ncco.Media.Pcm;

namespace Ncco.Host.MediaPlane;

/// <summary>
/// Bounds how long a media thread at <see cref="MediaThreadPriority.Realtime"/> holds a core in each 20 ms tick
/// (<c>Ncco:Media:RealtimeBudgetPercent</c>). The thread wakes at its deadline under SCHED_RR, so the tick always starts
/// on time; once its work in the tick has taken <see cref="Budget"/>, it drops to the normal policy at nice −10 (the
/// <see cref="MediaThreadPriority.High"/> level) for the rest of that tick's building, and takes SCHED_RR back before it
/// sends and before it sleeps. One instance per media thread, used only by that thread; nothing allocates.
/// </summary>
/// <remarks>
/// Why: a real-time thread is never preempted by a normal one. At 500 calls on the 2-core bench machine the two media
/// threads needed 65 % and 48 % of a core, all of it at real-time priority, and what shared the remaining 40 % of the
/// machine — SIP signalling, the answer webhooks, SIPp itself — fell behind: SIPp's own watchdog saw its main loop
/// stopped for up to 1.7 s and calls timed out waiting for their 200 OK (bench/side-by-side/RESULTS.md, 2026-12-07).
/// With the budget, each media thread takes at most that share of a core ahead of everything else, and what it needs
/// beyond competes at nice −10 as the default priority does.
/// </remarks>
internal sealed class RealtimeBudget
{
    private readonly TimeProvider _time;
    private readonly long _budget; // TimeProvider timestamp units
    private readonly Func<bool> _leave;
    private readonly Func<bool> _enter;
    private long _start;
    private bool _left;

    /// <summary>
    /// A budget of <paramref name="percent"/> of a 20 ms frame. <paramref name="leave"/> and <paramref name="enter"/>
    /// change the calling thread's policy (defaults: <see cref="MediaThreadScheduling.TryLeaveRealtime"/> and
    /// <see cref="MediaThreadScheduling.TryApply(MediaThreadPriority, out string?)"/> with Realtime; tests pass their own).
    /// </summary>
    public RealtimeBudget(TimeProvider time, int percent, Func<bool>? leave = null, Func<bool>? enter = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        _time = time;
        Budget = PcmFormat.FrameDuration * percent / 100;
        _budget = (long)(Budget.TotalSeconds * time.TimestampFrequency);
        _leave = leave ?? MediaThreadScheduling.TryLeaveRealtime;
        _enter = enter ?? (static () => MediaThreadScheduling.TryApply(MediaThreadPriority.Realtime, out _));
    }

    /// <summary>Work per tick done under SCHED_RR before the thread drops to nice −10.</summary>
    public TimeSpan Budget { get; }

    /// <summary>Ticks in which the budget ran out (the thread finished them at nice −10).</summary>
    public long Exhausted { get; private set; }

    /// <summary>True while the thread runs at nice −10 for the rest of the tick.</summary>
    public bool Left => _left;

    /// <summary>Starts a tick's clock (call on waking).</summary>
    public void Start() => _start = _time.GetTimestamp();

    /// <summary>
    /// Called between pieces of work (a leg, a command): once the tick's work has taken the budget, leaves the real-time
    /// policy for the rest of the tick. Costs a clock read while within it.
    /// </summary>
    public void Check()
    {
        if (_left || _time.GetTimestamp() - _start <= _budget) return;
        _left = true;
        Exhausted++;
        _leave();
    }

    /// <summary>Takes SCHED_RR back if the tick left it (before sending, and before sleeping to the next deadline).</summary>
    public void Restore()
    {
        if (!_left) return;
        _left = false;
        _enter();
    }
}
