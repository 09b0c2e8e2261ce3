using Ncco.Sip.Messages;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Transactions;

/// <summary>
/// The INVITE server transaction of RFC 3261 §17.2.1 with RFC 6026's Accepted state: 100 Trying at once, timer G
/// retransmits a failure response over UDP, timer H gives up waiting for its ACK, timer I absorbs ACK copies, timer L
/// keeps the transaction after a 2xx so retransmitted INVITEs are not taken for new ones.
/// </summary>
public sealed class ServerInviteTransaction : ServerTransaction
{
    private ITimer? _timerG;
    private ITimer? _limit;
    private TimeSpan _intervalG;

    internal ServerInviteTransaction(TransactionLayer layer, string key, SipRequest request, SipEndPoint remote)
        : base(layer, key, request, remote)
    {
        State = TransactionState.Proceeding;
    }

    /// <summary>Sends 100 Trying (so the client stops timer A) and arms the safety limit on the TU's answer.</summary>
    internal void Begin()
    {
        Respond(SipResponse.For(Request, 100));
        _limit = Start(Timers.InviteServerLimit, () => Respond(SipResponse.For(Request, 408, "No Final Response From Application", SipIds.NewTag())));
    }

    private protected override void OnResponseSent(SipResponse response)
    {
        if (response.IsProvisional)
        {
            return;
        }
        Stop(_limit);
        _limit = null;
        if (response.IsSuccess)
        {
            State = TransactionState.Accepted;
            // RFC 6026 §7.1: in Accepted the transaction never sends again (the TU retransmits the 2xx) and absorbs INVITE
            // copies by its key alone, so the 2xx's bytes go too: 32 s × every call set up is what the collector copies.
            LastWire = null;
            Start(Timers.SixtyFourT1, Terminate); // timer L
            return;
        }
        State = TransactionState.Completed;
        if (IsUnreliable)
        {
            _intervalG = Timers.T1;
            _timerG = Start(_intervalG, OnTimerG);
        }
        Start(Timers.SixtyFourT1, () => // timer H
        {
            if (State == TransactionState.Completed)
            {
                Terminate();
                Layer.User.OnAckTimeout(this);
            }
        });
    }

    private void OnTimerG()
    {
        if (State != TransactionState.Completed)
        {
            return;
        }
        Resend();
        _intervalG = TimeSpan.FromTicks(Math.Min((_intervalG * 2).Ticks, Timers.T2.Ticks));
        _timerG = Start(_intervalG, OnTimerG);
    }

    internal override void OnRetransmission(SipRequest request)
    {
        if (request.Method == SipMethods.Ack)
        {
            if (State == TransactionState.Completed)
            {
                State = TransactionState.Confirmed;
                Stop(_timerG);
                TerminateAfter(IsUnreliable ? Timers.T4 : TimeSpan.Zero); // timer I
            }
            else if (State == TransactionState.Accepted)
            {
                // RFC 6026 §7.1: the ACK for a 2xx goes to the TU (the dialog).
                Layer.User.OnAck(request, Remote);
            }
            return;
        }
        if (State is TransactionState.Proceeding or TransactionState.Completed)
        {
            Resend();
        }
    }
}
