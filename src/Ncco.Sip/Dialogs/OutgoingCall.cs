using System.Text;
using Ncco.Sip.Auth;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;
using Ncco.Sip.Transactions;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Dialogs;

/// <summary>
/// An INVITE we sent. <see cref="Completion"/> gives the final response (2xx answered, otherwise why not). The 2xx is ACKed
/// here, again for every retransmission; a CANCEL waits for the first provisional as RFC 3261 §9.1 asks; a 401/407 is
/// answered once with digest credentials when they are configured.
/// </summary>
public sealed class OutgoingCall : SipCall, IClientTransactionUser
{
    private readonly TaskCompletionSource<SipResponse> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<SipResponse> _ringing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SessionDescription _offer;
    private ClientTransaction? _transaction;
    private bool _provisional;
    private bool _cancelRequested;
    private bool _cancelSent;
    private int _authAttempts;
    private SipRequest? _ack;
    private ITimer? _ringTimer;
    private ITimer? _sessionExpiry; // the callee refreshes the session: the BYE if it stops (RFC 4028 §10)
    // RFC 3262 as UAC, per early dialog (callee's To tag): the last RSeq we PRACKed; and the CSeq our PRACKs have used,
    // which the confirmed dialog continues from.
    private readonly Dictionary<string, long> _lastRSeq = new(StringComparer.Ordinal);
    private long _prackCSeq;
    private string? _earlyAnswer; // the SDP answer a reliable provisional response carried (the 2xx need not repeat it)
    // The callee To tags of the early dialogs our 1xx responses formed, for an INVITE with Replaces naming one (RFC 3891
    // §3). Bounded: a forking proxy could make many; a call pick-up names one of the first few.
    private readonly HashSet<string> _earlyTags = new(StringComparer.Ordinal);
    private const int MaxEarlyDialogs = 16;

    internal OutgoingCall(SipUserAgent agent, SipRequest invite, SipEndPoint target, LocalMedia local, SessionDescription offer, OutgoingCallOptions options)
        : base(agent, invite.CallId)
    {
        Invite = invite;
        Target = target;
        LocalMedia = local;
        _offer = offer;
        Options = options;
    }

    /// <summary>The INVITE as last sent (with credentials after a challenge).</summary>
    public SipRequest Invite { get; private set; }

    /// <summary>Where the INVITE went.</summary>
    public SipEndPoint Target { get; }

    /// <summary>Options it was placed with.</summary>
    public OutgoingCallOptions Options { get; }

    /// <summary>The final response: a 2xx when answered, else the failure (408 on timeout, 503 on transport failure).</summary>
    public Task<SipResponse> Completion => _completion.Task;

    /// <summary>Completes on the first 180/183.</summary>
    public Task<SipResponse> Ringing => _ringing.Task;

    /// <summary>The 2xx, once answered.</summary>
    public SipResponse? Answer => _completion.Task.IsCompletedSuccessfully && _completion.Task.Result.IsSuccess ? _completion.Task.Result : null;

    /// <inheritdoc />
    public override SipMessage? PeerMessage => Answer;

    internal void Begin()
    {
        _transaction = Agent.Layer.SendRequest(Invite, Target, this);
        if (Options.RingTimeout is { } timeout)
        {
            _ringTimer = Agent.StartTimer(timeout, Cancel);
        }
    }

    /// <summary>Cancels before the answer (sent once a provisional has arrived). No effect after a final response.</summary>
    public void Cancel()
    {
        lock (Agent.Gate)
        {
            if (_completion.Task.IsCompleted)
            {
                return;
            }
            _cancelRequested = true;
            SendCancelIfReady();
        }
    }

