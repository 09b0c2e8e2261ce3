namespace Ncco.Host.Legs.Sip;

/// <summary>How the hold of an INVITE read just after a stall ended (<see cref="StallHold"/>).</summary>
internal enum StallHoldOutcome
{
    /// <summary>Its call ended meanwhile: the front's CANCEL (the SIP stack answered 487) or the caller's.</summary>
    Ended,

    /// <summary>A later branch of the same caller's INVITE reached the node: the front gave up on this one.</summary>
    Overtaken,

    /// <summary>Nothing came within the hold: the call goes on.</summary>
    Elapsed,

    /// <summary>The node is stopping.</summary>
    Stopping,
}

/// <summary>
/// The wait of an INVITE held after a stall (<see cref="ProcessStallWatch.Hold"/>): whichever comes first of its call
/// ending, a later branch of it (<see cref="NewestBranches.Overtaken"/>), the hold running out on the host's
/// <see cref="TimeProvider"/>, or the node stopping. One wait on the three signals, not a poll: no timer per look and
/// nothing thrown (a timed-out or cancelled wait would throw, and under a post-stall burst every held INVITE would).
/// </summary>
internal static class StallHold
{
    /// <summary>Waits as the summary says; never throws for the wait's own ending.</summary>
    public static async Task<StallHoldOutcome> WaitAsync(Task ended, Task overtaken, TimeProvider time, TimeSpan hold, CancellationToken cancellationToken)
    {
        if (!ended.IsCompleted && !overtaken.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // Cancelled, the delay completes as cancelled without throwing anything: Task.WhenAny observes no result.
            var elapsed = Task.Delay(hold, time, timer.Token);
            await Task.WhenAny(ended, overtaken, elapsed).ConfigureAwait(false);
            // Ended early: the hold's timer goes now, not when it would have fired.
            timer.Cancel();
        }
        return ended.IsCompleted ? StallHoldOutcome.Ended
            : overtaken.IsCompleted ? StallHoldOutcome.Overtaken
            : cancellationToken.IsCancellationRequested ? StallHoldOutcome.Stopping
            : StallHoldOutcome.Elapsed;
    }
}
