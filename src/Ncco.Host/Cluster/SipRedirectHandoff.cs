using System.Security.Cryptography;
using Ncco.Calls;
using Ncco.Host.Calls;
using Ncco.Host.Legs.Sip;
using Ncco.Model.Actions;

namespace Ncco.Host.Cluster;

/// <summary>
/// A cluster's redirect before answer: an inbound SIP call whose answer NCCO's first <c>conversation</c> action names a
/// conversation another live node hosts is sent there with a <c>302</c> (through the SIP front, which follows it), so
/// its media runs on the host and needs no conversation bridge. The call's uuid, the conversation uuid it reported and
/// its answer NCCO travel in a hand-off record the host takes once (<see cref="IInboundHandoffDirectory"/>); the journal
/// is flushed first, so this node's last write of the call's row lands before the host's. A hand-off no node takes
/// within its lifetime ends the call here (<see cref="UntakenHandoffCloser"/>).
/// </summary>
internal sealed class SipRedirectHandoff(string applicationId, IInboundHandoffDirectory directory, CallJournal journal, UntakenHandoffCloser closer, ILogger logger)
    : IInboundHandoff
{

    // Bounds what a slow database adds to the caller's wait before answer: past it the call is answered here and bridged.
    private static readonly TimeSpan PlanBudget = TimeSpan.FromSeconds(2);

    public async Task<InboundHandoffPlan?> PlanAsync(InboundHandoffRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Transport is not SipLeg sip || !sip.CanRedirect) return null;
        if (request.Ncco.Actions.OfType<ConversationAction>().FirstOrDefault() is not { } conversation) return null;
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(PlanBudget);
        try
        {
            if (await directory.HostElsewhereAsync(applicationId, conversation.ConversationName, budget.Token).ConfigureAwait(false) is not { } host) return null;
            var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var document = InboundHandoffDocument.Of(request.Call, request.Ncco);
            await directory.PutAsync(new InboundHandoffRecord(token, applicationId, request.LegId, request.ConversationId, directory.ThisNode, host.NodeId, document.ToJson()),
                directory.HandoffLifetime, budget.Token).ConfigureAwait(false);
            await journal.FlushAsync(budget.Token).ConfigureAwait(false);
            var contact = InboundHandoffDocument.Contact(host.SipUri, token);
            return new InboundHandoffPlan(() =>
            {
                if (!sip.Redirect(contact)) return false;
                logger.CallRedirected(request.LegId, host.NodeId, host.SipUri, conversation.ConversationName);
                closer.Watch(token, applicationId, request.LegId, directory.HandoffLifetime);
                return true;
            });
        }
        catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            logger.RedirectNotPlanned(request.LegId, e.Message);
            return null;
        }
    }
}
