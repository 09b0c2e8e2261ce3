using Microsoft.AspNetCore.Http.Features;

namespace Ncco.Host.Http;

/// <summary>
/// ASP.NET Core's WebSocket middleware, once per application and only on requests that ask for an upgrade: the demo bot,
/// the browser phone and the cluster's conversation bridge all accept WebSockets.
/// </summary>
/// <remarks>
/// <c>UseWebSockets()</c> builds a handshake object and adds a request feature on every HTTP/1.1 request, upgrade or
/// not; on <c>GET /v1/calls/{uuid}</c> that was about 60 of the ≈ 1,400 bytes a request allocated. A request that can
/// be a WebSocket request is one the server marks upgradable (HTTP/1.1 <c>Connection: Upgrade</c>) or an HTTP/2
/// extended <c>CONNECT</c> — exactly what the middleware's own check starts from — so every other request's
/// <c>HttpContext.WebSockets.IsWebSocketRequest</c> is false with or without the middleware.
/// </remarks>
internal static class WebSocketMiddleware
{
    private const string AddedKey = "Ncco.Host.WebSockets";

    /// <summary>Adds the middleware, unless an earlier call did.</summary>
    public static IApplicationBuilder UseNccoWebSockets(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Properties.ContainsKey(AddedKey)) return app;
        app.Properties[AddedKey] = true;
        return app.UseWhen(CanUpgrade, branch => branch.UseWebSockets());
    }

    private static bool CanUpgrade(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
        || context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true };
}
