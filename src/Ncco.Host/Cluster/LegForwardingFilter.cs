using System.Net.Sockets;
using Ncco.Host.Auth;
using Ncco.Host.Calls;
using Ncco.Host.Errors;
using Ncco.Host.Rest;

namespace Ncco.Host.Cluster;

/// <summary>
/// Sends a REST operation on a leg (<c>/v1/calls/{uuid}</c> and below) to the node that runs it, when that is another
/// node of the cluster: the leg's media and state live in that node's memory. Runs after the JWT check, so only an
/// authenticated caller is forwarded, on its application's behalf, over the signed internal hop
/// (<see cref="ClusterHop"/>); the owner answers and its answer (status, body, <c>Retry-After</c>) is returned as is.
/// </summary>
/// <remarks>
/// <para>A leg this node runs, a leg nobody runs any more, and a request that is itself a hop are handled here — a hop is
/// never forwarded twice. Without <see cref="ILegOwnerDirectory"/> (one node, SQLite) this does nothing.</para>
/// <para>A dead owner gets a fast, final answer: its unfinished leg is ended in the store as crash recovery would
/// (<see cref="LostLeg"/>, its end the node's last heartbeat; the final event goes to the application once, from
/// the node that ended it), so <c>GET</c> reads the final status and control answers 404. An owner that refuses the
/// connection (its process is gone, but its heartbeat has not expired yet) gets the same 404 for control, while
/// <c>GET</c> reads the leg's last stored state; one that does not answer within <see cref="Timeout"/> gets 503.</para>
/// </remarks>
public sealed class LegForwardingFilter(VmDirectory vms, ClusterHop hop, IHttpClientFactory clients, ICallRepository calls, LostLegCloser closer,
    ILogger<LegForwardingFilter> logger, IServiceProvider services) : IEndpointFilter
{
    /// <summary>The named <see cref="HttpClient"/> of the internal hop (tests route it in memory).</summary>
    public const string ClientName = "Ncco.ClusterHop";

    /// <summary>How long a forwarded operation may take at the owner.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    // A singleton of the store's registration: looked up once, not on every request.
    private readonly Lazy<ILegOwnerDirectory?> _directory = new(services.GetService<ILegOwnerDirectory>);

    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        // One node (no directory), a leg this node runs, and a hop pass through without a state machine of their own.
        if (_directory.Value is not { } directory || http.Request.RouteValues["uuid"] is not string raw || ClusterHopFilter.IsHop(http) || vms.VmOfCall(raw) is not null)
            return next(context);
        return ForwardAsync(context, next, directory, raw);
    }

    private async ValueTask<object?> ForwardAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, ILegOwnerDirectory directory, string raw)
    {
        var http = context.HttpContext;
        var uuid = VoiceApiQuery.Uuid(raw);
        var owner = await directory.OwnerOfAsync(uuid, http.RequestAborted);
        if (owner is null || owner.IsThisNode) return await next(context);
        var application = ApplicationJwtFilter.ApplicationOf(http);
        var isRead = HttpMethods.IsGet(http.Request.Method);
        if (!owner.IsAlive)
        {
            await EndLostAsync(directory, owner, uuid, application, http.RequestAborted);
            return isRead ? await next(context) : ErrorResults.NotFound(http, $"No call in progress with uuid {raw}: node {owner.NodeId}, which ran it, is dead.");
        }

        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, http.RequestAborted);
        var target = new Uri(new Uri(owner.InternalUrl.AbsoluteUri.TrimEnd('/') + "/"), http.Request.Path.Value!.TrimStart('/') + http.Request.QueryString);
        using var request = new HttpRequestMessage(new HttpMethod(http.Request.Method), target);
        if (body.Length > 0 || !isRead)
        {
            request.Content = new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length);
            if (http.Request.ContentType is { } contentType) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        hop.Sign(request, application.Id, body.GetBuffer().AsSpan(0, (int)body.Length));
        request.Headers.Add(ClusterHop.FromHeader, directory.ThisNode);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        timeout.CancelAfter(Timeout);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            return new ForwardedResult((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(),
                response.Headers.RetryAfter?.ToString(), await response.Content.ReadAsByteArrayAsync(timeout.Token));
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            logger.OwnerRefuses(owner.NodeId, owner.InternalUrl, uuid);
            return isRead ? await next(context) : ErrorResults.NotFound(http, $"No call in progress with uuid {raw}: node {owner.NodeId}, which ran it, does not answer.");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !http.RequestAborted.IsCancellationRequested)
        {
            logger.OwnerSilent(e, owner.NodeId, uuid);
            return ErrorResults.Unavailable(http, $"Node {owner.NodeId}, which runs call {raw}, did not answer within {Timeout.TotalSeconds:0} s; try again.");
        }
    }

    private async Task EndLostAsync(ILegOwnerDirectory directory, LegOwner owner, string uuid, Applications.Application application, CancellationToken cancellationToken)
    {
        if (await calls.FindAsync(uuid, cancellationToken) is not { IsEnded: false } call) return;
        await closer.EndAsync(directory, call, owner.NodeId, owner.LastSeen, application, cancellationToken);
    }

    /// <summary>The owner's answer, passed on as is.</summary>
    private sealed class ForwardedResult(int status, string? contentType, string? retryAfter, byte[] body) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (contentType is not null) httpContext.Response.ContentType = contentType;
            if (retryAfter is not null) httpContext.Response.Headers.RetryAfter = retryAfter;
            if (body.Length > 0) await httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}
