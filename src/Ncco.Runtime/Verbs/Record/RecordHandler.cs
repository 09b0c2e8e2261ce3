using Ncco.Interpreter;
using Ncco.Legs;
using Ncco.Model.Actions;

namespace Ncco.Handlers;

/// <summary>
/// <c>record</c>. With a stop condition (<c>endOnSilence</c>, <c>endOnKey</c>, <c>timeOut</c>) it blocks until the
/// condition fires and posts the record event before the next action; without one it records in the background
/// until the call ends. <c>beepStart</c> plays a beep first. Silence is measured from the later of the recording
/// start and the end of the party's last sound.
/// </summary>
public sealed class RecordHandler : IActionHandler
{
    private const string CallEnded = "call ended";

    /// <inheritdoc />
    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var record = (RecordAction)context.Action;
        var leg = context.Leg;
        if (record.BeepStart)
        {
            await leg.PlayUntilStoppedAsync(leg.NewPlayback(PlaybackKind.Beep), cancellationToken);
            if (cancellationToken.IsCancellationRequested) return ActionOutcome.Next;
        }
        var channels = record.SplitConversation ? Math.Max(2, record.Channels ?? 2) : 1;
        var target = context.Target(record.EventUrl, record.EventMethod);
        var active = new ActiveRecording(leg, leg.Conversation.Id, record.EffectiveFormat, channels, context.Now, target) { Transcription = record.Transcription }
            .Start(context.Vm, record.SplitConversation);
        context.Log("recording started" + (record.IsBlocking ? "" : " (background)"));
        if (!record.IsBlocking)
        {
            leg.BackgroundRecordings.Add(active);
            return ActionOutcome.Next;
        }

        var scheduler = context.Scheduler;
        var done = new TaskCompletionSource<string>();
        var timeout = scheduler.Schedule(TimeSpan.FromSeconds(record.Timeout ?? RecordAction.MaxTimeout), () => done.TrySetResult("timeout"));
        IDisposable? silence = null;
        void ArmSilence(TimeSpan after)
        {
            if (record.EndOnSilence is not { } n) return;
            silence?.Dispose();
            silence = scheduler.Schedule(after + TimeSpan.FromSeconds(n), () => done.TrySetResult("silence"));
        }
        void OnDigit(char d)
        {
            if (record.EndOnKey == d) done.TrySetResult("key");
        }
        void OnAudio(TimeSpan duration) => ArmSilence(duration);
        ArmSilence(TimeSpan.Zero);
        leg.DigitReceived += OnDigit;
        leg.AudioReceived += OnAudio;
        // The leg ending completes the wait (no cancelled task to throw on every hung-up recording); the interpreter
        // sees the token and reports the action cancelled.
        using var reg = cancellationToken.Register(() => done.TrySetResult(CallEnded));
        string reason;
        try
        {
            reason = await done.Task;
        }
        finally
        {
            timeout.Dispose();
            silence?.Dispose();
            leg.DigitReceived -= OnDigit;
            leg.AudioReceived -= OnAudio;
        }
        if (cancellationToken.IsCancellationRequested)
        {
            _ = active.Finish(context.Vm, context.Now, CallEnded);
            return ActionOutcome.Next;
        }
        await active.Finish(context.Vm, context.Now, reason);
        return ActionOutcome.Next;
    }
}
