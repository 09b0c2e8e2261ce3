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
        if (context.Leg.BargeInActive) await WaitBargeInDrainedAsync(context, cancellationToken);
        await context.Leg.PlayAsync(playback, cancellationToken);
        return ActionOutcome.Next;
    }

    public static Task WaitBargeInDrainedAsync(ActionContext context, CancellationToken cancellationToken)
    {
        if (!context.Leg.BargeInActive) return Task.CompletedTask;
        var tcs = new TaskCompletionSource();
        void Drained()
        {
            if (!context.Leg.BargeInActive) tcs.TrySetResult();
        }
        context.Leg.BargeInDrained += Drained;
        var reg = cancellationToken.Register(() => tcs.TrySetCanceled(cancellationToken));
        return tcs.Task.ContinueWith(t =>
        {
            context.Leg.BargeInDrained -= Drained;
            reg.Dispose();
            return t;
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap();
    }
}
