using Ncco.Host.MediaPlane;
using Ncco.Legs;
using Ncco.Model.Endpoints;

namespace Ncco.Host.Legs.WebSockets;

/// <summary>
/// The <c>websocket</c> transport (<see cref="WebSocketExtensions.AddNccoWebSockets"/>): each leg is a
/// <see cref="WebSocketLeg"/> on the shared media thread, signing a <c>vonage</c> authorization with the application's
/// signature secret.
/// </summary>
public sealed class WebSocketLegTransport : ILegTransportFactory
{
    private readonly MediaServices _media;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the transport over <paramref name="media"/>'s media thread.</summary>
    public WebSocketLegTransport(MediaServices media, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(media);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        _media = media;
        _time = time;
        _logger = loggers.CreateLogger("Ncco.Host.Legs");
    }

    /// <summary>Tests: wraps each leg's socket once it opened (to make it fail as no real socket would on demand).</summary>
    internal Func<System.Net.WebSockets.WebSocket, System.Net.WebSockets.WebSocket>? OpenedSocket { get; set; }

    /// <inheritdoc />
    public ILegTransport CreateTransport(OutboundLegRequest request, LegTransportContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.Endpoint is WebSocketEndpoint { SampleRate: not null } ws)
            return new WebSocketLeg(request.LegId, ws, context.Application, _media.MediaThread, _media.WebSocketSends, _time, _logger, request.TraceContext,
                _media.WebSocketKeyTones) { OpenedSocket = OpenedSocket };
        // The NCCO reader refuses other content types; a request built in code may still carry one.
        _logger.UnsupportedContentType(request.LegId, request.Endpoint.Type);
        return new UnroutableLeg();
    }
}
