using System.Net.WebSockets;
using Ncco.Conversations;
using Ncco.Host.MediaPlane;
using Ncco.Legs;

namespace Ncco.Host.Cluster;

/// <summary>
/// Where one application's named conversations live in a cluster: the node the <see cref="IConversationHostDirectory"/>
/// names (this one when nobody held the name, or its holder is dead). A conversation hosted elsewhere is joined through
/// a <see cref="ConversationBridgeSocket"/> to the host's bridge endpoint (<see cref="ConversationBridgeEndpoints"/>),
/// signed as the internal REST hop is (<see cref="ClusterHop"/>).
/// </summary>
internal sealed class ClusterConversationPlacement(string applicationId, IConversationHostDirectory directory, ClusterHop hop, MediaThread mediaThread,
    ILogger logger) : IConversationPlacement
{
    public async Task<ConversationPlace> PlaceAsync(ConversationPlaceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var host = await directory.ClaimAsync(applicationId, request.Name, request.ProposedConversationId, cancellationToken).ConfigureAwait(false);
        if (host.IsThisNode || host.InternalUrl is not { } internalUrl) return new ConversationPlace(host.ConversationId);
        var bridge = ConversationBridgeRequest.For(request.Name, host.ConversationId, request.LegId, request.Action);
        return new ConversationPlace(host.ConversationId,
            bridgeLegId => new ConversationBridgeSocket(bridgeLegId, mediaThread, logger, token => ConnectAsync(internalUrl, bridge, token)));
    }

    public void Ended(string name, string conversationId) => _ = ReleaseAsync(name, conversationId);

    /// <summary>
    /// Twice the time a dead host's claim takes to be taken over, and 10 s more: the claim is free at most
    /// <see cref="IConversationHostDirectory.TakeOverAfter"/> after the host's death (noticed at once when its process
    /// dies, since the kernel closes its connections), and a loaded node gets time to claim and open the new bridge.
    /// </summary>
    public TimeSpan RejoinWindow => (2 * directory.TakeOverAfter) + TimeSpan.FromSeconds(10);

    private async Task ReleaseAsync(string name, string conversationId)
    {
        try
        {
            await directory.ReleaseAsync(applicationId, name, conversationId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The claim stays until this node dies or restarts; the next claimant then takes it over.
            logger.ConversationReleaseFailed(e, name, conversationId);
        }
    }

    private async Task<WebSocket> ConnectAsync(Uri internalUrl, ConversationBridgeRequest request, CancellationToken cancellationToken)
    {
        var http = new Uri(new Uri(internalUrl.AbsoluteUri.TrimEnd('/') + "/"), ConversationBridgeRequest.Path.TrimStart('/') + "?" + ConversationBridgeRequest.QueryName + "=" + request.Encode());
        var target = new UriBuilder(http) { Scheme = http.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" }.Uri;
        var socket = new ClientWebSocket();
        socket.Options.Proxy = null;
        // A host that vanishes without closing the connection (power lost, cable cut) is noticed by the unanswered
        // pings, and the leg re-joins the conversation where it lives then.
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(5);
        socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(10);
        foreach (var (name, value) in hop.Headers("GET", target.PathAndQuery, applicationId, [])) socket.Options.SetRequestHeader(name, value);
        socket.Options.SetRequestHeader(ClusterHop.FromHeader, directory.ThisNode);
        try
        {
            await socket.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
