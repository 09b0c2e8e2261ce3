using Ncco.Calls;
using Ncco.Conversations;
using Ncco.Events;
using Ncco.Legs;
using Ncco.Model.Endpoints;

namespace Ncco.Control;

/// <summary>
/// Transfers a party asks for from inside its call (a SIP phone or PBX sending REFER), mapped onto the Vonage model.
/// </summary>
/// <remarks>
/// Vonage has no party-initiated transfer, so the mapping is written down here as what a developer porting an
/// application expects — the same events a REST <c>transfer</c> plus a <c>connect</c> would give:
/// <list type="bullet">
/// <item><b>Hand-over (blind transfer).</b> The referring leg R must be answered and in a two-party call with one other
/// leg P. P moves at once to a new conversation (one <c>transfer</c> event, <c>conversation_uuid_from</c> → <c>_to</c>),
/// its NCCO stops (as a REST transfer stops it), and a new outbound leg N to the target is dialled into that conversation
/// presenting P's number (its <c>from</c> when P called in, its <c>to</c> when it was called): N raises
/// <c>started</c>, <c>ringing</c>, <c>answered</c> (to R's event URL) like a <c>connect</c> callee. When N answers, P
/// and N are one two-party call: either hanging up ends the other. When N fails (<c>busy</c>, <c>timeout</c> after 60 s,
/// <c>rejected</c>…, raised as for a <c>connect</c>), P's call ends (<c>completed</c>): P was handed over, and nobody is
/// left to take it back. R is ended (<c>completed</c>, <c>disconnected_by: user</c> — the party chose to leave) once the
/// outcome is known, unless it hung up before. N acts for R's origin: a referrer that could not itself dial out through
/// a trunk (an unauthenticated SIP peer) cannot make the host do it by REFER.</item>
/// <item><b>Join (attended transfer).</b> Two answered legs R1 and R2, each in a two-party call (with P1 and P2): P1 and P2
/// move into a new conversation together (a <c>transfer</c> event each) and form a two-party call; R1 and R2 are
/// ended (<c>completed</c>, <c>disconnected_by: user</c>).</item>
/// <item>Anything else — a leg alone, in a conference of three or more, not answered, or with a transfer already under
/// way — is refused with <see cref="CallStateException"/> naming the reason, and nothing changes.</item>
/// </list>
/// </remarks>
public sealed partial class CallControl
{
    /// <summary>How long the target of a hand-over may ring.</summary>
    public static readonly TimeSpan HandOverRingTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Hands the other party of <paramref name="uuid"/>'s two-party call over to <paramref name="target"/> (a blind
    /// transfer; see the remarks on <see cref="CallControl"/>'s transfer mapping).
    /// </summary>
    /// <param name="uuid">The referring leg.</param>
    /// <param name="target">Whom to call instead of it.</param>
    /// <param name="progress">Told on the VM thread each status of the new leg (<c>ringing</c>, then <c>answered</c> or
    /// the failure status) before the referring leg is ended, so a SIP transport can NOTIFY its peer in time.</param>
    /// <returns>Completes when the transfer is under way with a task of its outcome: <c>answered</c> or the new leg's failure status.</returns>
    /// <exception cref="CallStateException">The leg is not in a two-party call that can be handed over (the reason says why).</exception>
    public Task<Task<string>> HandOverAsync(string uuid, CallEndpoint target, Action<string>? progress = null) =>
        OnLive(uuid, "hand over to " + NccoVm.Destination(target), referrer =>
        {
            ArgumentNullException.ThrowIfNull(target);
            var party = OtherParty(referrer);
            if (_vm.Options.Dialer is null) throw new CallStateException("No dialer is configured to reach the transfer target.");
            var conversation = _vm.NewConversation(null);
            var origin = referrer.Origin is { } o
                ? o with { Kind = LegOriginKind.Call, ParentLegId = referrer.Id }
                : new LegOrigin(LegOriginKind.Call, _vm.Application.ApplicationId, false, referrer.EndpointType) { ParentLegId = referrer.Id };
            var from = party.Direction == Direction.Inbound ? party.From : party.To;
            var callee = _vm.CreateOutboundLeg(target, from, conversation, referrer.EventTarget, false, origin)
                ?? throw new CallStateException("No dialer is configured to reach the transfer target.");
            Detach(referrer, party, conversation);
            return HandOverFlowAsync(referrer, party, callee, progress);
        });

