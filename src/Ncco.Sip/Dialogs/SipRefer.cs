using System.Globalization;
using System.Text;
using Ncco.Sip.Messages;
using Ncco.Sip.Transactions;

namespace Ncco.Sip.Dialogs;

/// <summary>
/// A REFER received in a call's dialog (RFC 3515): the peer asks us to call <see cref="Target"/> — a transfer. The
/// application decides: <see cref="Accept"/> answers 202 and, unless the peer sent <c>Refer-Sub: false</c> (RFC 4488),
/// starts the implicit subscription with a NOTIFY of <c>SIP/2.0 100 Trying</c>; <see cref="Report"/> sends the
/// referred call's progress as <c>message/sipfrag</c> NOTIFYs, a final status (≥ 200) ending the subscription;
/// <see cref="Reject"/> refuses with a final status and reason.
/// </summary>
/// <remarks>
/// Rules, written down because the RFCs leave them to the implementation:
/// <list type="bullet">
/// <item>A REFER nobody decides on within <see cref="SipUserAgentOptions.ReferDecisionTimeout"/> is refused with
/// <c>403 Transfer Not Handled</c>, never left to time out at the peer.</item>
/// <item>The subscription lasts <see cref="SipUserAgentOptions.ReferSubscriptionLifetime"/> (sent as
/// <c>Subscription-State: active;expires=N</c>, N counting down); with no final status by then, a last NOTIFY with the
/// latest status says <c>terminated;reason=timeout</c>. The peer may refresh it with an in-dialog SUBSCRIBE
/// (<c>Event: refer;id=…</c>, RFC 6665): the new term runs from then, capped at the same lifetime, and a NOTIFY with the
/// latest status follows; <c>Expires: 0</c> ends it at once (a last NOTIFY saying <c>terminated</c>).</item>
/// <item>Every NOTIFY carries <c>Event: refer;id=&lt;CSeq of the REFER&gt;</c> so a peer with several REFERs in one dialog
/// can tell them apart (RFC 3515 §2.4.6). A NOTIFY the peer refuses (481, or any error) ends the subscription.</item>
/// <item>When the call ends, an undecided REFER gets 481 and an active subscription ends without further NOTIFYs (its
/// dialog is gone).</item>
/// </list>
/// All members are safe to call from any thread.
/// </remarks>
public sealed class SipRefer
{
    private readonly SipUserAgent _agent;
    private readonly ServerTransaction _transaction;
    private ITimer? _timer;
    private int _lastStatus = 100;
    private string _lastReason = "Trying";

    internal SipRefer(SipUserAgent agent, ServerTransaction transaction, SipCall call, SipUri target, NameAddress? referredBy,
        ReplacesTarget? replaces, SipCall? replacedCall, bool subscribed)
    {
        _agent = agent;
        _transaction = transaction;
        // Kept here: the transaction lets go of its request once it has answered (the 202), and NOTIFYs still read it.
        Request = transaction.Request;
        Call = call;
        Target = target;
        ReferredBy = referredBy;
        Replaces = replaces;
        ReplacedCall = replacedCall;
        Subscribed = subscribed;
    }

    /// <summary>The call whose dialog carried the REFER (the transferor's leg).</summary>
    public SipCall Call { get; }

    /// <summary>The REFER as received.</summary>
    public SipRequest Request { get; }

    /// <summary>Whom to call: the Refer-To URI without its embedded headers (<c>sip:</c>, <c>sips:</c> or <c>tel:</c>).</summary>
    public SipUri Target { get; }

    /// <summary>The Referred-By identity (RFC 3892), when the peer sent one.</summary>
    public NameAddress? ReferredBy { get; }

    /// <summary>For an attended transfer, the dialog the Refer-To's <c>Replaces</c> names; null for a blind transfer.</summary>
    public ReplacesTarget? Replaces { get; }

    /// <summary>The live call of this UA that <see cref="Replaces"/> names (null for a blind transfer).</summary>
    public SipCall? ReplacedCall { get; }

