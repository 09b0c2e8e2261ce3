using System.Globalization;
using System.Text;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;
using Ncco.Sip.Transactions;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Dialogs;

/// <summary>
/// An INVITE we received. The application rings, answers (offer/answer against its <see cref="LocalMedia"/>) or rejects.
/// After a 2xx the UA core retransmits it over UDP until the ACK (RFC 3261 §13.3.1.4) and, when the caller asked for a session
/// timer, ends the call if no refresh arrives in time (RFC 4028 §10).
/// </summary>
public sealed class IncomingCall : SipCall
{
    private readonly TaskCompletionSource _confirmed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _retransmit;
    private ITimer? _sessionExpiry;
    private ITimer? _unanswered;
    private ITimer? _ackTimeout;
    private TimeSpan _retransmitInterval;
    private SipResponse? _ok;
    private SessionDescription? _lateOffer;
    private SipResponse? _unacknowledged; // the reliable provisional response (RFC 3262) awaiting its PRACK
    private ITimer? _reliableRetransmit;
    private ITimer? _reliableGiveUp;
    private TimeSpan _reliableInterval;
    private long _rseq;

    internal IncomingCall(SipUserAgent agent, ServerInviteTransaction transaction, SessionDescription? offer, TimeSpan? sessionInterval)
        : base(agent, transaction.Request.CallId)
    {
        Transaction = transaction;
        // The call keeps the INVITE itself: its transaction lets go of it once answered (RFC 6026 Accepted keeps the key only).
        Invite = transaction.Request;
        Offer = offer;
        SessionInterval = sessionInterval;
        LocalTag = SipIds.NewTag();
        Received = agent.Layer.Time.GetTimestamp();
        // An application that never answers must not leave the call pending forever: end it when the transaction gives up.
        _unanswered = agent.StartTimer(agent.Layer.Timers.InviteServerLimit, () =>
        {
            if (!IsEnded && Dialog is null)
            {
                if (!Transaction.HasFinalResponse)
                {
                    Transaction.Respond(SipResponse.For(Invite, 408, "No Final Response From Application", LocalTag));
                }
                End(new CallEnd(CallEndReason.Timeout, 408));
            }
        });
    }

    /// <summary>
    /// The order in which the INVITE reached this agent among its incoming calls (1, 2, …): the order the transport
    /// delivered them, unlike the order in which tasks handling them get to run. Tells which of two INVITEs a proxy sent
    /// for one call (a new branch after giving up on the first) is the later one.
    /// </summary>
    public long Arrival { get; internal init; }

    /// <summary>
    /// When the INVITE was handed to this agent (a <see cref="TimeProvider.GetTimestamp"/> of the agent's clock): the
    /// start of the host's INVITE→200 time, so its setup phases can be measured from the stack's receipt.
    /// </summary>
    public long Received { get; }

    /// <summary>The INVITE.</summary>
    public SipRequest Invite { get; }

    /// <inheritdoc />
    public override SipMessage PeerMessage => Invite;

    /// <summary>The caller's SDP offer, or null for a late offer (we offer in the 2xx, the ACK answers).</summary>
    public SessionDescription? Offer { get; }

    /// <summary>Where the INVITE came from.</summary>
    public SipEndPoint Source => Transaction.Remote;

    /// <summary>Negotiated session interval (RFC 4028), or null without a session timer.</summary>
    public TimeSpan? SessionInterval { get; internal set; }

    /// <summary>
    /// True when we refresh the session (the caller asked for it with <c>refresher=uas</c>, RFC 4028 §9), re-INVITing at
    /// half of <see cref="SessionInterval"/>; false when the caller refreshes and we end the call if it stops.
    /// </summary>
    public bool RefreshesSession { get; internal set; }

    /// <summary>Completes when the ACK for our 2xx arrives.</summary>
    public Task Confirmed => _confirmed.Task;

    /// <summary>
    /// For a late offer, why the caller's ACK did not answer our offer usably (the call was then ended with BYE); null
    /// otherwise. <see cref="SipCall.Audio"/> holds the agreed audio once <see cref="Confirmed"/> completes on success.
    /// </summary>
    public string? AnswerFailure { get; private set; }

