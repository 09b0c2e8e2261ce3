using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ncco.Sip.Messages;
using Ncco.Sip.Parsing;

namespace Ncco.Sip.Transport;

/// <summary>
/// RFC 3261 §18 over a set of transports: parses what arrives, answers unparseable requests with 400 (or 505/513) naming the
/// header when enough survived to route a reply, stamps <c>received</c>/<c>rport</c> (RFC 3581), drops responses not meant
/// for us, and sends requests and responses on the right transport.
/// </summary>
public sealed class SipTransportLayer : ISipTransportSink, IAsyncDisposable
{
    private readonly Dictionary<SipTransportKind, ISipTransport> _transports;
    private readonly SipLimits _limits;
    private ISipMessageHandler? _handler;
    private long _rejected;
    private long _handlerFailures;

    /// <summary>Creates the layer over started-later transports (at most one per kind).</summary>
    public SipTransportLayer(IEnumerable<ISipTransport> transports, SipLimits? limits = null, string? advertisedHost = null)
    {
        _transports = transports.ToDictionary(t => t.Kind);
        _limits = limits ?? SipLimits.Default;
        var first = _transports.Values.First().LocalEndPoint.Address;
        AdvertisedHost = advertisedHost ?? FormatHost(first);
    }

    /// <summary>The host written in Via and Contact (the public address when behind NAT).</summary>
    public string AdvertisedHost { get; }

    /// <summary>Messages dropped or rejected because they did not parse.</summary>
    public long RejectedCount => Interlocked.Read(ref _rejected);

    /// <summary>Messages whose handling threw: always a defect in this stack, kept at zero by the fuzz tests.</summary>
    public long HandlerFailureCount => Interlocked.Read(ref _handlerFailures);

    /// <summary>The last such failure, for diagnosis.</summary>
    public Exception? LastHandlerFailure { get; private set; }

    /// <summary>The transports by kind.</summary>
    public IReadOnlyDictionary<SipTransportKind, ISipTransport> Transports => _transports;

    /// <summary>Starts every transport, delivering to <paramref name="handler"/>.</summary>
    public void Start(ISipMessageHandler handler)
    {
        _handler = handler;
        foreach (var transport in _transports.Values)
        {
            transport.Start(this);
        }
    }

    /// <summary>The local port of a transport.</summary>
    public int PortOf(SipTransportKind kind) => _transports[kind].LocalEndPoint.Port;

    /// <summary>A Via for a request we send on <paramref name="kind"/>, asking for rport so NATed replies find us.</summary>
    public ViaHeader CreateVia(SipTransportKind kind, string branch) => new()
    {
        Transport = kind.ViaToken(),
        Host = AdvertisedHost,
        Port = PortOf(kind),
        Parameters = new SipParameters([new("branch", branch), new("rport", null)]),
    };

    /// <summary>A Contact URI for this UA on <paramref name="kind"/>.</summary>
    public SipUri CreateContact(SipTransportKind kind, string? user)
    {
        var uri = new SipUri { Scheme = kind == SipTransportKind.Tls ? "sips" : "sip", User = user, Host = AdvertisedHost, Port = PortOf(kind) };
        return kind == SipTransportKind.Tcp ? uri with { Parameters = uri.Parameters.With("transport", "tcp") } : uri;
    }

