using Ncco.Legs;
using Ncco.Model.Endpoints;

namespace Ncco.Host.Legs.Sip;

/// <summary>Routes <c>sip</c> endpoints to the SIP gateway and every other endpoint to the dialer it wraps.</summary>
internal sealed class SipLegDialer(ILegDialer? inner, SipGateway gateway) : ILegDialer
{
    public ILeg CreateLeg(OutboundLegRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Endpoint is SipEndpoint sip ? gateway.CreateOutboundLeg(sip, request.From) : (inner ?? Calls.UnroutableDialer.Instance).CreateLeg(request);
    }
}
