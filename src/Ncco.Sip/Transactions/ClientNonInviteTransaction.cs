using Ncco.Sip.Messages;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Transactions;

/// <summary>
/// The non-INVITE client transaction of RFC 3261 §17.1.2: timer E retransmits over UDP (doubling up to T2, at T2 once
/// a provisional arrived), timer F gives up, timer K absorbs response retransmissions.
/// </summary>
public sealed class ClientNonInviteTransaction : ClientTransaction
{
    private ITimer? _timerE;
    private ITimer? _timerF;
    private TimeSpan _intervalE;

    internal ClientNonInviteTransaction(TransactionLayer layer, string key, SipRequest request, SipEndPoint remote, IClientTransactionUser user)
        : base(layer, key, request, remote, user)
    {
        State = TransactionState.Trying;
    }

    internal override void Begin()
    {
        Transmit();
        if (IsUnreliable)
        {
            _intervalE = Timers.T1;
            _timerE = Start(_intervalE, OnTimerE);
        }
        _timerF = Start(Timers.SixtyFourT1, () => Fail(408, "Request Timeout"));
    }

    private void OnTimerE()
    {
        if (State is not (TransactionState.Trying or TransactionState.Proceeding))
        {
            return;
        }
        Transmit();
        _intervalE = State == TransactionState.Proceeding ? Timers.T2 : TimeSpan.FromTicks(Math.Min((_intervalE * 2).Ticks, Timers.T2.Ticks));
        _timerE = Start(_intervalE, OnTimerE);
    }

    internal override void OnResponse(SipResponse response)
    {
        if (State is not (TransactionState.Trying or TransactionState.Proceeding))
        {
            return;
        }
        if (response.IsProvisional)
        {
            State = TransactionState.Proceeding;
            User.OnResponse(this, response);
            return;
        }
        State = TransactionState.Completed;
        Stop(_timerE);
        Stop(_timerF);
        FinalResponse = response;
        TerminateAfter(IsUnreliable ? Timers.T4 : TimeSpan.Zero); // timer K
        User.OnResponse(this, response);
    }
}
