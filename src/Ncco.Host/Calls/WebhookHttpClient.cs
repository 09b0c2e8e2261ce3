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

    /// <summary>
    /// How long an idle connection to an application's server is kept: longer than the keep-alive timeout of the
    /// servers applications usually sit behind (Node.js and Apache 5 s, AWS load balancers 60 s, nginx 75 s,
    /// IIS 120 s, Kestrel 130 s), so that the server closes it first.
    /// </summary>
    /// <remarks>
    /// Which side closes matters under load: an idle connection .NET closes itself has a zero-byte read pending (its
    /// liveness check), and cancelling that read throws and catches an <see cref="IOException"/> inside the handler,
    /// with its stack trace, once per connection the pool sheds (≈ 0.5 per call at 500 concurrent calls with the
    /// former 30 s, whose connections opened for the call-start webhooks went idle while the calls ran). A connection
    /// the server closed completes that read with end-of-stream and is dropped without an exception.
    /// </remarks>
    public static readonly TimeSpan DefaultPooledConnectionIdleTimeout = TimeSpan.FromSeconds(150);

    private readonly TimeSpan _defaultConnectTimeout;
    private readonly WebhookAddressPolicy? _policy;

    /// <summary>Creates the client; <paramref name="defaultConnectTimeout"/> applies when a request names none.</summary>
    /// <param name="defaultConnectTimeout">TCP connect deadline of requests that name none.</param>
    /// <param name="maxResponseBytes">Largest response body read (<c>Ncco:Webhooks:MaxResponseBytes</c>).</param>
    /// <param name="policy">Which addresses webhooks may reach (<c>Ncco:Webhooks:AllowedNetworks</c>); null allows any.</param>
    public WebhookHttpClient(TimeSpan defaultConnectTimeout, long maxResponseBytes = Ncco.Webhooks.HttpWebhookTransport.DefaultMaxResponseBytes, WebhookAddressPolicy? policy = null)
        : this(defaultConnectTimeout, maxResponseBytes, policy, DefaultPooledConnectionIdleTimeout)
    {
    }

    /// <summary>As the public constructor, with the idle connection lifetime given (tests shorten it).</summary>
    internal WebhookHttpClient(TimeSpan defaultConnectTimeout, long maxResponseBytes, WebhookAddressPolicy? policy, TimeSpan pooledConnectionIdleTimeout)
    {
        _policy = policy;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxResponseBytes);
        _defaultConnectTimeout = defaultConnectTimeout;
        MaxResponseBytes = maxResponseBytes;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            PooledConnectionIdleTimeout = pooledConnectionIdleTimeout,
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
