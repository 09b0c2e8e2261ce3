using Ncco.Legs;
using Ncco.Model.Endpoints;

namespace Ncco.Host.Legs.Sip;

/// <summary>
/// The SIP gateway's leg transport (<see cref="SipExtensions.AddNccoSip"/>): <c>sip</c> endpoints, and <c>phone</c>
/// endpoints when <c>Ncco:Sip:Trunks</c> lists trunks, become <see cref="SipLeg"/>s dialled by the
/// <see cref="SipGateway"/>.
/// </summary>
/// <remarks>The gateway is resolved per leg: it places inbound calls through <see cref="Calls.VmDirectory"/>, which builds VMs with this transport.</remarks>
internal sealed class SipLegTransport(IServiceProvider services) : ILegTransportFactory
{
    public ILegTransport CreateTransport(OutboundLegRequest request, LegTransportContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var gateway = services.GetRequiredService<SipGateway>();
        ILegTransport leg = request.Endpoint switch
        {
            SipEndpoint sip => gateway.CreateOutboundLeg(sip, request.From),
            // Registered for phone only when trunks are configured; a gateway that has not started has none yet.
            PhoneEndpoint phone when gateway.HasTrunks => gateway.CreatePhoneLeg(phone, request.From, context.Application.ApplicationId, request.Origin),
            _ => new UnroutableLeg(),
        };
        if (leg is SipLeg sipLeg) sipLeg.TraceParent = request.TraceContext;
        return leg;
    }
}
