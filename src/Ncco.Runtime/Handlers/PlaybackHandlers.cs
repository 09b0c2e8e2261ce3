using Ncco.Interpreter;
using Ncco.Legs;
using Ncco.Model.Actions;

namespace Ncco.Handlers;

/// <summary>
/// <c>talk</c>: blocking until played <c>loop</c> times, unless barge-in (its own <c>bargeIn</c> or the sticky rule),
/// in which case it is queued as background audio that the next <c>input</c> stops when the party barges in.
/// </summary>
public sealed class TalkHandler : IActionHandler
{
    /// <inheritdoc />
    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var talk = (TalkAction)context.Action;
        var bargeIn = talk.BargeIn || context.BargeInSticky;
        var playback = context.Leg.NewPlayback(PlaybackKind.Talk) with
        {
            Text = talk.Text, Language = talk.Language, Style = talk.Style, Premium = talk.Premium,
            Loop = talk.Loop, Level = talk.Level, BargeIn = bargeIn,
        };
        return await PlaybackRules.PlayAsync(context, playback, bargeIn, cancellationToken);
    }
}

/// <summary><c>stream</c>: same blocking/barge-in rules as <c>talk</c>.</summary>
public sealed class StreamHandler : IActionHandler
{
    /// <inheritdoc />
    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var stream = (StreamAction)context.Action;
        var bargeIn = stream.BargeIn || context.BargeInSticky;
        var playback = context.Leg.NewPlayback(PlaybackKind.Stream) with { Url = stream.StreamUrl, Loop = stream.Loop, Level = stream.Level, BargeIn = bargeIn };
        return await PlaybackRules.PlayAsync(context, playback, bargeIn, cancellationToken);
    }
}

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

/// <summary><c>wait</c>: pauses for <c>timeout</c> seconds (clamped to 0.1–7200).</summary>
public sealed class WaitHandler : IActionHandler
{
    /// <inheritdoc />
    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var wait = (WaitAction)context.Action;
        var seconds = Math.Clamp(wait.Timeout, 0.1, 7200);
        await context.Scheduler.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
        return ActionOutcome.Next;
    }
}

/// <summary><c>notify</c>: posts the payload and waits for the answer; an NCCO in it replaces the current one.</summary>
public sealed class NotifyHandler : IActionHandler
{
    /// <inheritdoc />
    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var notify = (NotifyAction)context.Action;
        var result = await context.Leg.FetchNccoAsync(new Events.NotifyEvent
        {
            ConversationUuid = context.Leg.Conversation.Id,
            Uuid = context.Leg.Id,
            Payload = notify.Payload,
            Timestamp = context.Timestamp,
        }, new Webhooks.WebhookTarget(notify.EventUrl, notify.EventMethod));
        cancellationToken.ThrowIfCancellationRequested();
        return context.OutcomeOf(result);
    }
}