    /// <summary>
    /// Joins the other parties of two two-party calls, <paramref name="uuid"/>'s and <paramref name="otherUuid"/>'s, into
    /// one call and ends both legs (an attended transfer; see the remarks on <see cref="CallControl"/>).
    /// </summary>
    /// <param name="uuid">The referring leg.</param>
    /// <param name="otherUuid">The leg of the call it replaces.</param>
    /// <param name="beforeEnding">Called on the VM thread once the parties are joined, before the two legs are ended.</param>
    /// <exception cref="CallStateException">Either leg is not in a two-party call, or both are in the same one.</exception>
    public Task JoinOtherPartiesAsync(string uuid, string otherUuid, Action? beforeEnding = null) =>
        OnLive(uuid, "join its party with the party of " + otherUuid, first =>
        {
            var second = _vm.FindLeg(otherUuid) is { IsEnded: false } leg ? leg : throw new CallNotFoundException(otherUuid);
            var p1 = OtherParty(first);
            var p2 = OtherParty(second);
            if (p1 == second || first.Conversation == second.Conversation) throw new CallStateException($"Legs {first.Id} and {second.Id} are in the same call.");
            var conversation = _vm.NewConversation(null);
            Detach(first, p1, conversation);
            Detach(second, p2, conversation);
            Tie(p1, p2);
            beforeEnding?.Invoke();
            _vm.EndLeg(first, DisconnectedBy.User);
            _vm.EndLeg(second, DisconnectedBy.User);
            return true;
        });

    /// <summary>The one other answered leg in <paramref name="leg"/>'s conversation mix, or why there is none.</summary>
    private static CallLeg OtherParty(CallLeg leg)
    {
        RequireAnswered(leg);
        if (leg.HandedOver) throw new CallStateException($"Leg {leg.Id} is already being transferred.");
        var others = leg.Conversation.Members.Where(m => m != leg && !m.IsEnded && m.InMix).ToList();
        if (!leg.InMix || others.Count == 0) throw new CallStateException($"Leg {leg.Id} is not connected to anyone.");
        if (others.Count > 1) throw new CallStateException($"Leg {leg.Id} is in a conversation of {others.Count + 1}; only a two-party call can be transferred.");
        var party = others[0];
        if (party.AnsweredAt is null && party.Direction == Direction.Outbound) throw new CallStateException($"Leg {party.Id} is not answered yet.");
        if (party.HandedOver) throw new CallStateException($"Leg {party.Id} is already being transferred.");
        return party;
    }

    /// <summary>
    /// Takes <paramref name="party"/> from <paramref name="referrer"/>'s call into <paramref name="conversation"/>: it is
    /// moved first, so the NCCO it stops no longer holds the referrer either (a connect ends its callee only while both
    /// share the call).
    /// </summary>
    private void Detach(CallLeg referrer, CallLeg party, Conversation conversation)
    {
        referrer.HandedOver = true;
        party.HandedOver = true;
        _vm.MoveToConversation(party, conversation);
        party.StopRun();
        party.InMix = true;
    }

    /// <summary>Makes two legs one two-party call: whichever ends first ends the other.</summary>
    private void Tie(CallLeg a, CallLeg b)
    {
        a.InMix = true;
        b.InMix = true;
        a.Ended += () => _vm.EndLeg(b, DisconnectedBy.Platform);
        b.Ended += () => _vm.EndLeg(a, DisconnectedBy.Platform);
    }

    private async Task<string> HandOverFlowAsync(CallLeg referrer, CallLeg party, CallLeg callee, Action<string>? progress)
    {
        _ = callee.RaiseStatusAsync(callee.StatusEvent(CallStatus.Started));
        var rang = false;
        void OnStatus(string status, string? detail)
        {
            if (status != CallStatus.Ringing || rang) return;
            rang = true;
            progress?.Invoke(CallStatus.Ringing);
        }
        callee.DialStatus += OnStatus;
        DialResult result;
        try
        {
            result = await _vm.DialAsync(callee, HandOverRingTimeout, null, party.Lifetime);
        }
        finally
        {
            callee.DialStatus -= OnStatus;
        }
        if (result.Status == CallStatus.Answered && !party.IsEnded && !callee.IsEnded)
        {
            Tie(party, callee);
            _vm.Observer.OnActivity(_vm.Scheduler.UtcNow, party.Id, VmActivity.Conversation, $"handed over to {callee.To} ({callee.Id})");
        }
        else if (result.Status == CallStatus.Answered)
        {
            // The transferee hung up while the target answered: nobody is left to connect it to.
            _vm.EndLeg(callee, DisconnectedBy.Platform);
            result = new DialResult(CallStatus.Cancelled, null);
        }
        else
        {
            var failure = _vm.FailureEvent(callee, result);
            _vm.EndUnconnected(callee);
            _ = callee.RaiseStatusAsync(failure);
            _vm.EndLeg(party, DisconnectedBy.Platform);
        }
        progress?.Invoke(result.Status);
        _vm.EndLeg(referrer, DisconnectedBy.User);
        return result.Status;
    }
}
