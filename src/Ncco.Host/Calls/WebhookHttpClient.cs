using System.Net.Sockets;

namespace Ncco.Host.Calls;

/// <summary>
/// The one HTTP client every webhook goes through. Each request carries its own TCP connect deadline (the
/// application's <c>connect_timeout</c>), applied by the handler's connect callback; the response deadline
/// (<c>socket_timeout</c>) is the VM's per-attempt timeout.
/// </summary>
public sealed class WebhookHttpClient : IDisposable
{
    /// <summary>The request option carrying the connect deadline.</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> ConnectTimeoutKey = new("ncco.connect_timeout");

    private readonly TimeSpan _defaultConnectTimeout;
    private readonly WebhookAddressPolicy? _policy;

    /// <summary>Creates the client; <paramref name="defaultConnectTimeout"/> applies when a request names none.</summary>
    /// <param name="defaultConnectTimeout">TCP connect deadline of requests that name none.</param>
    /// <param name="maxResponseBytes">Largest response body read (<c>Ncco:Webhooks:MaxResponseBytes</c>).</param>
    /// <param name="policy">Which addresses webhooks may reach (<c>Ncco:Webhooks:AllowedNetworks</c>); null allows any.</param>
    public WebhookHttpClient(TimeSpan defaultConnectTimeout, long maxResponseBytes = Ncco.Webhooks.HttpWebhookTransport.DefaultMaxResponseBytes, WebhookAddressPolicy? policy = null)
    {
        _policy = policy;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxResponseBytes);
        _defaultConnectTimeout = defaultConnectTimeout;
        MaxResponseBytes = maxResponseBytes;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        Client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        Client.DefaultRequestHeaders.UserAgent.ParseAdd("Ncco/1.0");
    }

    /// <summary>The client.</summary>
    public HttpClient Client { get; }

    /// <summary>Largest response body read, in bytes.</summary>
    public long MaxResponseBytes { get; }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var timeout = context.InitialRequestMessage.Options.TryGetValue(ConnectTimeoutKey, out var t) ? t : _defaultConnectTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        if (_policy is not null)
        {
            try
            {
                return new NetworkStream(await _policy.ConnectAsync(context.DnsEndPoint, context.InitialRequestMessage.RequestUri, deadline.Token), ownsSocket: true);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new HttpRequestException($"Could not connect to {context.DnsEndPoint} within {timeout.TotalMilliseconds:0} ms (connect_timeout).");
            }
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, deadline.Token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new HttpRequestException($"Could not connect to {context.DnsEndPoint} within {timeout.TotalMilliseconds:0} ms (connect_timeout).");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => Client.Dispose();
}
