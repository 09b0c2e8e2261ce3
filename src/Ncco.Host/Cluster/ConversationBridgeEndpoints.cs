using System.Net.WebSockets;
using Ncco.Host.Applications;
using Ncco.Host.Calls;
using Ncco.Host.MediaPlane;
using Ncco.Model;

namespace Ncco.Host.Cluster;

/// <summary>
/// The host's end of conversation bridges (<c>GET /internal/v1/conversation-bridge</c>, a WebSocket): another node that
/// runs a leg of a conversation hosted here opens one per bridged leg, signed as the internal REST hop
/// (<see cref="ClusterHop"/>). The leg's stand-in — its uuid, its <c>conversation</c> action, no webhooks, no call
/// record — joins the conversation here for as long as the socket is open.
/// </summary>
/// <remarks>
/// Refused before the upgrade, with a status and a reason in the body, in this order: no valid hop signature (401), a
/// malformed request (400, naming the part), an unknown application (404), a conversation this node does not host under
/// that uuid (409: the directory moved it, the other node asks it again on the leg's next join), not a WebSocket (400),
/// a leg already live here (409).
/// </remarks>
internal static class ConversationBridgeEndpoints
{
    public static void MapConversationBridge(this WebApplication app)
    {
        app.UseWebSockets();
        app.MapGet(ConversationBridgeRequest.Path, AcceptAsync).ExcludeFromDescription();
    }

    private static async Task AcceptAsync(HttpContext http, ClusterHop hop, IApplicationRepository applications, VmDirectory vms,
        IConversationHostDirectory directory, MediaServices media, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("Ncco.Host.Cluster");
        var aborted = http.RequestAborted;
        var (isHop, applicationId, problem) = await hop.VerifyAsync(http.Request, aborted);
        if (!isHop || problem is not null)
        {
            await RefuseAsync(http, logger, StatusCodes.Status401Unauthorized, problem ?? "an internal hop signature is required");
            return;
        }
        var (request, bad) = ConversationBridgeRequest.Decode(http.Request.Query[ConversationBridgeRequest.QueryName]);
        if (request is null)
        {
            await RefuseAsync(http, logger, StatusCodes.Status400BadRequest, bad!);
            return;
        }
        if (!NccoDocument.TryParse(request.Ncco.GetRawText(), out var ncco, out var errors) || ncco is null)
        {
            await RefuseAsync(http, logger, StatusCodes.Status400BadRequest, "the bridge request's ncco is invalid: " + string.Join("; ", errors.Select(e => e.ToString())));
            return;
        }
        if (ncco.Actions.Count != 1 || ncco.Actions[0] is not Model.Actions.ConversationAction action || action.ConversationName != request.Name)
        {
            await RefuseAsync(http, logger, StatusCodes.Status400BadRequest, "the bridge request's ncco must be one conversation action of the conversation named");
            return;
        }
        if (await applications.FindAsync(applicationId!, aborted) is not { } application)
        {
            await RefuseAsync(http, logger, StatusCodes.Status404NotFound, $"no application {applicationId}");
            return;
        }
        var host = await directory.ClaimAsync(application.Id, request.Name, request.ConversationId, aborted);
        if (!host.IsThisNode || host.ConversationId != request.ConversationId)
        {
            await RefuseAsync(http, logger, StatusCodes.Status409Conflict, $"conversation {request.Name} is hosted by {host.NodeId} as {host.ConversationId}");
            return;
        }
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(http, logger, StatusCodes.Status400BadRequest, "a conversation bridge is a WebSocket");
            return;
        }
        var vm = vms.VmFor(application);
        var bridge = new ConversationBridgeSocket(request.LegId, media.MediaThread, logger, connect: null);
        try
        {
            await vm.RunStandInAsync(request.LegId, bridge, ncco);
        }
        catch (InvalidOperationException e)
        {
            await RefuseAsync(http, logger, StatusCodes.Status409Conflict, e.Message);
            return;
        }
        WebSocket accepted;
        try
        {
            accepted = await http.WebSockets.AcceptWebSocketAsync();
        }
        catch
        {
            // The other node went before the upgrade: its stand-in leaves the conversation.
            bridge.Abandon();
            throw;
        }
        using var socket = accepted;
        await bridge.RunAsync(socket);
    }

    private static Task RefuseAsync(HttpContext http, ILogger logger, int status, string reason)
    {
        logger.BridgeRefused(reason);
        http.Response.StatusCode = status;
        return http.Response.WriteAsync("Conversation bridge refused: " + reason + ".", http.RequestAborted);
    }
}
