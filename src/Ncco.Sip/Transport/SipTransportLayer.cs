using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ncco.Sip.Messages;
using Ncco.Sip.Parsing;

namespace Ncco.Sip.Transport;

/// <summary>
/// RFC 3261 §18 over a set of transports: parses what arrives, answers unparseable requests with 400 (or 505/513) naming the
/// header and the reason whenever their Via, From, To, Call-ID and CSeq can be echoed (dropping and counting the rest), stamps <c>received</c>/<c>rport</c> (RFC 3581), drops responses not meant
/// for us, and sends requests and responses on the right transport.
/// </summary>
public sealed class SipTransportLayer : ISipTransportSink, IAsyncDisposable
{
    private readonly Dictionary<SipTransportKind, ISipTransport> _transports;
    private readonly SipLimits _limits;
    private readonly Diagnostics.SipDiagnostics? _diagnostics;
    private ISipMessageHandler? _handler;
    private long _rejected;
    private long _dropped;
    private long _handlerFailures;

    /// <summary>Creates the layer over started-later transports (at most one per kind).</summary>
    /// <param name="transports">The transports, at most one per kind.</param>
    /// <param name="limits">Message limits (<see cref="SipLimits.Default"/> when null).</param>
    /// <param name="advertisedHost">Host for Via and Contact; the first transport's address when null.</param>
    /// <param name="diagnostics">Where handler failures are logged and the stack's instruments read from; none when null.</param>
    public SipTransportLayer(IEnumerable<ISipTransport> transports, SipLimits? limits = null, string? advertisedHost = null,
        Diagnostics.SipDiagnostics? diagnostics = null)
    {
        _transports = transports.ToDictionary(t => t.Kind);
        _limits = limits ?? SipLimits.Default;
        _diagnostics = diagnostics;
        diagnostics?.Attach(this);
        var first = _transports.Values.First().LocalEndPoint.Address;
        AdvertisedHost = advertisedHost ?? FormatHost(first);
    }

    /// <summary>The host written in Via and Contact (the public address when behind NAT).</summary>
    public string AdvertisedHost { get; }

    /// <summary>Messages refused: unparseable ones (answered with 400/505/513, or dropped) and responses not meant for us.</summary>
    public long RejectedCount => Interlocked.Read(ref _rejected);

    /// <summary>
    /// Of <see cref="RejectedCount"/>, those dropped without an answer: responses (unparseable or not for us), ACKs, requests
    /// without a Via, From, To, Call-ID or CSeq to echo, or whose copies of them are themselves broken.
    /// </summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Messages whose handling threw: always a defect in this stack, kept at zero by the fuzz tests.</summary>
    public long HandlerFailureCount => Interlocked.Read(ref _handlerFailures);

    /// <summary>The last such failure, for diagnosis.</summary>
    public Exception? LastHandlerFailure { get; private set; }

    /// <summary>Where this layer reports (null when nobody listens).</summary>
    public Diagnostics.SipDiagnostics? Diagnostics => _diagnostics;

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
            try
            {
                RejectUnparseable(frame, error, source);
            }
            catch (Exception defect) when (defect is not OutOfMemoryException)
            {
                Failed(defect, null, source);
            }
            return;
        }
        catch (Exception defect) when (defect is not OutOfMemoryException)
        {
            // A parser defect (anything but its own parse error) must not end the transport's receive loop, which every
            // other peer depends on: counted and logged like a handler failure, and the datagram dropped.
            Interlocked.Increment(ref _rejected);
            Interlocked.Increment(ref _dropped);
            Failed(defect, null, source);
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
                        Interlocked.Increment(ref _dropped);
                        return;
                    }
                    _handler?.OnResponse(response, source);
                    break;
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // A defect above must not stop the receive loop for every other peer: it is counted (tests and the
            // ncco.sip.handler.failures counter see it) and logged, at most once per interval whatever a peer sends.
            Failed(error, message, source);
        }
    }

    private void Failed(Exception error, SipMessage? message, SipEndPoint source)
    {
        Interlocked.Increment(ref _handlerFailures);
        LastHandlerFailure = error;
        _diagnostics?.HandlerFailed(error, message, source);
    }

    /// <inheritdoc />
    public void OnUnframeable(byte[] head, SipParseException error, SipEndPoint source)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(error);
        RejectUnparseable(head, error, source);
    }

    /// <inheritdoc />
    public void OnTransportError(SipEndPoint remote, Exception error) => _handler?.OnTransportError(remote, error);

    /// <summary>Answers an unparseable request with its error status when it can (<see cref="SipRejection"/>); drops and counts it otherwise.</summary>
    private void RejectUnparseable(ReadOnlySpan<byte> data, SipParseException error, SipEndPoint source)
    {
        Interlocked.Increment(ref _rejected);
        if (SipRejection.Build(data, error, _limits) is { } wire)
        {
            Send(wire, source);
        }
        else
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private static SipRequest StampReceived(SipRequest request, SipEndPoint source)
    {
        // A loop and the source's address text on the stack: the string is made only when it is written (issue 19).
        var viaIndex = 0;
        while (!request.Headers[viaIndex].Is(HeaderNames.Via))
        {
            viaIndex++;
        }
        var top = ViaHeader.Parse(request.Headers[viaIndex].Value);
        var parameters = top.Parameters;
        Span<char> sourceText = stackalloc char[64];
        var sourceLength = FormatHost(source.Address.Address, sourceText);
        if (!top.Host.AsSpan().Equals(sourceText[..sourceLength], StringComparison.OrdinalIgnoreCase) || parameters.Contains("rport"))
        {
            parameters = parameters.With("received", sourceText[..sourceLength].ToString());
        }
        if (parameters.Contains("rport"))
        {
            parameters = parameters.With("rport", source.Address.Port.ToString(CultureInfo.InvariantCulture));
        }
        if (ReferenceEquals(parameters, top.Parameters))
        {
            return request;
        }
        return request with { Headers = request.Headers.SetItem(viaIndex, new SipHeader(HeaderNames.Via, (top with { Parameters = parameters }).ToString())) };
    }

    private static string FormatHost(IPAddress address)
    {
        Span<char> text = stackalloc char[64];
        return text[..FormatHost(address, text)].ToString();
    }

    /// <summary>Writes the address as a Via host (IPv6 in brackets, IPv4-mapped as IPv4); returns the characters written.</summary>
    private static int FormatHost(IPAddress address, Span<char> destination)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.TryFormat(destination, out var written) ? written : throw new InvalidOperationException("address text longer than 64 characters");
        }
        destination[0] = '[';
        if (!address.TryFormat(destination[1..^1], out var length))
        {
            throw new InvalidOperationException("address text longer than 62 characters");
        }
        destination[length + 1] = ']';
        return length + 2;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _diagnostics?.Detach(this);
        foreach (var transport in _transports.Values)
        {
            await transport.DisposeAsync().ConfigureAwait(false);
        }
    }
}
