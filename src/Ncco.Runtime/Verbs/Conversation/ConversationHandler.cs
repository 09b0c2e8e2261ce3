using Ncco.Conversations;
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
        Conversation conversation;
        if (vm.Options.ConversationPlacement is { } placement)
        {
            var proposed = vm.FindNamedConversation(action.ConversationName) is { IsEnded: false } held ? held.Id : "CON-" + vm.Ids.NewId(Scheduling.IdKind.Conversation);
            ConversationPlace place;
            try
            {
                place = await placement.PlaceAsync(new ConversationPlaceRequest(action.ConversationName, proposed, leg.Id, action), cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                context.Log($"conversation {action.ConversationName} could not be placed: {e.Message}", Calls.VmActivity.Error);
                return ActionOutcome.Next;
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (place.OpenBridge is { } open) return await BridgeAsync(context, action, place.ConversationId, open, cancellationToken);
            conversation = vm.NamedConversation(action.ConversationName, place.ConversationId);
        }
        else
        {
            conversation = vm.NamedConversation(action.ConversationName);
        }
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

    /// <summary>
    /// The conversation lives in another runtime: the leg joins this VM's part of it (the host's uuid) paired with one
    /// bridge leg to the host, which applies the member options to the leg's stand-in; <c>mute</c> stays here, on the
    /// leg, so that unmuting it (REST) is heard across. Leaving tears the bridge down; the bridge going (the host ended
    /// the conversation or died) ends the leg's part as the conversation's end would.
    /// </summary>
    private static async Task<ActionOutcome> BridgeAsync(ActionContext context, ConversationAction action, string conversationId, Func<string, ILegTransport> open,
        CancellationToken cancellationToken)
    {
        var leg = context.Leg;
        var vm = context.Vm;
        var part = vm.ConversationPart(conversationId);
        vm.MoveToConversation(leg, part);
        var bridge = vm.NewBridgeLeg(part, open);
        var bridgeGone = new TaskCompletionSource();
        bridge.Ended += () => bridgeGone.TrySetResult();
        bridge.CanHear = [leg.Id];
        bridge.CanSpeak = [leg.Id];
        bridge.InMix = true;
        leg.InMix = true;
        leg.CanHear = [bridge.Id];
        leg.CanSpeak = [bridge.Id];
        leg.Muted = action.Mute;
        context.Log($"joined conversation {action.ConversationName} ({conversationId}), held elsewhere, through bridge {bridge.Id}", Calls.VmActivity.Conversation);

        var left = new TaskCompletionSource();
        using var reg = cancellationToken.Register(() => left.TrySetResult());
        try
        {
            await Task.WhenAny(left.Task, bridgeGone.Task, part.EndedTask);
        }
        finally
        {
            if (!leg.IsEnded) vm.LeaveMix(leg);
            leg.CanHear = null;
            leg.CanSpeak = null;
            vm.EndLeg(bridge, Events.DisconnectedBy.Platform);
        }
        cancellationToken.ThrowIfCancellationRequested();
        return ActionOutcome.Next;
    }
}