    /// <summary>Our To tag.</summary>
    public string LocalTag { get; }

    /// <summary>
    /// For an INVITE with <c>Replaces</c> (RFC 3891), the call of this UA it names (checked by the stack: an INVITE naming
    /// no such call never gets here, it got 481): a confirmed call, or an <see cref="OutgoingCall"/> still ringing whose
    /// early dialog it names (call pick-up); null otherwise. Answering does not end that call: the application moves what
    /// it carried onto this one and hangs the replaced call up (or cancels the ringing one).
    /// </summary>
    public SipCall? ReplacedCall { get; internal init; }

    internal ServerInviteTransaction Transaction { get; }

    /// <summary>
    /// True when the caller requires reliable provisional responses (<c>Require: 100rel</c>, RFC 3262): <see cref="Ring"/>
    /// then sends its 180 reliably. A caller that only supports them gets the plain 180, as the RFC allows.
    /// </summary>
    public bool ReliableProvisional => SipUserAgent.Lists(Invite, HeaderNames.Require, "100rel");

    /// <summary>True while a reliable 180 waits for its PRACK.</summary>
    public bool ProvisionalUnacknowledged
    {
        get
        {
            lock (Agent.Gate) return _unacknowledged is not null;
        }
    }

    /// <summary>
    /// Sends 180 Ringing. When the caller requires it (<see cref="ReliableProvisional"/>) the 180 carries
    /// <c>Require: 100rel</c> and an <c>RSeq</c>, and is repeated (T1, doubling) until the caller's PRACK acknowledges it;
    /// a 180 not acknowledged within 64·T1 fails the call with 504. A second ring while one is unacknowledged sends nothing
    /// (§3: one reliable provisional response at a time).
    /// </summary>
    public void Ring()
    {
        // Built before the stack's one lock is taken (from the INVITE and the call's tag, which never change): every new
        // call rings from a pool thread, and at hundreds of calls a second they queued on that lock behind each other's
        // header copying, with the receive loop and the VM's answers behind them.
        var ringing = Agent.Decorate(SipResponse.For(Invite, 180, toTag: LocalTag), Source.Transport);
        lock (Agent.Gate)
        {
            if (IsEnded || Transaction.HasFinalResponse) return;
            if (!ReliableProvisional)
            {
                Transaction.Respond(ringing);
                return;
            }
            if (_unacknowledged is not null) return;
            // §3: the first RSeq is random in 1..2^31-1, then each one adds one.
            _rseq = _rseq == 0 ? Random.Shared.NextInt64(1, 1L << 31) : _rseq + 1;
            _unacknowledged = ringing.AddHeader(HeaderNames.Require, "100rel").AddHeader(HeaderNames.RSeq, _rseq.ToString(CultureInfo.InvariantCulture));
            Transaction.Respond(_unacknowledged);
            _reliableInterval = Agent.Layer.Timers.T1;
            _reliableRetransmit = Agent.StartTimer(_reliableInterval, RepeatReliable);
            _reliableGiveUp = Agent.StartTimer(Agent.Layer.Timers.SixtyFourT1, () =>
            {
                if (_unacknowledged is null || IsEnded || Transaction.HasFinalResponse) return;
                // §3: never acknowledged, the request is refused with a 5xx.
                _unacknowledged = null;
                Agent.StopTimer(_reliableRetransmit);
                Transaction.Respond(SipResponse.For(Invite, 504, "Reliable Provisional Response Not Acknowledged", LocalTag));
                End(new CallEnd(CallEndReason.Timeout, 504));
            });
        }
    }

    private void RepeatReliable()
    {
        if (_unacknowledged is not { } pending || IsEnded || Transaction.HasFinalResponse) return;
        Transaction.Respond(pending);
        _reliableInterval *= 2;
        _reliableRetransmit = Agent.StartTimer(_reliableInterval, RepeatReliable);
    }