    /// <summary>
    /// Picks transport and address for a URI (RFC 3263 without NAPTR/SRV: an IP literal or an A/AAAA lookup, the explicit port or
    /// the default). sips: or ;transport=tls → TLS, ;transport=tcp → TCP, otherwise UDP.
    /// </summary>
    public async Task<SipEndPoint> ResolveAsync(SipUri uri, CancellationToken cancellation)
    {
        var kind = uri.IsSecure ? SipTransportKind.Tls : uri.Transport == "tcp" ? SipTransportKind.Tcp : SipTransportKind.Udp;
        if (!_transports.ContainsKey(kind))
        {
            throw new InvalidOperationException($"no {kind.ViaToken()} transport configured for {uri}");
        }
        var host = uri.Parameters["maddr"] ?? uri.HostWithoutBrackets;
        if (!IPAddress.TryParse(host, out var address))
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellation).ConfigureAwait(false);
            address = addresses.FirstOrDefault(a => a.AddressFamily == _transports[kind].LocalEndPoint.AddressFamily)
                ?? throw new InvalidOperationException($"host '{host}' has no address of the transport's family");
        }
        return new SipEndPoint(kind, new IPEndPoint(address, uri.Port ?? kind.DefaultPort()));
    }

    /// <summary>Sends a request (already carrying its Via) to <paramref name="target"/>.</summary>
    public void Send(SipMessage message, SipEndPoint target) => Send(message.ToBytes(), target);

    /// <summary>Sends bytes already serialized (retransmissions reuse the first serialization).</summary>
    public void Send(ReadOnlyMemory<byte> wire, SipEndPoint target)
    {
        if (_transports.TryGetValue(target.Transport, out var transport))
        {
            transport.Send(wire, target.Address);
        }
    }

    /// <inheritdoc />
    public void OnFrame(byte[] frame, SipEndPoint source)
    {
        SipMessage message;
        try
        {
            message = SipMessageParser.Parse(frame, _limits);
        }
        catch (SipParseException error)
        {
            Interlocked.Increment(ref _rejected);
            RejectUnparseable(error, source);
            return;
        }
        try
        {
            switch (message)
            {
                case SipRequest request:
                    _handler?.OnRequest(StampReceived(request, source), source);
                    break;
                case SipResponse response:
                    // §18.1.2: a response whose top Via does not name us was not meant for us.
                    var via = response.TopVia;
                    if (!string.Equals(via.Host, AdvertisedHost, StringComparison.OrdinalIgnoreCase))
                    {
                        Interlocked.Increment(ref _rejected);
                        return;
                    }
                    _handler?.OnResponse(response, source);
                    break;
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // A defect above must not stop the receive loop for every other peer; it is counted so tests see it.
            Interlocked.Increment(ref _handlerFailures);
            LastHandlerFailure = error;
        }
    }

    /// <inheritdoc />
    public void OnUnframeable(byte[] head, SipParseException error, SipEndPoint source)
    {
        ArgumentNullException.ThrowIfNull(error);
        Interlocked.Increment(ref _rejected);
        RejectUnparseable(error, source);
    }

    /// <inheritdoc />
    public void OnTransportError(SipEndPoint remote, Exception error) => _handler?.OnTransportError(remote, error);

    private void RejectUnparseable(SipParseException error, SipEndPoint source)
    {
        var partial = error.PartialRequest;
        if (partial is null || partial.Method == SipMethods.Ack)
        {
            return;
        }
        string[] single = [HeaderNames.From, HeaderNames.To, HeaderNames.CallId, HeaderNames.CSeq];
        if (partial.Header(HeaderNames.Via) is null || single.Any(n => partial.Header(n) is null))
        {
            return;
        }
        // Keep the first of each header that must be single, so the reply does not repeat the request's mistake.
        var kept = partial.Headers.Where(h => h.Is(HeaderNames.Via) || single.Any(n => h.Is(n))).GroupBy(h => h.Name)
            .SelectMany(g => g.Key == HeaderNames.Via ? g : g.Take(1));
        var response = SipResponse.For(partial with { Headers = [.. kept] }, error.StatusCode, error.ReasonPhrase);
        var wire = response.ToBytes();
        // Never emit what we would not accept ourselves: if the copied headers are themselves broken, stay silent (§8.2 allows it).
        if (SipMessageParser.TryParse(wire, out _, out _, _limits))
        {
            Send(wire, source);
        }
    }

    private static SipRequest StampReceived(SipRequest request, SipEndPoint source)
    {
        var vias = request.Headers.Select((h, i) => (h, i)).First(p => p.h.Is(HeaderNames.Via));
        var top = ViaHeader.Parse(vias.h.Value);
        var parameters = top.Parameters;
        var sourceIp = FormatHost(source.Address.Address);
        if (!string.Equals(top.Host, sourceIp, StringComparison.OrdinalIgnoreCase) || parameters.Contains("rport"))
        {
            parameters = parameters.With("received", sourceIp);
        }
        if (parameters.Contains("rport"))
        {
            parameters = parameters.With("rport", source.Address.Port.ToString(CultureInfo.InvariantCulture));
        }
        if (ReferenceEquals(parameters, top.Parameters))
        {
            return request;
        }
        return request with { Headers = request.Headers.SetItem(vias.i, new SipHeader(HeaderNames.Via, (top with { Parameters = parameters }).ToString())) };
    }

    private static string FormatHost(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var transport in _transports.Values)
        {
            await transport.DisposeAsync().ConfigureAwait(false);
        }
    }
}