    /// <summary>False when the peer asked for no subscription (<c>Refer-Sub: false</c>, RFC 4488): no NOTIFYs are sent.</summary>
    public bool Subscribed { get; }

    /// <summary>Where the REFER stands.</summary>
    public ReferState State { get; private set; }

    /// <summary>The last status reported to the peer (100 after <see cref="Accept"/>).</summary>
    public int LastStatus { get { lock (_agent.Gate) return _lastStatus; } }

    /// <summary>The NOTIFYs sent so far (for diagnostics and tests), in order.</summary>
    public IReadOnlyList<SipRequest> Notifications { get { lock (_agent.Gate) return [.. _notifications]; } }

    private readonly List<SipRequest> _notifications = [];

    /// <summary>Answers 202 Accepted and, when subscribed, sends the first NOTIFY (<c>100 Trying</c>).</summary>
    /// <returns>False when the REFER was already decided or its call has ended.</returns>
    public bool Accept()
    {
        lock (_agent.Gate)
        {
            if (State != ReferState.Pending || Call.IsEnded) return false;
            _agent.StopTimer(_timer);
            var accepted = _agent.Decorate(SipResponse.For(Request, 202), _transaction.Remote.Transport);
            if (!Subscribed) accepted = accepted.AddHeader(HeaderNames.ReferSub, "false");
            _transaction.Respond(accepted);
            if (!Subscribed)
            {
                State = ReferState.Terminated;
                return true;
            }
            State = ReferState.Active;
            var lifetime = _agent.Options.ReferSubscriptionLifetime;
            _expiresAt = _agent.Layer.Time.GetUtcNow() + lifetime;
            _timer = _agent.StartTimer(lifetime, Expire);
            NotifyLocked(100, "Trying", $"active;expires={Seconds(lifetime)}");
            return true;
        }
    }

