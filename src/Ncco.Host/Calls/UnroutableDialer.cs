using Ncco.Legs;

namespace Ncco.Host.Calls;

/// <summary>
/// The dialer of last resort: every endpoint it is asked for fails at once with <c>failed</c> / <c>cannot_route</c>
/// (SIP 404), as the platform reports a destination it cannot reach. A call never hangs on an endpoint type this host
/// cannot place; the media dialer routes the types it supports and hands the rest here.
/// </summary>
public sealed class UnroutableDialer : ILegDialer
{
    /// <summary>Shared instance (stateless).</summary>
    public static UnroutableDialer Instance { get; } = new();

    /// <inheritdoc />
    public ILegTransport CreateTransport(OutboundLegRequest request) => new Legs.UnroutableLeg();
}
