using Ncco.Legs;

namespace Ncco.Host.Legs;

/// <summary>
/// A leg transport of the host (WebSocket, SIP, browser phone, or one of yours): creates the <see cref="ILegTransport"/>
/// of each outbound leg whose endpoint type it is registered for with
/// <see cref="LegTransportServiceCollectionExtensions.AddNccoLegTransport{TTransport}(IServiceCollection, string)"/>.
/// One instance serves every application's VM; the <see cref="LegTransportContext"/> says which one a leg is for.
/// </summary>
/// <remarks>
/// Called on the VM's logical thread when a <c>connect</c> or a REST call needs a leg: create the transport, do not
/// dial (the VM calls <see cref="ILegTransport.Dial"/>), and do not block. A transport that cannot place a particular
/// endpoint returns a leg that reports <see cref="ILegEventSink.Failed"/> from <see cref="ILegTransport.Dial"/>; an
/// exception is logged and the leg fails with <c>internal_error</c>.
/// </remarks>
public interface ILegTransportFactory
{
    /// <summary>Creates (but does not dial) the transport of the leg <paramref name="request"/> describes.</summary>
    ILegTransport CreateTransport(OutboundLegRequest request, LegTransportContext context);
}
