using Ncco.Host.Legs.WebSockets;
using Ncco.Host.MediaPlane;
using Ncco.Legs;
using Ncco.Model.Endpoints;
using Ncco.Webhooks;

namespace Ncco.Host.Legs;

/// <summary>
/// The host's <see cref="ILegDialer"/>: <c>websocket</c> endpoints become <see cref="WebSocketLeg"/>s on the shared
/// media thread; every other endpoint type becomes a leg that fails at once with <c>failed</c>/<c>cannot_route</c>
/// unless a customizer's dialer takes it first (<c>sip</c> by the SIP gateway, <c>app</c> by the browser phone). Obtain one per NccoVm from
/// <see cref="MediaServices.CreateVmWiring"/>.
/// </summary>
public sealed class HostLegDialer : ILegDialer
{
    private readonly VoiceApplication _application;
    private readonly MediaThread _mediaThread;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    internal HostLegDialer(VoiceApplication application, MediaThread mediaThread, TimeProvider time, ILogger logger)
    {
        _application = application;
        _mediaThread = mediaThread;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public ILegTransport CreateTransport(OutboundLegRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Endpoint is WebSocketEndpoint { SampleRate: not null } ws)
            return new WebSocketLeg(request.LegId, ws, _application, _mediaThread, _time, _logger);
        _logger.LogInformation("Leg {LegId}: {Type} endpoints are not routable from this host (failed/cannot_route)", request.LegId, request.Endpoint.Type);
        return new UnroutableLeg();
    }
}
