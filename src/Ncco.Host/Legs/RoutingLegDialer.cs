using Ncco.Legs;

namespace Ncco.Host.Legs;

/// <summary>
/// One VM's dialer (from <see cref="LegTransportMap.CreateDialer"/>): each leg goes to the transport of its endpoint
/// type; a type without one, or a transport that throws, gives a leg that fails at once.
/// </summary>
internal sealed class RoutingLegDialer(IReadOnlyDictionary<string, ILegTransportFactory> transports, LegTransportContext context, ILogger logger) : ILegDialer
{
    public ILegTransport CreateTransport(OutboundLegRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var type = request.Endpoint.Type;
        if (!transports.TryGetValue(type, out var transport))
        {
            logger.NotRoutable(request.LegId, type);
            return new UnroutableLeg();
        }
        try
        {
            return transport.CreateTransport(request, context);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A transport's bug costs this leg, not the call that asked for it (the connect moves on or falls back).
            logger.TransportFailed(e, request.LegId, type, transport.GetType().Name);
            return new UnroutableLeg("internal_error");
        }
    }
}
