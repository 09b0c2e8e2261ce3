using Ncco.Sip.Messages;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Transactions;

/// <summary>
/// The non-INVITE server transaction of RFC 3261 §17.2.2: retransmitted requests get the last response again; timer J
/// keeps the final response for 64·T1 over UDP. If the TU stays silent for 64·T1 the client has given up (timer F), so the
/// transaction answers 500 itself and ends rather than leak.
/// </summary>
public sealed class ServerNonInviteTransaction : ServerTransaction
{
    private ITimer? _limit;

    internal ServerNonInviteTransaction(TransactionLayer layer, string key, SipRequest request, SipEndPoint remote)
        : base(layer, key, request, remote)
    {
        State = TransactionState.Trying;
    }

    internal void Begin() =>
        _limit = Start(Timers.SixtyFourT1, () => Respond(SipResponse.For(Request, 500, "No Response From Application", SipIds.NewTag())));

    private protected override void OnResponseSent(SipResponse response)
    {
        if (response.IsProvisional)
        {
            State = TransactionState.Proceeding;
            return;
        }
        Stop(_limit);
        _limit = null;
        State = TransactionState.Completed;
        TerminateAfter(IsUnreliable ? Timers.SixtyFourT1 : TimeSpan.Zero); // timer J
    }

    internal override void OnRetransmission(SipRequest request)
    {
        if (State is TransactionState.Proceeding or TransactionState.Completed)
        {
            Resend();
        }
    }
}
