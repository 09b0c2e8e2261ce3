using System.Collections.Concurrent;
using Ncco.Calls;
using Ncco.Events;
using Ncco.Host.Calls;
using Ncco.Model.Endpoints;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;

namespace Ncco.Host.Legs.Sip;

/// <summary>
/// REFERs from the peers of answered SIP legs (a phone or PBX transferring the call), carried out through the VM's
/// party transfers (<see cref="Control.CallControl.HandOverAsync"/>, <see cref="Control.CallControl.JoinOtherPartiesAsync"/>),
/// whose remarks give the mapping onto Vonage's events.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>Blind transfer</b> (Refer-To without Replaces): the target becomes a new outbound leg that takes the referring
/// leg's place. <c>tel:</c> URIs, <c>sip:</c> URIs with <c>user=phone</c>, and <c>sip:&lt;number&gt;@&lt;this host&gt;</c>
/// are numbers, dialled as <c>phone</c> endpoints through the trunks (refused with 403 when no trunk is configured);
/// other <c>sip:</c> URIs are dialled as <c>sip</c> endpoints (a registered softphone user of this host by its name).
/// The peer gets 202, NOTIFYs of <c>100 Trying</c>, <c>180 Ringing</c>, then <c>200 OK</c> or the failure
/// (<c>486</c> busy, <c>480</c> unanswered, <c>603</c> rejected, <c>408</c> no answer in 60 s, <c>487</c> the transferee
/// hung up, <c>503</c> failed), and then BYE unless it hung up first.</item>
/// <item><b>Attended transfer</b> (Refer-To with Replaces naming another answered SIP call of this host, in the same
/// application): the two other parties are joined; the peer gets 202 and <c>200 OK</c>, and both of its calls are ended.
/// A Replaces naming a dialog this host does not hold is refused by the stack (403).</item>
/// <item>Refused with 403 and the reason: a leg that is not in a two-party call, a call whose application is gone,
/// calls of two different applications, a target that is neither a number nor a SIP URI we can dial.</item>
/// </list>
/// Referred-By is logged, not passed on: the new leg presents the transferee's number as Vonage presents a
/// <c>connect</c>'s caller.
/// </remarks>
internal sealed class SipTransfers(SipGateway gateway, VmDirectory vms, ILogger logger)
{
    private readonly ConcurrentDictionary<SipCall, string> _legs = new();

    /// <summary>Takes the REFERs of an answered call until it ends.</summary>
    public void Watch(SipCall call, string legId)
    {
        if (!_legs.TryAdd(call, legId)) return;
        _ = RunAsync(call, legId);
    }

    private async Task RunAsync(SipCall call, string legId)
    {
        try
        {
            await foreach (var refer in call.Transfers.ReadAllAsync())
            {
                try
                {
                    await HandleAsync(refer, legId);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // One broken transfer costs that transfer, never the call or the next REFER.
                    Refuse(refer, legId, 500, "Transfer Failed");
                    logger.TransferEnded(legId, refer.Target, "error: " + e.Message);
                }
            }
        }
        finally
        {
            _legs.TryRemove(call, out _);
        }
    }

    private async Task HandleAsync(SipRefer refer, string legId)
    {
        if (vms.VmOfCall(legId) is not { } vm)
        {
            Refuse(refer, legId, 403, "Call Not Running");
            return;
        }
        if (refer.ReplacedCall is { } replaced)
        {
            if (!_legs.TryGetValue(replaced, out var otherId))
            {
                Refuse(refer, legId, 403, "Replaced Call Is Not Answered");
                return;
            }
            if (vms.VmOfCall(otherId) != vm)
            {
                Refuse(refer, legId, 403, "Calls Belong To Different Applications");
                return;
            }
            try
            {
                await vm.Control.JoinOtherPartiesAsync(legId, otherId, () =>
                {
                    refer.Accept();
                    refer.Report(200, "OK");
                });
                logger.TransferAccepted(legId, refer.Target, "attended");
            }
            catch (Exception e) when (e is CallStateException or CallNotFoundException)
            {
                Refuse(refer, legId, 403, e.Message);
            }
            return;
        }
        if (gateway.TransferTarget(refer.Target, out var reason) is not { } endpoint)
        {
            Refuse(refer, legId, 403, reason);
            return;
        }
        Task<string> outcome;
        try
        {
            outcome = await vm.Control.HandOverAsync(legId, endpoint, status =>
            {
                // Accepted at the latest when the first progress comes: the VM may report before this await resumes.
                refer.Accept();
                var (code, phrase) = Fragment(status);
                refer.Report(code, phrase);
            });
        }
        catch (Exception e) when (e is CallStateException or CallNotFoundException)
        {
            Refuse(refer, legId, 403, e.Message);
            return;
        }
        refer.Accept();
        logger.TransferAccepted(legId, refer.Target, "blind");
        var result = await outcome;
        logger.TransferEnded(legId, refer.Target, result);
    }

    /// <summary>The sipfrag status line for a status of the new leg.</summary>
    internal static (int Code, string Reason) Fragment(string status) => status switch
    {
        CallStatus.Ringing => (180, "Ringing"),
        CallStatus.Answered => (200, "OK"),
        CallStatus.Busy => (486, "Busy Here"),
        CallStatus.Unanswered => (480, "Temporarily Unavailable"),
        CallStatus.Rejected => (603, "Decline"),
        CallStatus.Timeout => (408, "Request Timeout"),
        CallStatus.Cancelled => (487, "Request Terminated"),
        _ => (503, "Service Unavailable"),
    };

    private void Refuse(SipRefer refer, string legId, int status, string reason)
    {
        if (refer.Reject(status, reason)) logger.TransferRefused(legId, refer.Target, status, reason);
    }
}
