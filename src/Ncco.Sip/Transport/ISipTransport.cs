using System.Net;

namespace Ncco.Sip.Transport;

/// <summary>One listening transport. Sends never block the caller: a failure is reported to the sink.</summary>
public interface ISipTransport : IAsyncDisposable
{
    /// <summary>UDP, TCP or TLS.</summary>
    SipTransportKind Kind { get; }

    /// <summary>The bound local address (with the real port when 0 was asked for).</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>Starts the receive loop(s), delivering to <paramref name="sink"/>.</summary>
    void Start(ISipTransportSink sink);

    /// <summary>Queues bytes for <paramref name="remote"/> (opening a connection for stream transports when needed).</summary>
    void Send(ReadOnlyMemory<byte> data, IPEndPoint remote);
}
