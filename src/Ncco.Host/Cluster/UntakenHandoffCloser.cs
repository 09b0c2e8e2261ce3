using Ncco.Events;
using Ncco.Host.Applications;
using Ncco.Host.Calls;

namespace Ncco.Host.Cluster;

/// <summary>
/// Ends a call this node redirected before answer when no node took its hand-off (the host and every node the front
/// tried after it were dead, or the caller left while no node held the call): once the hand-off's lifetime has passed,
/// this node takes the record back itself (<see cref="IInboundHandoffDirectory.ReclaimAsync"/>, so a late taker finds
/// nothing) and ends the call as Vonage reports an inbound call that could not be connected: <c>failed</c>,
/// <c>detail: internal_error</c>, no start time or duration. The store's update is conditional
/// (<see cref="ILegOwnerDirectory.EndLostLegAsync"/>), so the final event is sent once.
/// </summary>
public sealed class UntakenHandoffCloser(IServiceProvider services, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<UntakenHandoffCloser> logger)
{
    // The receiving node takes a hand-off before it expires; a moment more covers the database and this node's clocks.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Watches hand-off <paramref name="token"/> of call <paramref name="legId"/> (application <paramref name="applicationId"/>),
    /// stored for <paramref name="validity"/>: ends the call if the hand-off is still there once it expired.
    /// </summary>
    public void Watch(string token, string applicationId, string legId, TimeSpan validity)
    {
        var stopping = lifetime.ApplicationStopping;
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(validity + Margin, time, stopping).ConfigureAwait(false);
                await CloseIfUntakenAsync(token, applicationId, legId, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // The node stops: its unfinished legs are left to crash recovery or the cluster's sweep.
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.UntakenHandoffNotClosed(e, legId);
            }
        }, CancellationToken.None);
    }

    /// <summary>Ends call <paramref name="legId"/> if its hand-off <paramref name="token"/> was never taken; true when this did.</summary>
    public async Task<bool> CloseIfUntakenAsync(string token, string applicationId, string legId, CancellationToken cancellationToken)
    {
        var handoffs = services.GetRequiredService<IInboundHandoffDirectory>();
        if (await handoffs.ReclaimAsync(token, cancellationToken).ConfigureAwait(false) is null) return false;
        if (services.GetService<ILegOwnerDirectory>() is not { } owners) return false;
        if (await services.GetRequiredService<ICallRepository>().FindAsync(legId, cancellationToken).ConfigureAwait(false) is not { } call || call.IsEnded) return false;
        var application = await services.GetRequiredService<IApplicationRepository>().FindAsync(applicationId, cancellationToken).ConfigureAwait(false);
        var end = time.GetUtcNow();
        var record = call with { Status = CallStatus.Failed, EndTime = end };
        var payload = new CallStatusEvent
        {
            From = call.From?.Value,
            To = call.To.Value,
            Uuid = call.Uuid,
            ConversationUuid = call.ConversationUuid,
            Status = CallStatus.Failed,
            Direction = call.Direction,
            Detail = "internal_error",
            Timestamp = PayloadJson.Timestamp(end),
        };
        var announced = application?.Voice?.EventUrl is not null;
        // With an event webhook the history gets the payload once it is sent (the VM's observer), as for a lost leg.
        var history = announced ? null : new CallEventRecord(call.Uuid, end, record.Status, null);
        if (!await owners.EndLostLegAsync(record, handoffs.ThisNode, history, cancellationToken).ConfigureAwait(false)) return false;
        logger.UntakenHandoffClosed(call.Uuid, call.Status);
        if (announced) await LostLeg.AnnounceAsync(services.GetRequiredService<VmDirectory>().VmFor(application!), payload).ConfigureAwait(false);
        return true;
    }
}
