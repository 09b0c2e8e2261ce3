namespace Ncco.Host.Postgres.Cluster;

/// <summary>
/// This node's place in a cluster (<c>Ncco:Cluster</c>), used when <c>Ncco:Store:Provider=Postgres</c>.
/// </summary>
public sealed class ClusterOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ncco:Cluster";

    /// <summary>
    /// The node's id, stable across restarts (each start is a new incarnation of it): 1–64 letters, digits, <c>.</c>,
    /// <c>_</c> or <c>-</c>. Default: the machine name — set it when several nodes run on one machine, since two live
    /// processes with one id make the older one stop taking calls.
    /// </summary>
    public string? NodeId { get; set; }

    /// <summary>
    /// Where the other nodes reach this one (an absolute http or https URL on the cluster's private network). Default:
    /// the host's public URL (<c>Ncco:PublicUrl</c>).
    /// </summary>
    public string? InternalUrl { get; set; }

    /// <summary>
    /// Where the SIP front reaches this node (<c>sip:host:port</c>, as in the front's dispatcher list): published in
    /// <c>cluster_nodes</c> so another node can redirect a caller here before answer. Default: <c>sip:</c> and
    /// <c>Ncco:Sip:Listen</c> when that names one address and a port; none (no call is redirected here) when it listens
    /// on every address or on port 0.
    /// </summary>
    public string? SipUri { get; set; }

    /// <summary>
    /// Redirect an inbound call, before answering it, to the node hosting the conversation its answer NCCO joins (a SIP
    /// <c>302</c> the front follows), rather than answering it here and bridging it after answer. Default true.
    /// </summary>
    public bool RedirectBeforeAnswer { get; set; } = true;

    /// <summary>
    /// How long a redirected call's hand-off waits for the node it was sent to (default 30 s; 1 s to 10 min). Should no
    /// node take it by then, the node that redirected the call ends it as <c>failed</c>.
    /// </summary>
    public TimeSpan HandoffLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the node writes its heartbeat (default 2 s; at least 50 ms).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long without a heartbeat before the others consider the node dead (default 10 s; at least twice
    /// <see cref="HeartbeatInterval"/>, so one late heartbeat never kills a node).
    /// </summary>
    public TimeSpan DeadAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a node cut from the database waits, counted from the start of its last heartbeat that got through,
    /// before it ends its own calls: <see cref="DeadAfter"/> less one <see cref="HeartbeatInterval"/>. The others judge
    /// the node on its last heartbeat's database time, which is never earlier than that start, and sweep its legs no
    /// sooner than <see cref="DeadAfter"/> after it; ending them one interval earlier leaves the node the time to send
    /// its BYEs before the store calls the calls over.
    /// </summary>
    public TimeSpan FenceAfter => DeadAfter - HeartbeatInterval;

    /// <summary>
    /// The SIP address this node publishes: <see cref="SipUri"/>, else <c>sip:</c> and <paramref name="sipListen"/> when it
    /// is one address and a port other than 0, else null.
    /// </summary>
    public string? EffectiveSipUri(string? sipListen)
    {
        if (!string.IsNullOrWhiteSpace(SipUri)) return SipUri;
        if (string.IsNullOrWhiteSpace(sipListen) || !System.Net.IPEndPoint.TryParse(sipListen, out var listen)) return null;
        if (listen.Port == 0 || listen.Address.Equals(System.Net.IPAddress.Any) || listen.Address.Equals(System.Net.IPAddress.IPv6Any)) return null;
        return "sip:" + listen;
    }

    /// <summary>The effective node id.</summary>
    public string EffectiveNodeId => string.IsNullOrWhiteSpace(NodeId) ? Environment.MachineName : NodeId;
}
