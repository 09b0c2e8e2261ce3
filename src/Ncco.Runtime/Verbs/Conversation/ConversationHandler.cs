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
        var rejoined = false;
        if (vm.Options.ConversationPlacement is { } placement)
        {
            var placed = await PlaceAsync(context, action, placement, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            if (placed.Conversation is null) return ActionOutcome.Next;
            conversation = placed.Conversation;
            rejoined = placed.Rejoined;
        }
        else
        {
            conversation = vm.NamedConversation(action.ConversationName);
        }
        var limit = vm.Options.MaxConversationParticipants;
        if (conversation.Participants.Count() >= limit)
        {
            context.Log($"conversation {action.ConversationName} is full ({limit} participants)", Calls.VmActivity.Error);
            return ActionOutcome.Next;
        }
        vm.MoveToConversation(leg, conversation);
        leg.InMix = true;
        leg.CanHear = action.CanHear?.ToList();
        leg.CanSpeak = action.CanSpeak?.ToList();
        // A leg re-joining after its bridge was lost keeps the mute it had (REST may have changed it since it joined).
        if (!rejoined) leg.Muted = action.Mute;
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
        // Also when the leg ended (the usual way out of a conversation): the interpreter sees the token and reports the
        // action cancelled, without an exception per call.
        return ActionOutcome.Next;
    }

    /// <summary>
    /// Asks the VM's placement where the conversation lives: the conversation to join in this VM, or (null) the leg's
    /// part of it is over — it could not be placed, or it was held elsewhere and the bridge there ended. A bridge that was
    /// lost (or could not be opened) makes the leg ask again every <see cref="IConversationPlacement.RejoinRetry"/>, for
    /// up to <see cref="IConversationPlacement.RejoinWindow"/> since the last bridge that opened; meanwhile it stays in
    /// its part of the conversation, hearing nothing. <c>Rejoined</c>: the leg was bridged before (it keeps its mute).
    /// </summary>
    private static async Task<(Conversation? Conversation, bool Rejoined)> PlaceAsync(ActionContext context, ConversationAction action, IConversationPlacement placement,
        CancellationToken cancellationToken)
    {
        var leg = context.Leg;
        var vm = context.Vm;
        string? rejoining = null;
        DateTimeOffset? giveUpAt = null;
        var bridged = false;
        while (true)
        {
            var proposed = rejoining
                ?? (vm.FindNamedConversation(action.ConversationName) is { IsEnded: false } held ? held.Id : "CON-" + vm.Ids.NewId(Scheduling.IdKind.Conversation));
            ConversationPlace? place = null;
            try
            {
                place = await placement.PlaceAsync(new ConversationPlaceRequest(action.ConversationName, proposed, leg.Id, action), cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                context.Log($"conversation {action.ConversationName} could not be placed: {e.Message}", Calls.VmActivity.Error);
                if (rejoining is null) return (null, false);
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (place is { OpenBridge: null })
            {
                var conversation = vm.NamedConversation(action.ConversationName, place.ConversationId);
                // The part this leg waited in under another uuid is over once nobody is left in it.
                if (leg.Conversation is { Name: null, IsEnded: false } part && part != conversation && part.Members.All(m => m == leg || m.IsEnded))
                {
                    vm.MoveToConversation(leg, conversation);
                    part.End();
                }
                return (conversation, bridged);
            }
            if (place is { OpenBridge: { } open })
            {
                var end = await BridgeAsync(context, action, place.ConversationId, open, keepMute: bridged, cancellationToken);
                bridged = true;
                if (end is not { IsLost: true } lost) return (null, true);
                rejoining = place.ConversationId;
                if (lost.WasOpened || giveUpAt is null) giveUpAt = vm.Scheduler.UtcNow + placement.RejoinWindow;
                context.Log($"the bridge of conversation {action.ConversationName} ({place.ConversationId}) was lost; asking where it lives again", Calls.VmActivity.Conversation);
            }
            giveUpAt ??= vm.Scheduler.UtcNow + placement.RejoinWindow;
            if (vm.Scheduler.UtcNow + placement.RejoinRetry > giveUpAt)
            {
                context.Log($"conversation {action.ConversationName} could not be re-joined within {placement.RejoinWindow}", Calls.VmActivity.Error);
                return (null, bridged);
            }
            await context.Scheduler.Delay(placement.RejoinRetry, cancellationToken);
        }
    }

    /// <summary>
    /// The conversation lives in another runtime: the leg joins this VM's part of it (the host's uuid) paired with one
    /// bridge leg to the host, which applies the member options to the leg's stand-in; <c>mute</c> stays here, on the
    /// leg, so that unmuting it (REST) is heard across (<paramref name="keepMute"/>: a leg re-joining keeps the mute it
    /// has). Leaving tears the bridge down. Returns the bridge's transport when the bridge went first (its
    /// <see cref="IConversationBridgeTransport.IsLost"/> says whether the leg should re-join), null when the leg left or
    /// its part ended.
    /// </summary>
    private static async Task<IConversationBridgeTransport?> BridgeAsync(ActionContext context, ConversationAction action, string conversationId,
        Func<string, ILegTransport> open, bool keepMute, CancellationToken cancellationToken)
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
        if (!keepMute) leg.Muted = action.Mute;
        context.Log($"joined conversation {action.ConversationName} ({conversationId}), held elsewhere, through bridge {bridge.Id}", Calls.VmActivity.Conversation);

        var left = new TaskCompletionSource();
        using var reg = cancellationToken.Register(() => left.TrySetResult());
        Task first;
        try
        {
            first = await Task.WhenAny(left.Task, bridgeGone.Task, part.EndedTask);
        }
        finally
        {
            if (!leg.IsEnded) vm.LeaveMix(leg);
            leg.CanHear = null;
            leg.CanSpeak = null;
            vm.EndLeg(bridge, Events.DisconnectedBy.Platform);
        }
        return first == bridgeGone.Task && !leg.IsEnded && !cancellationToken.IsCancellationRequested ? bridge.Transport as IConversationBridgeTransport : null;
    }
}