    void IClientTransactionUser.OnResponse(ClientTransaction transaction, SipResponse response)
    {
        if (!ReferenceEquals(transaction, _transaction))
        {
            return;
        }
        if (response.IsProvisional)
        {
            _provisional = true;
            if (response.StatusCode > 100 && response.To.Tag is { Length: > 0 } earlyTag && _earlyTags.Count < MaxEarlyDialogs)
            {
                _earlyTags.Add(earlyTag);
            }
            if (response.StatusCode > 100 && SipUserAgent.Lists(response, HeaderNames.Require, "100rel"))
            {
                AcknowledgeReliable(response);
            }
            if (response.StatusCode is 180 or 183)
            {
                _ringing.TrySetResult(response);
            }
            SendCancelIfReady();
            return;
        }
        if (response.IsSuccess)
        {
            OnSuccess(response);
            return;
        }
        if (response.StatusCode is 401 or 407 && (Options.Credentials ?? Agent.Options.Credentials) is { } credentials && _authAttempts < 2 && !_cancelRequested
            && DigestClient.Authorize(Invite, response, credentials) is { } authorized)
        {
            // Retry as a new transaction: new branch, next CSeq, same Call-ID and From tag (RFC 3261 §22.2).
            _authAttempts++;
            var cseq = Invite.CSeq.Number + 1;
            var via = Agent.Layer.Transport.CreateVia(Target.Transport, SipIds.NewBranch());
            Invite = authorized.WithHeader(HeaderNames.CSeq, new CSeqHeader(cseq, SipMethods.Invite).ToString())
                .WithHeader(HeaderNames.Via, via.ToString());
            _provisional = false;
            _transaction = Agent.Layer.SendRequest(Invite, Target, this);
            return;
        }
        Finish(response, response.StatusCode switch
        {
            487 => CallEndReason.Cancelled,
            408 => CallEndReason.Timeout,
            _ => CallEndReason.Rejected,
        });
    }

    void IClientTransactionUser.OnFailure(ClientTransaction transaction, int statusCode, string reason)
    {
        if (ReferenceEquals(transaction, _transaction))
        {
            Finish(SipResponse.For(Invite, statusCode, reason), statusCode == 503 ? CallEndReason.TransportFailure : CallEndReason.Timeout);
        }
    }

    /// <summary>
    /// True (under the stack lock) while this INVITE has no final response, is not being cancelled, and
    /// <paramref name="localTag"/>/<paramref name="remoteTag"/> are our From tag and the To tag of one of its early
    /// dialogs (a 1xx with a tag): the early dialog an INVITE with Replaces may name (RFC 3891 §3, call pick-up).
    /// </summary>
    internal bool HasEarlyDialog(string localTag, string remoteTag) =>
        !_completion.Task.IsCompleted && !_cancelRequested && Dialog is null
        && string.Equals(Invite.From.Tag, localTag, StringComparison.Ordinal) && _earlyTags.Contains(remoteTag);

    /// <summary>Number of PRACKs sent (for tests and diagnostics).</summary>
    public int PracksSent { get; private set; }

    /// <summary>
    /// A reliable provisional response (RFC 3262 §4): PRACKed once per RSeq, in order — the first of an early dialog with
    /// any RSeq, each later one only with the next RSeq (a retransmission, or one that overtook a lost predecessor, is
    /// not acknowledged; the callee repeats it). A response without a usable RSeq is ignored as the RFC asks. The PRACK
    /// goes in the early dialog: to the response's Contact (through its Record-Route), CSeq after the INVITE's.
    /// </summary>
    private void AcknowledgeReliable(SipResponse response)
    {
        if (response.To.Tag is not { } tag || response.Header(HeaderNames.RSeq) is not { } rseqText
            || !long.TryParse(rseqText.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rseq)
            || rseq is < 1 or > uint.MaxValue)
        {
            return;
        }
        if (_lastRSeq.TryGetValue(tag, out var last) && rseq != last + 1)
        {
            return;
        }
        _lastRSeq[tag] = rseq;
        if (response.Body.Length > 0 && response.ContentType?.Split(';')[0].Trim().Equals("application/sdp", StringComparison.OrdinalIgnoreCase) == true)
        {
            _earlyAnswer = response.BodyText;
        }
        var remoteTarget = response.Contacts.FirstOrDefault()?.Uri ?? Invite.Uri;
        var routes = response.RecordRoutes.Reverse().ToList();
        _prackCSeq = Math.Max(_prackCSeq, Invite.CSeq.Number) + 1;
        var early = new SipDialog(CallId, Invite.From, response.To, remoteTarget, routes, _prackCSeq - 1, isUac: true);
        var prack = early.CreateRequest(SipMethods.Prack, Agent.Layer.Transport.CreateVia(Target.Transport, SipIds.NewBranch()),
                Agent.Layer.Transport.CreateContact(Target.Transport, Agent.Options.User))
            .AddHeader(HeaderNames.RAck, $"{rseq} {Invite.CSeq.Number} {SipMethods.Invite}")
            .AddHeader(HeaderNames.UserAgent, Agent.Options.Product);
        // Where the INVITE went unless the early dialog names an address we can reach without a lookup (as for ACK and BYE).
        var hop = routes.Count == 0 && !System.Net.IPAddress.TryParse(remoteTarget.HostWithoutBrackets, out _) ? Target : SipUserAgent.NextHopOf(early) ?? Target;
        PracksSent++;
        // The 200 to the PRACK needs nothing from us; a refused PRACK leaves the INVITE to go on (RFC 3262 §4).
        Agent.Layer.SendRequest((SipRequest)prack, hop, new TransactionTask());
    }

