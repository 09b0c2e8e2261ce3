using System.Net;
using Ncco.Sip.Messages;
using Ncco.Sip.Parsing;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Tests.Support;

/// <summary>An in-memory transport: records what the stack sends and lets a test deliver frames synchronously.</summary>
internal sealed class FakeTransport(SipTransportKind kind) : ISipTransport
{
    private readonly Lock _gate = new();
    private readonly List<(SipMessage Message, IPEndPoint To)> _sent = [];
    private ISipTransportSink? _sink;

    public SipTransportKind Kind => kind;

    public IPEndPoint LocalEndPoint { get; } = new(IPAddress.Loopback, 5060);

    public static IPEndPoint Peer { get; } = new(IPAddress.Parse("192.0.2.50"), 5070);

    public void Start(ISipTransportSink sink) => _sink = sink;

    public void Send(ReadOnlyMemory<byte> data, IPEndPoint remote)
    {
        // What we send must parse, but for a 400 echoing the out-of-range CSeq it reports: that one is kept aside.
        if (!SipMessageParser.TryParse(data.Span, out var message, out var error))
        {
            Assert.Equal(HeaderNames.CSeq, error!.Header);
            return;
        }
        lock (_gate)
        {
            _sent.Add((message!, remote));
        }
    }

    public IReadOnlyList<SipMessage> Sent
    {
        get
        {
            lock (_gate)
            {
                return _sent.Select(s => s.Message).ToList();
            }
        }
    }

    public IReadOnlyList<SipRequest> SentRequests(string method) => Sent.OfType<SipRequest>().Where(r => r.Method == method).ToList();

    public IReadOnlyList<SipResponse> SentResponses(int status) => Sent.OfType<SipResponse>().Where(r => r.StatusCode == status).ToList();

    public void Clear()
    {
        lock (_gate)
        {
            _sent.Clear();
        }
    }

    public void Deliver(SipMessage message, IPEndPoint? from = null) => Deliver(message.ToBytes(), from);

    public void Deliver(byte[] frame, IPEndPoint? from = null) => _sink!.OnFrame(frame, new SipEndPoint(kind, from ?? Peer));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
