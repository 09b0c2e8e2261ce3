using System.Threading.Channels;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;

namespace Ncco.Sip.Dialogs;

/// <summary>A call leg, inbound or outbound: its dialog, its negotiated audio, and its end.</summary>
public abstract class SipCall
{
    private readonly TaskCompletionSource<CallEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _sessionRefresh;
    private TimeSpan _refreshInterval;

    // Bounded, oldest dropped: only the latest audio is the call's state, and a peer sending re-INVITEs while nobody
    // reads must not grow memory. A bounded channel also holds nothing until written to, where an unbounded one starts
    // with a 32-slot queue segment (≈ 0.75 KB on every call, almost none of which ever sees a re-INVITE).
    private readonly Channel<NegotiatedAudio> _mediaChanges = Channel.CreateBounded<NegotiatedAudio>(
        new BoundedChannelOptions(MaxQueuedMediaChanges) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    // Bounded: a peer flooding INFO keys while nobody reads loses the newest keys, never memory.
    private readonly Channel<SipKeyPress> _keyPresses = Channel.CreateBounded<SipKeyPress>(
        new BoundedChannelOptions(MaxQueuedKeyPresses) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    // One transfer at a time (a second REFER while one is undecided or in progress gets 491); a reader that never reads
    // holds at most a few, each refused at its deadline.
    private readonly Channel<SipRefer> _transfers = Channel.CreateBounded<SipRefer>(
        new BoundedChannelOptions(4) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>The most audio changes (<see cref="MediaChanges"/>) held for a reader that has not taken them yet (the oldest go first).</summary>
    public const int MaxQueuedMediaChanges = 16;

    /// <summary>The most keys (<see cref="KeyPresses"/>) held for a reader that has not taken them yet.</summary>
    public const int MaxQueuedKeyPresses = 64;

    private protected SipCall(SipUserAgent agent, string callId)
    {
        Agent = agent;
        CallId = callId;
    }

    /// <summary>Call-ID.</summary>
    public string CallId { get; }

    /// <summary>The dialog once established (after the 2xx, or the first tagged provisional).</summary>
    public SipDialog? Dialog { get; internal set; }

    /// <summary>The audio agreed by the last offer/answer.</summary>
    public NegotiatedAudio? Audio { get; internal set; }

    /// <summary>Our side of the media (kept for re-INVITE answers, with a growing session version).</summary>
    public LocalMedia? LocalMedia { get; internal set; }

    /// <summary>Completes when the call ends, with the reason.</summary>
    public Task<CallEnd> Ended => _ended.Task;

    /// <summary>True once ended.</summary>
    public bool IsEnded => _ended.Task.IsCompleted;

    /// <summary>New audio parameters after a re-INVITE or UPDATE (hold, unhold, new address).</summary>
    public ChannelReader<NegotiatedAudio> MediaChanges => _mediaChanges.Reader;

    /// <summary>Keys the peer signalled in SIP INFO (<c>application/dtmf-relay</c>, <c>application/dtmf</c>), in order.</summary>
    public ChannelReader<SipKeyPress> KeyPresses => _keyPresses.Reader;

    /// <summary>
    /// REFERs the peer sent in this call's dialog (transfers), to accept or refuse (<see cref="SipRefer"/>); undecided ones
    /// are refused after <see cref="SipUserAgentOptions.ReferDecisionTimeout"/>.
    /// </summary>
    public ChannelReader<SipRefer> Transfers => _transfers.Reader;

    /// <summary>The REFER being decided or reported on, if any (under the stack lock).</summary>
    internal SipRefer? ActiveRefer { get; set; }

    /// <summary>The SIP headers the peer sent in its INVITE or 2xx (for X- and User-to-User headers).</summary>
    public abstract SipMessage? PeerMessage { get; }

    private protected SipUserAgent Agent { get; }

    /// <summary>True while our own re-INVITE awaits its final response (a crossing re-INVITE from the peer gets 491).</summary>
    internal bool ReinvitePending { get; set; }

    /// <summary>Ends the call from our side: BYE when established, CANCEL or a rejection before.</summary>
    public Task HangupAsync(CancellationToken cancellation = default) => Agent.HangupAsync(this, cancellation);

    /// <summary>True while we are this session's refresher (RFC 4028), under the stack lock.</summary>
    internal bool IsSessionRefresher => _refreshInterval > TimeSpan.Zero;

    /// <summary>The session interval we refresh at, or zero when the peer refreshes or there is no session timer.</summary>
    internal TimeSpan RefreshInterval => _refreshInterval;

    /// <summary>
    /// Makes us the session's refresher at <paramref name="interval"/> (RFC 4028 §10: a re-INVITE with our current media
    /// at half the interval), or stops refreshing with <see cref="TimeSpan.Zero"/>. Under the stack lock.
    /// </summary>
    internal void RefreshSessionEvery(TimeSpan interval)
    {
        Agent.StopTimer(_sessionRefresh);
        _sessionRefresh = null;
        _refreshInterval = interval > TimeSpan.Zero && !IsEnded ? interval : TimeSpan.Zero;
        if (_refreshInterval > TimeSpan.Zero)
        {
            _sessionRefresh = Agent.StartTimer(_refreshInterval / 2, RefreshSession);
        }
    }

    /// <summary>
    /// A 2xx to an INVITE or re-INVITE we sent: its Session-Expires decides who refreshes next (RFC 4028 §7.2, §7.4).
    /// <c>refresher=uac</c> names us, the sender: we refresh at the interval it grants. <c>refresher=uas</c>, a header we
    /// cannot read, or no header at all (§7.4: no session expiration) leaves refreshing to the peer or to nobody.
    /// </summary>
    internal void FollowSessionTimer(SipResponse response)
    {
        var read = SessionTimerHeader.TryRead(response.Header(HeaderNames.SessionExpires), out var interval, out var refresher);
        var refresh = read && refresher == SessionRefresher.Uac;
        RefreshSessionEvery(refresh ? interval : TimeSpan.Zero);
        OnSessionTimerAnswered(read ? interval : null, refresh, read && refresher == SessionRefresher.Uas);
    }

    /// <summary>
    /// After <see cref="FollowSessionTimer"/>: the interval the 2xx granted (null: no session expiration any more),
    /// whether we refresh it, and whether the 2xx named the peer the refresher (<c>refresher=uas</c>); a call that
    /// watches for the peer's refreshes takes it from here.
    /// </summary>
    private protected virtual void OnSessionTimerAnswered(TimeSpan? interval, bool weRefresh, bool peerRefreshes)
    {
    }

    private void RefreshSession()
    {
        _sessionRefresh = null;
        if (IsEnded || Dialog is null || LocalMedia is not { } media)
        {
            return;
        }
        if (ReinvitePending)
        {
            // Our own re-INVITE (a hold) is under way and refreshes the session itself; look again shortly.
            _sessionRefresh = Agent.StartTimer(TimeSpan.FromSeconds(2), RefreshSession);
            return;
        }
        // We send this re-INVITE, so in it we are the "uac" who refreshes (the roles are the transaction's, §4).
        var value = SessionTimerHeader.Format(_refreshInterval, SessionRefresher.Uac);
        _ = Agent.SendReinviteLocked(this, media, r => r.AddHeader(HeaderNames.SessionExpires, value).AddHeader(HeaderNames.Supported, "timer"),
            response =>
            {
                if (response.IsSuccess)
                {
                    FollowSessionTimer(response);
                }
                else if (response.StatusCode == 491 && !IsEnded)
                {
                    // Glare with the peer's re-INVITE (RFC 3261 §14.1): try again a moment later.
                    _sessionRefresh = Agent.StartTimer(TimeSpan.FromSeconds(2), RefreshSession);
                }
            });
    }

    internal void End(CallEnd end)
    {
        if (_ended.TrySetResult(end))
        {
            Agent.StopTimer(_sessionRefresh);
            _sessionRefresh = null;
            _refreshInterval = TimeSpan.Zero;
            _mediaChanges.Writer.TryComplete();
            _keyPresses.Writer.TryComplete();
            _transfers.Writer.TryComplete();
            ActiveRefer?.OnCallEnded();
            Agent.Forget(this);
            OnEnded();
        }
    }

    internal void PublishMedia(NegotiatedAudio audio)
    {
        Audio = audio;
        _mediaChanges.Writer.TryWrite(audio);
    }

    internal void PublishKey(SipKeyPress key) => _keyPresses.Writer.TryWrite(key);

    internal bool PublishTransfer(SipRefer refer) => _transfers.Writer.TryWrite(refer);

    /// <summary>Releases timers and pending work.</summary>
    private protected virtual void OnEnded()
    {
    }
}
