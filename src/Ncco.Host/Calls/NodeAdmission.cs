namespace Ncco.Host.Calls;

/// <summary>
/// Whether this node may start new calls for a reason other than draining: in cluster mode the membership service
/// suspends admission while the node cannot reach the shared database (it could no longer record calls, and the other
/// nodes are about to consider it dead), and resumes it once a heartbeat gets through. While suspended, SIP INVITEs
/// get 503, <c>POST /v1/calls</c> and the browser phone are refused, and <c>/health/ready</c> is unhealthy, so the SIP
/// and HTTP fronts send new calls elsewhere. Calls in progress carry on. A single SQLite node never suspends.
/// </summary>
public sealed class NodeAdmission
{
    private volatile string? _suspendedBecause;

    /// <summary>True unless <see cref="Suspend"/> was called since the last <see cref="Resume"/>.</summary>
    public bool TakesNewCalls => _suspendedBecause is null;

    /// <summary>Why new calls are refused, or null.</summary>
    public string? SuspendedBecause => _suspendedBecause;

    /// <summary>Refuses new calls from now on, saying <paramref name="reason"/>.</summary>
    public void Suspend(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        _suspendedBecause = reason;
    }

    /// <summary>Takes new calls again.</summary>
    public void Resume() => _suspendedBecause = null;
}