    /// <summary>
    /// A PRACK for this call (under the agent's lock): 200 when its <c>RAck</c> names our unacknowledged 180 (its RSeq, the
    /// INVITE's CSeq number and method), which stops its retransmission; 481 otherwise (§7.2), 400 for an RAck that does
    /// not parse.
    /// </summary>
    internal void OnPrack(ServerTransaction transaction)
    {
        var request = transaction.Request;
        var rack = request.Header(HeaderNames.RAck)?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rack is not { Length: 3 } || !long.TryParse(rack[0], NumberStyles.None, CultureInfo.InvariantCulture, out var rseq)
            || !long.TryParse(rack[1], NumberStyles.None, CultureInfo.InvariantCulture, out var cseq))
        {
            transaction.Respond(SipResponse.For(request, 400, "Bad RAck Header"));
            return;
        }
        if (_unacknowledged is null || rseq != _rseq || cseq != Invite.CSeq.Number || !string.Equals(rack[2], SipMethods.Invite, StringComparison.Ordinal))
        {
            // Also a PRACK repeated after its 200: the response it acknowledged is no longer outstanding.
            transaction.Respond(SipResponse.For(request, 481, "No Matching Reliable Provisional Response"));
            return;
        }
        _unacknowledged = null;
        Agent.StopTimer(_reliableRetransmit);
        Agent.StopTimer(_reliableGiveUp);
        transaction.Respond(Agent.Decorate(SipResponse.For(request, 200), transaction.Remote.Transport));
    }

    /// <summary>
    /// Answers with 200 OK and our SDP. Throws <see cref="SdpNegotiationException"/> (after answering 488) when no codec is
    /// common, <see cref="InvalidOperationException"/> when the call already ended or was answered. For a late offer
    /// (<see cref="Offer"/> null) the 200 carries our offer and this returns null: the audio is in
    /// <see cref="SipCall.Audio"/> once the ACK with the answer has <see cref="Confirmed"/> the call.
    /// </summary>
    public NegotiatedAudio? Answer(LocalMedia local)
    {
        lock (Agent.Gate)
        {
            if (IsEnded || Transaction.HasFinalResponse)
            {
                throw new InvalidOperationException("the call has already ended or been answered");
            }
            SessionDescription body;
            NegotiatedAudio? audio = null;
            if (Offer is null)
            {
                body = SdpNegotiator.CreateOffer(local);
                _lateOffer = body;
            }
            else
            {
                try
                {
                    (body, audio) = SdpNegotiator.Answer(Offer, local);
                }
                catch (SdpNegotiationException error)
                {
                    Transaction.Respond(SipResponse.For(Invite, 488, error.Message, LocalTag));
                    End(new CallEnd(CallEndReason.MediaNegotiationFailed, 488));
                    throw;
                }
            }
            Agent.StopTimer(_unanswered);
            _unanswered = null;
            LocalMedia = local;
            Audio = audio;
            Dialog = CreateDialog();
            Agent.Register(this);

            var ok = Agent.Decorate(SipResponse.For(Invite, 200, toTag: LocalTag), Source.Transport)
                .AddHeader(HeaderNames.ContentType, "application/sdp");
            if (SessionInterval is { } interval)
            {
                ok = ok.AddHeader(HeaderNames.SessionExpires, SessionTimerHeader.Format(interval, RefreshesSession ? SessionRefresher.Uas : SessionRefresher.Uac))
                    .AddHeader(HeaderNames.Require, "timer");
            }
            _ok = ok with { Body = Encoding.UTF8.GetBytes(body.ToString()) };
            Transaction.Respond(_ok);
            if (!Source.Transport.IsReliable())
            {
                _retransmitInterval = Agent.Layer.Timers.T1;
                _retransmit = Agent.StartTimer(_retransmitInterval, RetransmitOk);
            }
            _ackTimeout = Agent.StartTimer(Agent.Layer.Timers.SixtyFourT1, () =>
            {
                if (!_confirmed.Task.IsCompleted && !IsEnded)
                {
                    // §13.3.1.4: no ACK within 64·T1 — confirm and immediately end the session.
                    _ = Agent.SendByeLocked(this);
                    End(new CallEnd(CallEndReason.Timeout, 408));
                }
            });
            RestartSessionTimer();
            return audio;
        }
    }

    /// <summary>Rejects with a failure status (486 busy, 603 decline, 480 unavailable…).</summary>
    public void Reject(int statusCode, string? reason = null) => Reject(statusCode, reason, retryAfter: null);

    /// <summary>
    /// Rejects with a failure status and, when <paramref name="retryAfter"/> is given, a <c>Retry-After</c> header in
    /// whole seconds (RFC 3261 §20.33; with 503 it tells the peer when to try this host again).
    /// </summary>
    public void Reject(int statusCode, string? reason, TimeSpan? retryAfter)
    {
        if (statusCode is < 300 or > 699)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), "a rejection is a 3xx–6xx status");
        }
        lock (Agent.Gate)
        {
            if (IsEnded || Transaction.HasFinalResponse)
            {
                return;
            }
            var response = SipResponse.For(Invite, statusCode, reason, LocalTag);
            if (retryAfter is { } wait)
            {
                response = response.WithHeader("Retry-After", ((long)Math.Max(1, Math.Ceiling(wait.TotalSeconds))).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            Transaction.Respond(Agent.Decorate(response, Source.Transport));
            End(new CallEnd(CallEndReason.LocalHangup, statusCode));
        }
    }

    /// <summary>
    /// Sends the caller elsewhere before answering: <c>302 Moved Temporarily</c> with <paramref name="contact"/> as its
    /// only <c>Contact</c> (RFC 3261 §21.3.3). A proxy in front (Kamailio's <c>uac_redirect</c>) follows it, so the caller
    /// never sees it. False when the call already has a final response or ended (a CANCEL came first).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="contact"/> is not a <c>sip:</c> or <c>sips:</c> URI.</exception>
    public bool Redirect(string contact)
    {
        ArgumentException.ThrowIfNullOrEmpty(contact);
        if (!contact.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) && !contact.StartsWith("sips:", StringComparison.OrdinalIgnoreCase)
            || contact.AsSpan().IndexOfAny("<>\r\n\", ") >= 0)
        {
            throw new ArgumentException($"contact '{contact}' is not a single sip: or sips: URI", nameof(contact));
        }
        lock (Agent.Gate)
        {
            if (IsEnded || Transaction.HasFinalResponse) return false;
            // Not decorated: that would add this node's own Contact, and the proxy could follow either.
            Transaction.Respond(SipResponse.For(Invite, 302, "Moved Temporarily", LocalTag).WithHeader(HeaderNames.Contact, "<" + contact + ">"));
            End(new CallEnd(CallEndReason.LocalHangup, 302));
            return true;
        }
    }

    internal void OnCancel()
    {
        if (!Transaction.HasFinalResponse)
        {
            Transaction.Respond(SipResponse.For(Invite, 487, toTag: LocalTag));
            End(new CallEnd(CallEndReason.Cancelled, 487));
        }
    }

    internal void OnAck(SipRequest ack)
    {
        Agent.StopTimer(_retransmit);
        Agent.StopTimer(_ackTimeout);
        // Acknowledged: the 2xx is never sent again, so neither it nor the stopped timers (each a timer-queue entry with its
        // callbacks) stay with a call that may last hours.
        _retransmit = null;
        _ackTimeout = null;
        _ok = null;
        if (_lateOffer is { } offer && LocalMedia is { } local)
        {
            // RFC 3264 late offer: the ACK must carry the answer to the offer in our 2xx. Without a usable one the call has
            // no media to speak of, and an ACK cannot be refused, so the dialog it confirmed is ended with BYE.
            _lateOffer = null;
            try
            {
                if (ack.Body.Length == 0) throw new SdpNegotiationException("the ACK carries no SDP answer to our offer");
                Audio = SdpNegotiator.ReadAnswer(offer, Sdp.SdpParser.Parse(ack.BodyText), local);
            }
            catch (Exception error) when (error is SdpNegotiationException or Parsing.SipParseException or FormatException)
            {
                AnswerFailure = error.Message;
                _ = Agent.SendByeLocked(this);
                End(new CallEnd(CallEndReason.MediaNegotiationFailed, 488));
            }
        }
        _confirmed.TrySetResult();
    }

    /// <summary>
    /// The call was answered or a refresh (re-INVITE or UPDATE) arrived: the session interval starts again — our own
    /// refreshes when we are the refresher, otherwise the wait for the caller's.
    /// </summary>
    internal void RestartSessionTimer()
    {
        if (SessionInterval is not { } interval || IsEnded)
        {
            return;
        }
        Agent.StopTimer(_sessionExpiry);
        _sessionExpiry = null;
        if (RefreshesSession)
        {
            RefreshSessionEvery(interval);
            return;
        }
        RefreshSessionEvery(TimeSpan.Zero);
        // RFC 4028 §10: without a refresh, the side that is not the refresher ends the session
        // at interval − min(32 s, interval / 3).
        var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(32).Ticks, interval.Ticks / 3));
        _sessionExpiry = Agent.StartTimer(interval - margin, () =>
        {
            if (!IsEnded)
            {
                _ = Agent.SendByeLocked(this);
                End(new CallEnd(CallEndReason.SessionExpired));
            }
        });
    }

    /// <summary>Our refresh's 2xx kept us the refresher, handed the role to the caller, or turned the session timer off (RFC 4028 §7.4).</summary>
    private protected override void OnSessionTimerAnswered(TimeSpan? interval, bool weRefresh, bool peerRefreshes)
    {
        SessionInterval = interval;
        RefreshesSession = weRefresh;
        if (interval is null)
        {
            Agent.StopTimer(_sessionExpiry);
            _sessionExpiry = null;
        }
        else if (!weRefresh)
        {
            RestartSessionTimer();
        }
    }

    /// <summary>For tests: whether the call still keeps its 2xx (only until the ACK) and how many timers it references.</summary>
    internal (bool Answer, int Timers) Held
    {
        get
        {
            lock (Agent.Gate)
            {
                var timers = new[] { _unanswered, _ackTimeout, _retransmit, _sessionExpiry, _reliableRetransmit, _reliableGiveUp }.Count(t => t is not null);
                return (_ok is not null, timers);
            }
        }
    }

    private void RetransmitOk()
    {
        if (_confirmed.Task.IsCompleted || IsEnded || _ok is null)
        {
            return;
        }
        Agent.Layer.Transport.Send(_ok, Source);
        _retransmitInterval = TimeSpan.FromTicks(Math.Min((_retransmitInterval * 2).Ticks, Agent.Layer.Timers.T2.Ticks));
        _retransmit = Agent.StartTimer(_retransmitInterval, RetransmitOk);
    }

    private SipDialog CreateDialog()
    {
        var contact = Invite.Contacts.FirstOrDefault()?.Uri ?? Invite.From.Uri;
        var dialog = new SipDialog(CallId, Invite.To.WithTag(LocalTag), Invite.From, contact, Invite.RecordRoutes, 0, isUac: false)
        {
            RemoteCSeq = Invite.CSeq.Number,
        };
        if (dialog.RouteSet.Count == 0)
        {
            dialog.PeerEndPoint = Source;
        }
        return dialog;
    }

    private protected override void OnEnded()
    {
        Agent.StopTimer(_unanswered);
        Agent.StopTimer(_ackTimeout);
        Agent.StopTimer(_retransmit);
        Agent.StopTimer(_sessionExpiry);
        Agent.StopTimer(_reliableRetransmit);
        Agent.StopTimer(_reliableGiveUp);
        _unanswered = _ackTimeout = _retransmit = _sessionExpiry = _reliableRetransmit = _reliableGiveUp = null;
        _ok = null;
        _confirmed.TrySetResult();
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"IncomingCall {CallId} from {Invite.From.Uri}");
}
