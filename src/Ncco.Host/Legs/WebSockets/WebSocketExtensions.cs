using Ncco.Host.MediaPlane;
using Ncco.Model.Endpoints;

namespace Ncco.Host.Legs.WebSockets;

/// <summary>Registers the <c>websocket</c> leg transport.</summary>
public static class WebSocketExtensions
{
    /// <summary>
    /// Makes <c>websocket</c> endpoints (<c>connect</c>, REST <c>to</c>) <see cref="WebSocketLeg"/>s: the media services
    /// (<see cref="MediaServiceCollectionExtensions.AddNccoMedia"/>) and <see cref="WebSocketLegTransport"/> for that type.
    /// </summary>
    public static WebApplicationBuilder AddNccoWebSockets(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddNccoMedia();
        builder.Services.AddNccoLegTransport<WebSocketLegTransport>(EndpointTypes.WebSocket);
        return builder;
    }
}
