using Ncco.Host.Applications;
using Ncco.Host.Calls;

namespace Ncco.Host.Cluster;

/// <summary>
/// Ends a leg whose node is dead, once for the whole cluster: the final record (<see cref="LostLeg.End"/>, its end the
/// dead node's last heartbeat) is written by a conditional update (<see cref="ILegOwnerDirectory.EndLostLegAsync"/>),
/// and only the node whose update won sends the final <c>completed</c>/<c>failed</c> event to the application. Used
/// when a REST operation touches such a leg (<see cref="LegForwardingFilter"/>) and by the cluster's sweep of dead
/// nodes' legs, so the two never announce one leg twice.
/// </summary>
public sealed class LostLegCloser(VmDirectory vms, ILogger<LostLegCloser> logger)
{
    /// <summary>
    /// Ends <paramref name="call"/> (unfinished, of <paramref name="application"/>, run by the dead node
    /// <paramref name="deadNode"/>, last alive at <paramref name="lastSeen"/>); true when this node ended it. The final
    /// event is sent in the background (signed and retried like every event).
    /// </summary>
    public async Task<bool> EndAsync(ILegOwnerDirectory directory, CallRecord call, string deadNode, DateTimeOffset lastSeen, Application application,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(application);
        if (call.IsEnded || call.ApplicationId != application.Id) return false;
        var (record, payload) = LostLeg.End(call, lastSeen);
        var announced = application.Voice?.EventUrl is not null;
        // With an event webhook the history gets the payload once it is sent (the VM's observer), as for crash recovery.
        var history = announced ? null : new CallEventRecord(call.Uuid, record.EndTime!.Value, record.Status, null);
        if (!await directory.EndLostLegAsync(record, deadNode, history, cancellationToken).ConfigureAwait(false)) return false;
        logger.LostLegEnded(call.Uuid, deadNode, call.Status, record.Status);
        if (!announced) return true;
        _ = Task.Run(async () =>
        {
            try
            {
                await LostLeg.AnnounceAsync(vms.VmFor(application), payload).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LostLegEventFailed(e, call.Uuid);
            }
        }, CancellationToken.None);
        return true;
    }
}
