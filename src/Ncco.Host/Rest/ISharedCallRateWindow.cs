namespace Ncco.Host.Rest;

/// <summary>
/// The outbound call rate window shared by every node of a cluster (<c>Ncco.Host.Postgres</c> implements it), so the
/// account's limit holds across nodes rather than per node. Not registered for a single node.
/// </summary>
public interface ISharedCallRateWindow
{
    /// <summary>False when the store is not shared (one node): the node's own window applies.</summary>
    bool IsShared { get; }

    /// <summary>
    /// Counts one call start if fewer than <paramref name="limit"/> started in the last <paramref name="window"/> on
    /// every node together and returns null; otherwise counts nothing and returns how long until a slot frees up.
    /// </summary>
    ValueTask<TimeSpan?> TryAcquireAsync(int limit, TimeSpan window, CancellationToken cancellationToken);
}