    /// <summary>Refuses the REFER with <paramref name="statusCode"/> (3xx–6xx) and <paramref name="reason"/> as its reason phrase.</summary>
    /// <returns>False when the REFER was already decided.</returns>
    public bool Reject(int statusCode, string? reason = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 300);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        lock (_agent.Gate)
        {
            return RejectLocked(statusCode, reason);
        }
    }

    /// <summary>
    /// Reports the referred call's progress: a NOTIFY whose <c>message/sipfrag</c> body is
    /// <c>SIP/2.0 &lt;status&gt; &lt;reason&gt;</c>. A final status (≥ 200) ends the subscription
    /// (<c>terminated;reason=noresource</c>). Ignored when not subscribed or already over.
    /// </summary>
    /// <returns>True when a NOTIFY went out.</returns>
    public bool Report(int statusCode, string? reason = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        lock (_agent.Gate)
        {
            if (State != ReferState.Active || Call.IsEnded) return false;
            reason = Printable(reason) ?? ReasonPhrases.For(statusCode);
            if (statusCode >= 200)
            {
                _agent.StopTimer(_timer);
                State = ReferState.Terminated;
                NotifyLocked(statusCode, reason, "terminated;reason=noresource");
                return true;
            }
            NotifyLocked(statusCode, reason, $"active;expires={Math.Max(1, Seconds(_expiresAt - _agent.Layer.Time.GetUtcNow()))}");
            return true;
        }
    }

    /// <summary>When the subscription runs out unless refreshed (set by <see cref="Accept"/> and each refreshing SUBSCRIBE).</summary>
    private DateTimeOffset _expiresAt;

    /// <summary>
    /// A SUBSCRIBE for this REFER's subscription (under the stack lock, RFC 6665 §4.2.1): answered 200 with the granted
    /// <c>Expires</c> and followed at once by a NOTIFY of the latest status. The grant is what was asked, at most
    /// <see cref="SipUserAgentOptions.ReferSubscriptionLifetime"/> (that when no Expires came), counted from now; its end
    /// sends <c>terminated;reason=timeout</c> as before. <c>Expires: 0</c> unsubscribes: 200 with <c>Expires: 0</c> and
    /// a last NOTIFY with the latest status saying <c>terminated</c> (no reason: the subscriber ended it).
    /// </summary>
    /// <returns>False when the subscription is not active (the caller answers 481).</returns>
    internal bool RefreshLocked(ServerTransaction subscribe, TimeSpan? requested)
    {
        if (State != ReferState.Active || Call.IsEnded) return false;
        var lifetime = _agent.Options.ReferSubscriptionLifetime;
        var granted = requested is { } asked && asked < lifetime ? asked : lifetime;
        var seconds = Seconds(granted);
        subscribe.Respond(_agent.Decorate(SipResponse.For(subscribe.Request, 200), subscribe.Remote.Transport)
            .AddHeader(HeaderNames.Expires, seconds.ToString(CultureInfo.InvariantCulture)));
        _agent.StopTimer(_timer);
        if (seconds == 0)
        {
            State = ReferState.Terminated;
            NotifyLocked(_lastStatus, _lastReason, "terminated");
            return true;
        }
        _expiresAt = _agent.Layer.Time.GetUtcNow() + granted;
        _timer = _agent.StartTimer(granted, Expire);
        NotifyLocked(_lastStatus, _lastReason, $"active;expires={seconds}");
        return true;
    }

    private static long Seconds(TimeSpan span) => (long)Math.Ceiling(span.TotalSeconds);

    internal bool RejectLocked(int statusCode, string? reason)
    {
        if (State != ReferState.Pending) return false;
        _agent.StopTimer(_timer);
        State = ReferState.Rejected;
        if (!_transaction.HasFinalResponse) _transaction.Respond(SipResponse.For(Request, statusCode, Printable(reason)));
        return true;
    }

    /// <summary>Starts the decision deadline (under the stack lock, as the REFER arrives).</summary>
    internal void Begin()
    {
        _timer = _agent.StartTimer(_agent.Options.ReferDecisionTimeout, () => RejectLocked(403, "Transfer Not Handled"));
    }

    /// <summary>The call ended (under the stack lock): an undecided REFER gets 481, a subscription just stops.</summary>
    internal void OnCallEnded()
    {
        if (State == ReferState.Pending)
        {
            RejectLocked(481, "Call Ended");
            return;
        }
        _agent.StopTimer(_timer);
        if (State == ReferState.Active) State = ReferState.Terminated;
    }

    private void Expire()
    {
        if (State != ReferState.Active || Call.IsEnded) return;
        State = ReferState.Terminated;
        NotifyLocked(_lastStatus, _lastReason, "terminated;reason=timeout");
    }

    private void NotifyLocked(int statusCode, string reason, string subscriptionState)
    {
        _lastStatus = statusCode;
        _lastReason = reason;
        var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"SIP/2.0 {statusCode} {reason}\r\n"));
        var cseq = Request.CSeq.Number.ToString(CultureInfo.InvariantCulture);
        var sent = _agent.SendNotifyLocked(Call, r => r
            .AddHeader(HeaderNames.Event, "refer;id=" + cseq)
            .AddHeader(HeaderNames.SubscriptionState, subscriptionState)
            .AddHeader(HeaderNames.ContentType, "message/sipfrag;version=2.0") with { Body = body },
            response =>
            {
                // A NOTIFY the peer refuses (481: it forgot the subscription) ends it: nothing more is sent.
                if (!response.IsSuccess && State == ReferState.Active)
                {
                    _agent.StopTimer(_timer);
                    State = ReferState.Terminated;
                }
            });
        if (sent is not null) _notifications.Add(sent);
    }

    /// <summary>A reason phrase safe for a status line: printable ASCII, at most 100 characters; null when empty.</summary>
    private static string? Printable(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason)) return null;
        var clean = new string([.. reason.Where(c => c is >= ' ' and <= '~').Take(100)]).Trim();
        return clean.Length == 0 ? null : clean;
    }
}
