using Ncco.Host.Legs;
using Ncco.Legs;
using Ncco.Model.Endpoints;

namespace Ncco.Host.Browser;

/// <summary>
/// The <c>app</c> transport (<see cref="BrowserPhoneExtensions.AddNccoBrowserPhone"/>): <c>{"type":"app","user":"alice"}</c>
/// rings that user's browser phone signed in to the application whose VM asks.
/// </summary>
/// <remarks>The phone is resolved per leg: it places calls through <see cref="Calls.VmDirectory"/>, which builds VMs with this transport.</remarks>
internal sealed class BrowserPhoneLegTransport(IServiceProvider services) : ILegTransportFactory
{
    public ILegTransport CreateTransport(OutboundLegRequest request, LegTransportContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        return request.Endpoint is AppEndpoint app
            ? services.GetRequiredService<BrowserPhone>().CreateOutboundLeg(context.Application.ApplicationId, app)
            : new UnroutableLeg();
    }
}