    /// <summary>A 2xx seen outside the transaction (after timer M, or from another fork): ACK it again.</summary>
    internal void OnStraySuccess(SipResponse response)
    {
        if (_ack is not null && Dialog is not null && response.To.Tag == Dialog.RemoteTag)
        {
            Agent.SendAck(_ack, this);
        }
    }

    private void OnSuccess(SipResponse response)
    {
        if (Dialog is not null)
        {
            if (response.To.Tag == Dialog.RemoteTag && _ack is not null)
            {
                Agent.SendAck(_ack, this);
            }
            else
            {
                // A 2xx from another fork: that callee answered too, so confirm its dialog and end it at once (§13.2.2.4).
                var fork = new SipDialog(CallId, Invite.From, response.To, response.Contacts.FirstOrDefault()?.Uri ?? Invite.Uri,
                    response.RecordRoutes.Reverse().ToList(), Invite.CSeq.Number, isUac: true) { PeerEndPoint = Target };
                Agent.AckAndByeFork(fork, Invite.CSeq.Number);
            }
            return;
        }
        var remoteTarget = response.Contacts.FirstOrDefault()?.Uri ?? Invite.Uri;
        var routes = response.RecordRoutes.Reverse().ToList();
        Dialog = new SipDialog(CallId, Invite.From, response.To, remoteTarget, routes, Math.Max(Invite.CSeq.Number, _prackCSeq), isUac: true);
        if (routes.Count == 0 && !System.Net.IPAddress.TryParse(remoteTarget.HostWithoutBrackets, out _))
        {
            // A Contact we cannot resolve without blocking: keep talking to where the INVITE went.
            Dialog.PeerEndPoint = Target;
        }
        Agent.Register(this);
        _ack = Dialog.CreateRequest(SipMethods.Ack, Agent.Layer.Transport.CreateVia(Target.Transport, SipIds.NewBranch()),
            Agent.Layer.Transport.CreateContact(Target.Transport, Agent.Options.User), Invite.CSeq.Number);
        Agent.SendAck(_ack, this);
        Agent.StopTimer(_ringTimer);
        if (_cancelRequested)
        {
            // The answer crossed our CANCEL: the call exists, so end it properly.
            _completion.TrySetResult(response);
            _ = Agent.SendByeLocked(this);
            End(new CallEnd(CallEndReason.LocalHangup));
            return;
        }
        // Media first, then completion: whoever awaits Completion must find Audio already set.
        var usable = true;
        try
        {
            // The answer may have come in a reliable provisional response already (RFC 3262 §5), then the 2xx has none.
            var answer = response.Body.Length > 0 ? response.BodyText : _earlyAnswer;
            if (answer is null || LocalMedia is null)
            {
                throw new SdpNegotiationException("the 2xx carries no SDP answer");
            }
            PublishMedia(SdpNegotiator.ReadAnswer(_offer, SdpParser.Parse(answer), LocalMedia));
        }
        catch (Exception error) when (error is SdpNegotiationException or Parsing.SipParseException)
        {
            usable = false;
        }
        _completion.TrySetResult(response);
        if (!usable)
        {
            _ = Agent.SendByeLocked(this);
            End(new CallEnd(CallEndReason.MediaNegotiationFailed, 488));
            return;
        }
        // RFC 4028 §7.2: a 2xx naming us the refresher (Asterisk's session-refresher=uac, for one, hangs up when the
        // interval passes without a refresh) has us re-INVITE at half the interval.
        FollowSessionTimer(response);
    }

