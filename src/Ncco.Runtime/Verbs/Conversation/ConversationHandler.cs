using Ncco.Interpreter;
using Ncco.Legs;
using Ncco.Model.Actions;

namespace Ncco.Handlers;

/// <summary>
/// <c>conversation</c>: joins (or creates) the named conversation, moving the leg there (transfer event), and blocks
/// until the leg leaves or the conversation ends. <c>startOnEnter:false</c> legs hear <c>musicOnHoldUrl</c> until a
/// <c>startOnEnter:true</c> leg joins; <c>endOnExit</c> ends the conversation for everyone when this leg leaves;
/// <c>record</c> records the conversation from its start to its end; <c>canHear</c>/<c>canSpeak</c>/<c>mute</c> shape the mix.
/// </summary>
public sealed class ConversationHandler : IActionHandler
{
    /// <inheritdoc />
    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var action = (ConversationAction)context.Action;
        var leg = context.Leg;
        var vm = context.Vm;
        var conversation = vm.NamedConversation(action.ConversationName);
        if (conversation.Participants.Count() >= ConversationAction.MaxParticipants)
        {
            context.Log($"conversation {action.ConversationName} is full ({ConversationAction.MaxParticipants} participants)", Calls.VmActivity.Error);
            return ActionOutcome.Next;
        }
        vm.MoveToConversation(leg, conversation);
        leg.InMix = true;
        leg.CanHear = action.CanHear?.ToList();
        leg.CanSpeak = action.CanSpeak?.ToList();
        leg.Muted = action.Mute;
        leg.EndOnExit = action.EndOnExit;
        context.Log($"joined conversation {conversation}", Calls.VmActivity.Conversation);
        if (action.Record)
        {
            conversation.RecordRequested = true;
            conversation.RecordTarget ??= context.Target(action.EventUrl, action.EventMethod);
        }
        if (action.StartOnEnter) conversation.Begin();
        else if (!conversation.Started && action.MusicOnHoldUrl is { } moh)
        {
            var playback = leg.NewPlayback(PlaybackKind.MusicOnHold) with { Url = moh, Loop = 0 };
            leg.StartPlayback(playback);
            conversation.MusicOnHold[leg.Id] = playback.Id;
        }
        conversation.StartRecordingIfRequested();

        var left = new TaskCompletionSource();
        using var reg = cancellationToken.Register(() => left.TrySetResult());
        try
        {
            await Task.WhenAny(left.Task, conversation.EndedTask);
        }
        finally
        {
            if (conversation.MusicOnHold.Remove(leg.Id, out var mohId)) leg.StopPlayback(mohId);
            if (!leg.IsEnded) vm.LeaveMix(leg);
            leg.EndOnExit = false;
        }
        cancellationToken.ThrowIfCancellationRequested();
        return ActionOutcome.Next;
    }
}
