namespace Ncco.Legs;

/// <summary>What the VM wants dialled.</summary>
/// <param name="LegId">Uuid the VM gave the new leg.</param>
/// <param name="Endpoint">Destination.</param>
/// <param name="From">Caller id presented, if any.</param>
/// <param name="MachineDetection">True when AMD was requested.</param>
public sealed record OutboundLegRequest(string LegId, Ncco.Model.Endpoints.CallEndpoint Endpoint, string? From, bool MachineDetection)
{
    /// <summary>The leg's span in the call's trace (<see cref="Diagnostics.NccoTracing"/>): the parent of what the transport
    /// sends to place it (a SIP INVITE's span); <c>default</c> when calls are not traced.</summary>
    public System.Diagnostics.ActivityContext TraceContext { get; init; }

    /// <summary>
    /// Who asked for the leg (<see cref="LegOrigin"/>); null from a caller that does not say (treated as
    /// unauthenticated by transports that care, such as a SIP trunk).
    /// </summary>
    public LegOrigin? Origin { get; init; }
}