    private void Finish(SipResponse response, CallEndReason reason)
    {
        Agent.StopTimer(_ringTimer);
        _completion.TrySetResult(response);
        End(new CallEnd(_cancelRequested && reason == CallEndReason.Cancelled ? CallEndReason.LocalHangup : reason, response.StatusCode));
    }

    private void SendCancelIfReady()
    {
        if (_cancelRequested && _provisional && !_cancelSent && _transaction is not null)
        {
            _cancelSent = true;
            Agent.Layer.SendRequest(RequestBuilder.Cancel(Invite), Target, new TransactionTask());
        }
    }

    /// <summary>
    /// The 2xx to our INVITE (or to our last refresh) set the session timer: when it names the callee the refresher
    /// (res_pjsip's answer says <c>refresher=uas</c>), watch for its refreshes. A 2xx naming nobody (malformed, §9 has
    /// the UAS name one) is not taken as a promise to refresh: hanging up on it would end calls that work.
    /// </summary>
    private protected override void OnSessionTimerAnswered(TimeSpan? interval, bool weRefresh, bool peerRefreshes) =>
        WatchCalleeRefreshes(peerRefreshes ? interval : null);

    /// <summary>
    /// (Re)starts the wait for the callee's next refresh: RFC 4028 §10 has the side that does not refresh end the session
    /// at interval − min(32 s, interval / 3) without one. Null stops waiting. Under the stack lock.
    /// </summary>
    internal void WatchCalleeRefreshes(TimeSpan? interval)
    {
        Agent.StopTimer(_sessionExpiry);
        _sessionExpiry = null;
        if (interval is not { } i || IsEnded)
        {
            return;
        }
        var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(32).Ticks, i.Ticks / 3));
        _sessionExpiry = Agent.StartTimer(i - margin, () =>
        {
            _sessionExpiry = null;
            if (!IsEnded)
            {
                _ = Agent.SendByeLocked(this);
                End(new CallEnd(CallEndReason.SessionExpired));
            }
        });
    }

    private protected override void OnEnded()
    {
        Agent.StopTimer(_ringTimer);
        Agent.StopTimer(_sessionExpiry);
        _sessionExpiry = null;
        _ringing.TrySetCanceled();
        _completion.TrySetResult(SipResponse.For(Invite, 487));
    }

    internal static SipRequest BuildInvite(SipUserAgent agent, SipUri target, SipEndPoint endPoint, SessionDescription offer, OutgoingCallOptions options)
    {
        var transport = agent.Layer.Transport;
        var from = (options.From ?? new NameAddress { Uri = new SipUri { Scheme = "sip", User = agent.Options.User, Host = transport.AdvertisedHost } })
            .WithTag(SipIds.NewTag());
        var headers = new List<SipHeader>
        {
            new(HeaderNames.Via, transport.CreateVia(endPoint.Transport, SipIds.NewBranch()).ToString()),
            new(HeaderNames.MaxForwards, "70"),
            new(HeaderNames.From, from.ToString()),
            new(HeaderNames.To, new NameAddress { Uri = target with { Headers = SipParameters.Empty } }.ToString()),
            new(HeaderNames.CallId, SipIds.NewCallId()),
            new(HeaderNames.CSeq, new CSeqHeader(1, SipMethods.Invite).ToString()),
            new(HeaderNames.Contact, $"<{transport.CreateContact(endPoint.Transport, agent.Options.User)}>"),
            new(HeaderNames.Allow, SipUserAgent.AllowedMethods),
            new(HeaderNames.Supported, options.OfferReliableProvisional ? "timer, 100rel" : "timer"),
            new(HeaderNames.UserAgent, agent.Options.Product),
            new(HeaderNames.ContentType, "application/sdp"),
        };
        // The preloaded route set goes right after Max-Forwards (RFC 3261 §8.1.2; its order is the route).
        headers.InsertRange(2, options.Route.Select(r => new SipHeader(HeaderNames.Route, r.ToString())));
        headers.AddRange(options.Headers);
        return new SipRequest
        {
            Method = SipMethods.Invite,
            Uri = target with { Headers = SipParameters.Empty },
            Headers = [.. headers],
            Body = Encoding.UTF8.GetBytes(offer.ToString()),
        };
    }
}
