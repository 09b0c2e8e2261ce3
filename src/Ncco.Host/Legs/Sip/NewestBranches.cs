namespace Ncco.Host.Legs.Sip;

/// <summary>
/// The newest INVITE this node read for each caller (Call-ID and From tag), in the order the SIP stack received them
/// (<c>IncomingCall.Arrival</c>). A proxy sends one caller's INVITE again on a new branch (same Call-ID and From tag)
/// only after giving up on the earlier branch: when both reach this node, which happens when the node stalled past the
/// proxy's <c>fr_timer</c> (the call failed over and was redirected back here, or the proxy sent a hand-off here
/// twice), the earlier one is the abandoned branch. The SIP gateway asks this after holding an INVITE it read just
/// after a stall (<see cref="ProcessStallWatch"/>): an INVITE that is no longer its caller's newest stops before the
/// application hears of it. Bounded by the node's pending and live calls: an entry goes when its newest INVITE's call
/// ends.
/// </summary>
internal sealed class NewestBranches
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _newest = new(StringComparer.Ordinal);

    /// <summary>Callers with an INVITE pending or a call running here.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _newest.Count;
        }
    }

    /// <summary>Records an INVITE of <paramref name="caller"/> that reached the node <paramref name="arrival"/>-th.</summary>
    public void Arrived(string caller, long arrival)
    {
        lock (_gate)
        {
            if (!_newest.TryGetValue(caller, out var newest) || newest < arrival) _newest[caller] = arrival;
        }
    }

    /// <summary>False when a later INVITE of <paramref name="caller"/> reached the node after the <paramref name="arrival"/>-th.</summary>
    public bool IsNewest(string caller, long arrival)
    {
        lock (_gate) return !_newest.TryGetValue(caller, out var newest) || newest <= arrival;
    }

    /// <summary>Forgets the caller once the call of its newest INVITE (the <paramref name="arrival"/>-th) ended.</summary>
    public void Ended(string caller, long arrival)
    {
        lock (_gate)
        {
            if (_newest.TryGetValue(caller, out var newest) && newest == arrival) _newest.Remove(caller);
        }
    }
}
