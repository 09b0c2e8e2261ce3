using Ncco.Host.Calls;

namespace Ncco.Host.Cluster;

/// <summary>
/// Which node runs each live leg, for hosts that share a store (cluster mode; <c>Ncco.Host.Postgres</c> implements
/// it). Not registered for a single node: every leg is then this node's.
/// </summary>
public interface ILegOwnerDirectory
{
    /// <summary>This node's id.</summary>
    string ThisNode { get; }

    /// <summary>
    /// The node that owns leg <paramref name="uuid"/>, alive or dead, or null when the leg is unknown or the store is not
    /// shared (then the leg is handled here).
    /// </summary>
    Task<LegOwner?> OwnerOfAsync(string uuid, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="ended"/> (the final record of a leg whose owner <paramref name="deadOwner"/> is dead) and
    /// <paramref name="history"/> if the leg is still unfinished and still owned by that node; true when this call
    /// ended it. Exactly one node wins when several try at once, so the leg's final event is sent once.
    /// </summary>
    Task<bool> EndLostLegAsync(CallRecord ended, string deadOwner, CallEventRecord? history, CancellationToken cancellationToken);
}
