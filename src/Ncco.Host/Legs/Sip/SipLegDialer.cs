using Ncco.Legs;
using Ncco.Model.Endpoints;

namespace Ncco.Host.Legs.Sip;

/// <summary>
/// Routes <c>sip</c> endpoints, and <c>phone</c> endpoints when trunks are configured, to the SIP gateway for the
/// application <paramref name="applicationId"/>; every other endpoint to the dialer it wraps.
/// </summary>
internal sealed class SipLegDialer(ILegDialer? inner, SipGateway gateway, string applicationId) : ILegDialer
{
    public ILegTransport CreateTransport(OutboundLegRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Endpoint switch
        {
            SipEndpoint sip => gateway.CreateOutboundLeg(sip, request.From),
            PhoneEndpoint phone when gateway.HasTrunks => gateway.CreatePhoneLeg(phone, request.From, applicationId),
            _ => (inner ?? Calls.UnroutableDialer.Instance).CreateTransport(request),
        };
    }
}
