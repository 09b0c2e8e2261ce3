using Ncco.Sip.Messages;
using Ncco.Sip.Transactions;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Tests.Support;

/// <summary>A transaction layer over a fake transport on virtual time, recording everything it tells its users.</summary>
internal sealed class TransactionHarness : ITransactionUser, IClientTransactionUser
{
    public TransactionHarness(SipTransportKind kind = SipTransportKind.Udp, TransactionLimits? limits = null)
    {
        Transport = new FakeTransport(kind);
        Layer = new TransactionLayer(new SipTransportLayer([Transport], advertisedHost: "127.0.0.1"), Time, SipTimers.Default, limits);
        Layer.Start(this);
    }

    public ManualTimeProvider Time { get; } = new();

    public FakeTransport Transport { get; }

    public TransactionLayer Layer { get; }

    public List<ServerTransaction> Requests { get; } = [];

    public List<SipRequest> Acks { get; } = [];

    public List<SipResponse> Strays { get; } = [];

    public List<ServerTransaction> AckTimeouts { get; } = [];

    public List<SipResponse> Responses { get; } = [];

    public List<(int Status, string Reason)> Failures { get; } = [];

    public Action<ServerTransaction>? OnNewRequest { get; set; }

    public SipEndPoint Peer => new(Transport.Kind, FakeTransport.Peer);

    public void At(double seconds) => Time.Advance(TimeSpan.FromSeconds(seconds));

    void ITransactionUser.OnRequest(ServerTransaction transaction)
    {
        Requests.Add(transaction);
        OnNewRequest?.Invoke(transaction);
    }

    void ITransactionUser.OnAck(SipRequest ack, SipEndPoint source) => Acks.Add(ack);

    void ITransactionUser.OnStrayResponse(SipResponse response, SipEndPoint source) => Strays.Add(response);

    void ITransactionUser.OnAckTimeout(ServerTransaction transaction) => AckTimeouts.Add(transaction);

    void IClientTransactionUser.OnResponse(ClientTransaction transaction, SipResponse response) => Responses.Add(response);

    void IClientTransactionUser.OnFailure(ClientTransaction transaction, int statusCode, string reason) => Failures.Add((statusCode, reason));
}
