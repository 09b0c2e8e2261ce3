using Ncco.Interpreter;
using Ncco.Legs;
using Ncco.Model.Actions;

namespace Ncco.Handlers;

internal static class PlaybackRules
{
    public static async Task<ActionOutcome> PlayAsync(ActionContext context, Playback playback, bool bargeIn, CancellationToken cancellationToken)
    {
        if (bargeIn)
        {
            context.BargeInSticky = true;
            context.Leg.EnqueueBargeIn(playback);
            return ActionOutcome.Next;
        }
        // A blocking prompt after earlier barge-in audio plays after it.
        // Neither wait throws when the leg ends (a hang-up during a prompt is how most calls end): the interpreter sees
        // the token and reports the action cancelled.
        if (context.Leg.BargeInActive) await WaitBargeInDrainedAsync(context, cancellationToken);
        if (cancellationToken.IsCancellationRequested) return ActionOutcome.Next;
        await context.Leg.PlayUntilStoppedAsync(playback, cancellationToken);
        return ActionOutcome.Next;
    }

    /// <summary>Waits until the barge-in audio has drained, or the token is cancelled (completes, does not throw).</summary>
    public static Task WaitBargeInDrainedAsync(ActionContext context, CancellationToken cancellationToken)
    {
        if (!context.Leg.BargeInActive) return Task.CompletedTask;
        var tcs = new TaskCompletionSource();
        void Drained()
        {
            if (!context.Leg.BargeInActive) tcs.TrySetResult();
        }
        context.Leg.BargeInDrained += Drained;
        var reg = cancellationToken.Register(() => tcs.TrySetResult());
        return tcs.Task.ContinueWith(t =>
        {
            context.Leg.BargeInDrained -= Drained;
            reg.Dispose();
            return t;
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap();
    }
}
