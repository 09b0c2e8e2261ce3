using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Ncco.Host.Postgres.Tests.Support;

/// <summary>
/// The cluster's internal network in memory: the nodes' hop clients reach each other's test servers by the host name
/// of their internal URL (<c>node-a.internal</c>). A node taken <see cref="Down"/> refuses connections, as a killed
/// process's port does.
/// </summary>
public sealed class HopRouter : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, HttpMessageInvoker> _nodes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, bool> _down = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Requests forwarded, by the node they went to.</summary>
    public ConcurrentQueue<(string Node, HttpMethod Method, string Path)> Forwarded { get; } = new();

    public void Add(string nodeId, HttpMessageHandler handler) => _nodes[nodeId + ".internal"] = new HttpMessageInvoker(handler, disposeHandler: false);

    public void Down(string nodeId) => _down[nodeId + ".internal"] = true;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var host = request.RequestUri!.Host;
        if (_down.ContainsKey(host) || !_nodes.TryGetValue(host, out var node))
        {
            throw new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused));
        }
        Forwarded.Enqueue((host[..^".internal".Length], request.Method, request.RequestUri.AbsolutePath));
        return node.SendAsync(request, cancellationToken);
    }

    // The nodes' client factories dispose their handlers; the router outlives them.
    protected override void Dispose(bool disposing)
    {
    }
}
