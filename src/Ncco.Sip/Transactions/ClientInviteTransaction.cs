using Ncco.Sip.Messages;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Transactions;

/// <summary>
/// The INVITE client transaction of RFC 3261 §17.1.1 with RFC 6026's Accepted state. Timer A retransmits over UDP
/// (doubling, uncapped), timer B gives up in Calling, timer D absorbs failure retransmissions, timer M absorbs 2xx ones.
/// Failure responses are ACKed here (same branch); the ACK for a 2xx is the UA core's.
/// </summary>
public sealed class ClientInviteTransaction : ClientTransaction
{
    private ITimer? _timerA;
    private ITimer? _timerB;
    private TimeSpan _intervalA;
    private byte[]? _ack;

    internal ClientInviteTransaction(TransactionLayer layer, string key, SipRequest request, SipEndPoint remote, IClientTransactionUser user)
        : base(layer, key, request, remote, user)
    {
        State = TransactionState.Calling;
    }

    internal override void Begin()
    {
        Transmit();
        if (IsUnreliable)
        {
            _intervalA = Timers.T1;
            _timerA = Start(_intervalA, OnTimerA);
        }
        _timerB = Start(Timers.SixtyFourT1, () =>
        {
            if (State == TransactionState.Calling)
            {
                Fail(408, "Request Timeout");
            }
        });
    }

    private void OnTimerA()
    {
        if (State != TransactionState.Calling)
        {
            return;
        }
        Transmit();
        _intervalA *= 2;
        _timerA = Start(_intervalA, OnTimerA);
    }

    internal override void OnResponse(SipResponse response)
    {
        switch (State)
        {
            case TransactionState.Calling or TransactionState.Proceeding when response.IsProvisional:
                State = TransactionState.Proceeding;
                Stop(_timerA);
                Stop(_timerB);
                User.OnResponse(this, response);
                break;
            case TransactionState.Calling or TransactionState.Proceeding when response.IsSuccess:
                State = TransactionState.Accepted;
                Stop(_timerA);
                Stop(_timerB);
                FinalResponse = response;
                Start(Timers.SixtyFourT1, Terminate); // timer M
                User.OnResponse(this, response);
                break;
            case TransactionState.Calling or TransactionState.Proceeding:
                State = TransactionState.Completed;
                Stop(_timerA);
                Stop(_timerB);
                FinalResponse = response;
                _ack = RequestBuilder.AckForFailure(Request, response).ToBytes();
                Layer.Transport.Send(_ack, Remote);
                TerminateAfter(IsUnreliable ? Timers.TimerD : TimeSpan.Zero);
                User.OnResponse(this, response);
                break;
            case TransactionState.Accepted when response.IsSuccess:
                // RFC 6026: 2xx retransmissions (perhaps from other forks) go up so the UA core can ACK them.
                User.OnResponse(this, response);
                break;
            case TransactionState.Completed when !response.IsProvisional && _ack is not null:
                Layer.Transport.Send(_ack, Remote);
                break;
        }
    }
}
