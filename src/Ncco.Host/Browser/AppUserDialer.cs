using Ncco.Legs;
using Ncco.Model.Endpoints;

namespace Ncco.Host.Browser;

/// <summary>
/// Routes <c>app</c> endpoints (<c>{"type":"app","user":"alice"}</c>) to the user's browser phone and every other
/// endpoint to the dialer it wraps (WebSocket legs, unroutable types).
/// </summary>
internal sealed class AppUserDialer(ILegDialer? inner, BrowserPhone phone, string applicationId) : ILegDialer
{
    public ILegTransport CreateTransport(OutboundLegRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Endpoint is AppEndpoint app ? phone.CreateOutboundLeg(applicationId, app) : (inner ?? Calls.UnroutableDialer.Instance).CreateTransport(request);
    }
}
