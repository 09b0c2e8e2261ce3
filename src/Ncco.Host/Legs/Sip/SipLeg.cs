using System.Net;
using Ncco.Calls;
using Ncco.Host.MediaPlane;
using Ncco.Legs;
using Ncco.Model.Endpoints;
using Ncco.Rtp.Sessions;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;

namespace Ncco.Host.Legs.Sip;

/// <summary>
/// One SIP call leg: signalling through <see cref="SipGateway"/>'s user agent, audio over an <see cref="RtpSession"/>
/// on the shared media thread. Inbound, the VM answers it (<see cref="ILegTransport.Answer"/> sends 200 with our SDP);
/// outbound, <see cref="ILegTransport.Dial"/> sends the INVITE and maps the responses to ringing/answered/busy/….
/// </summary>
/// <remarks>
/// RFC 4733 key presses arrive through <see cref="RtpSession.TryReadDtmf"/> and are handed to the media thread's one
/// key path (<see cref="IMediaTransport.ReadDigits"/>), where keys sent as tones in the audio also end up, as on any
/// other leg. Keys pressed on the conversation's other legs go out as RFC 4733 events when the peer agreed to
/// telephone-event, else the media thread plays them as tones. The RTP session is created
/// only once the call is answered, so a call that never connects holds no ports beyond its offer's lease.
/// An inbound late offer (INVITE without SDP) is answered with our offer in the 200; media starts when the ACK brings the
/// caller's answer, and an ACK without a usable one ends the call (the stack sends BYE, the VM sees a hang-up).
/// G.711, G.722 and Opus are agreed in the offerer's order of preference (RFC 3264 §6.1) among <c>Ncco:Sip:Codecs</c>
/// (or the trunk's <c>Codecs</c>); Opus runs at 16 kHz into the mixer, its 48 kHz RTP clock and packet sizes being the
/// RTP session's business.
/// </remarks>
internal sealed class SipLeg : ILegTransport, IMediaTransport
{
    private readonly SipGateway _gateway;
    private readonly MediaThread _mediaThread;
    private readonly ILogger _logger;
    private readonly IncomingCall? _incoming;
    private readonly Task<SipDialTarget>? _target;
    private readonly object _gate = new();
    private ILegEventSink? _sink;
    private OutgoingCall? _outgoing;
    private SipCall? _replacement; // the call that took the dialog's place by INVITE with Replaces (RFC 3891)
    private Ncco.Rtp.Ports.RtpPortLease? _lease;
    private RtpSession? _session;
    // The leg's media.rtp span (SipTracing), from StartMedia to StopMedia; digits counted for its end tags.
    private System.Diagnostics.Activity? _mediaSpan;
    private int _digitsReceived;
    private LegMedia? _media;
    private int _state; // 0 created, 1 ringing/dialling, 2 connected, 3 ended
    private volatile bool _held;
    private readonly Lock _mediaChangeGate = new(); // re-INVITE changes and the media span's end, in dialog order
    private bool _telephoneEvents; // the peer agreed to RFC 4733 events (set before the media thread has the leg)
    // Made by the first INFO key (few calls get one): an empty ConcurrentQueue already holds a 32-slot segment (≈ 0.75 KB).
    private System.Collections.Concurrent.ConcurrentQueue<SipKeyPress>? _infoKeys;
    private SetupClock? _setup; // an inbound call's setup timing, until its 200 (then dropped)
    private List<Playback>? _awaitingAnswer; // late offer: plays started before the ACK brought the caller's answer

    /// <summary>How long each <c>dtmfAnswer</c> key lasts, the silence after it, and what <c>p</c> waits.</summary>
    private static readonly TimeSpan DtmfAnswerKey = TimeSpan.FromMilliseconds(100), DtmfAnswerGap = TimeSpan.FromMilliseconds(60),
        DtmfAnswerPause = TimeSpan.FromMilliseconds(500);

    private SipLeg(SipGateway gateway, MediaThread mediaThread, ILogger logger, IncomingCall? incoming, Task<SipDialTarget>? target)
    {
        _gateway = gateway;
        _mediaThread = mediaThread;
        _logger = logger;
        _incoming = incoming;
        _target = target;
    }

    /// <summary>A leg for a call that arrived (already ringing).</summary>
    public static SipLeg Inbound(SipGateway gateway, MediaThread mediaThread, ILogger logger, IncomingCall call, SetupClock? clock = null)
    {
        return new SipLeg(gateway, mediaThread, logger, call, null) { _state = 1, _setup = clock };
    }

    /// <summary>A leg that will call <paramref name="target"/> (a <c>sip</c> endpoint, or a <c>phone</c> one through a trunk).</summary>
    public static SipLeg Outbound(SipGateway gateway, MediaThread mediaThread, ILogger logger, SipDialTarget target) =>
        new(gateway, mediaThread, logger, null, Task.FromResult(target));

    /// <summary>
    /// A leg whose target is still being worked out (a trunk's caller id from the host's numbers, looked up in the
    /// store while the VM sets the leg up); dialling waits for it.
    /// </summary>
    public static SipLeg Outbound(SipGateway gateway, MediaThread mediaThread, ILogger logger, Task<SipDialTarget> target) =>
        new(gateway, mediaThread, logger, null, target);

    /// <summary>
    /// Where the leg's spans go: for an outbound leg the call's span (<see cref="OutboundLegRequest.TraceContext"/>), the
    /// parent of the INVITE's client span; for an inbound one the INVITE's server span. The BYE, re-INVITE and media spans
    /// (<see cref="SipTracing"/>) are its children.
    /// </summary>
    internal System.Diagnostics.ActivityContext TraceParent { get; set; }

    /// <summary>The SIP call the leg's party is on now: the one it began with, or the last that replaced it.</summary>
    private SipCall? Current
    {
        get
        {
            if (Volatile.Read(ref _replacement) is { } replacement) return replacement;
            if (_incoming is not null) return _incoming;
            lock (_gate) return _outgoing;
        }
    }

    /// <summary>The VM's uuid of the leg (known once attached).</summary>
    public string LegId { get; private set; } = "";

    int IMediaTransport.SampleRate => _session?.SampleRate ?? 8000;

    /// <summary>
    /// True while this is an inbound call not yet answered that came through a proxy staying in its path (it
    /// record-routes: the cluster's SIP front), so a <c>302</c> is followed by the proxy rather than shown to the caller.
    /// </summary>
    internal bool CanRedirect => _incoming is { } call && Volatile.Read(ref _state) == 1 && Volatile.Read(ref _replacement) is null
        && call.Invite.Header(Ncco.Sip.Messages.HeaderNames.RecordRoute) is not null;

    /// <summary>Sends the caller to <paramref name="contact"/> with a <c>302</c> instead of answering; false when it is too late.</summary>
    internal bool Redirect(string contact)
    {
        if (_incoming is null || Interlocked.CompareExchange(ref _state, 3, 1) != 1) return false;
        return _incoming.Redirect(contact);
    }

    // ---- ILegTransport (VM thread) -------------------------------------------------------------------------------------

    void ILegTransport.Attach(ILegEventSink sink)
    {
        _sink = sink;
        if (sink is CallLeg leg) LegId = leg.Id;
        _setup?.Mark("vm");
        // Watched from here, not from creation: a CANCEL that comes before the VM knows the leg must still reach it.
        if (_incoming is not null) _ = WatchEndAsync(_incoming);
    }

    void ILegTransport.Answer()
    {
        if (_incoming is null || Interlocked.CompareExchange(ref _state, 2, 1) != 1) return;
        var setup = _setup;
        _setup = null;
        setup?.Mark("webhook");
        NegotiatedAudio? audio = null;
        var lateOffer = false;
        var failureCode = 0;
        try
        {
            _lease = _gateway.Ports.Allocate();
            if (_incoming.Offer is null)
            {
                // Held before the 200 goes out, so no play the VM starts after this call can slip past the queue.
                lock (_gate) _awaitingAnswer = [];
                lateOffer = true;
            }
            audio = _incoming.Answer(_gateway.LocalMedia(_lease.RtpPort, _gateway.TrunkFrom(_incoming.Source.Address.Address)));
            setup?.Answered();
        }
        catch (Exception e) when (e is SdpNegotiationException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            // 488 (no common codec) was sent by the stack, or the port range is exhausted: the caller is gone either way.
            _logger.AnswerFailed(LegId, e.Message);
            if (e is not SdpNegotiationException) TryReject(503);
            failureCode = e is SdpNegotiationException ? 488 : 503;
            lateOffer = false;
            lock (_gate) _awaitingAnswer = null;
        }
        if (lateOffer)
        {
            _ = StartMediaOnAckAsync(_incoming);
        }
        else if (audio is null)
        {
            // Reported as a failure from inside Answer, so the VM makes the call `failed` (with the code the caller got),
            // never `answered`.
            Interlocked.Exchange(ref _state, 3);
            ReleasePorts();
            _sink?.SipStatus(failureCode);
            _sink?.Failed("internal_error");
        }
        else if (!StartMedia(audio))
        {
            // The 200 is out: end the dialog it formed rather than leave the caller in silence; no media ever flowed,
            // so the call is `failed` as well.
            Interlocked.Exchange(ref _state, 3);
            _ = HangupQuietlyAsync(_incoming);
            _sink?.SipStatus(500);
            _sink?.Failed("internal_error");
        }
        if (Volatile.Read(ref _state) == 2) Connected(_incoming);
    }

    /// <summary>
    /// Late offer (RFC 3264): our offer went in the 200 and the caller's answer comes in the ACK, so media starts then.
    /// Plays the VM started meanwhile were held and start now, in order. An ACK without a usable answer makes the stack
    /// send BYE and end the call, which <see cref="WatchEndAsync"/> reports as a hang-up.
    /// </summary>
    private async Task StartMediaOnAckAsync(IncomingCall call)
    {
        await call.Confirmed;
        if (call.Audio is { } audio && !call.IsEnded && Volatile.Read(ref _state) == 2)
        {
            _logger.LateOfferAnswered(LegId, audio.Codec.Name);
            if (!StartMedia(audio))
            {
                Interlocked.Exchange(ref _state, 3);
                _ = HangupQuietlyAsync(call);
                _sink?.HungUp();
            }
        }
        else if (call.AnswerFailure is { } failure)
        {
            _logger.LateOfferUnusable(LegId, failure);
        }
        List<Playback>? held;
        lock (_gate)
        {
            held = _awaitingAnswer;
            _awaitingAnswer = null;
        }
        // Without media (the call failed) the media thread reports each play finished at once, as for any leg without media.
        foreach (var playback in held ?? []) _mediaThread.Play(_media, playback, _sink);
    }

    void ILegTransport.Dial() => _ = DialAsync();

    void ILegTransport.Play(Playback playback)
    {
        lock (_gate)
        {
            if (_awaitingAnswer is { } held)
            {
                held.Add(playback);
                return;
            }
        }
        _mediaThread.Play(_media, playback, _sink);
    }

    void ILegTransport.StopPlayback(long playbackId)
    {
        lock (_gate)
        {
            if (_awaitingAnswer is { } held)
            {
                held.RemoveAll(p => p.Id == playbackId);
                return;
            }
        }
        _mediaThread.StopPlayback(_media, playbackId);
    }

    void ILegTransport.Hangup()
    {
        var previous = Interlocked.Exchange(ref _state, 3);
        if (previous == 3) return;
        StopMedia();
        if (_incoming is not null)
        {
            // Before the answer the caller gets a final response (the application gave no NCCO); after it, BYE.
            if (previous == 2) _ = HangupQuietlyAsync(Current ?? _incoming);
            else TryReject(480);
        }
        else
        {
            OutgoingCall? call;
            lock (_gate) call = _outgoing;
            if (call is null) return;
            if (previous == 2) _ = HangupQuietlyAsync(Current ?? call);
            else call.Cancel();
        }
    }

    // ---- outbound ---------------------------------------------------------------------------------------------

    private async Task DialAsync()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0) return;
        SipDialTarget target;
        try
        {
            target = await _target!;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.CallNotPlaced(LegId, null, e.Message);
            target = new SipDialTarget(null, "internal_error");
        }
        if (target.Uri is not { } uri)
        {
            Interlocked.Exchange(ref _state, 3);
            // A trunk's refusal (SipDialTarget.Restricted) is reported as Vonage reports a call the network would not place.
            if (target.Failure == SipDialTarget.RestrictedDetail) _sink?.Rejected(SipDialTarget.RestrictedDetail);
            else _sink?.Failed(target.Failure);
            return;
        }
        // The INVITE client transaction, up to its final response, in the call's trace.
        using var span = Ncco.Diagnostics.NccoTracing.Source.StartActivity("sip.invite", System.Diagnostics.ActivityKind.Client, TraceParent);
        span?.SetTag("sip.method", "INVITE");
        span?.SetTag("sip.request.uri", uri.ToString());
        span?.SetTag("ncco.call.uuid", LegId);
        if (span is not null) span.DisplayName = "SIP INVITE";
        OutgoingCall call;
        try
        {
            _lease = _gateway.Ports.Allocate();
            call = await _gateway.Agent.CallAsync(uri, _gateway.LocalMedia(_lease.RtpPort, _gateway.TrunkNamed(target.Trunk)),
                new OutgoingCallOptions { Route = target.Route, Headers = target.Headers, From = target.From, Credentials = target.Credentials, OfferReliableProvisional = target.Offer100Rel });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.CallNotPlaced(LegId, uri, e.Message);
            Interlocked.Exchange(ref _state, 3);
            ReleasePorts();
            _sink?.Failed("cannot_route");
            return;
        }
        lock (_gate) _outgoing = call;
        _gateway.TrackDialling(call, this);
        if (Volatile.Read(ref _state) == 3)
        {
            // The VM gave up while the INVITE was being built.
            call.Cancel();
            ReleasePorts();
            return;
        }
        _ = ReportRingingAsync(call);
        SipResponse final;
        try
        {
            final = await call.Completion;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            final = new SipResponse { StatusCode = 500, ReasonPhrase = e.Message };
        }
        if (Volatile.Read(ref _replacement) is not null)
        {
            // Picked up while ringing (PickUpAsync): the leg lives on the replacing call, and this INVITE was cancelled.
            // The extension's own 2xx (before our CANCEL, or crossing it) forms a dialog nobody wants: it gets BYE.
            span?.SetTag("sip.response.status_code", final.StatusCode);
            span?.SetTag("sip.replaced_by_pickup", true);
            if (final.IsSuccess && !call.IsEnded) await HangupQuietlyAsync(call);
            return;
        }
        span?.SetTag("sip.response.status_code", final.StatusCode);
        if (final.StatusCode >= 400) span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, $"{final.StatusCode} {final.ReasonPhrase}");
        if (final.IsSuccess && call.Audio is { } audio)
        {
            if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
            {
                // Answered as we hung up: end the dialog that just formed.
                await HangupQuietlyAsync(call);
                ReleasePorts();
                return;
            }
            if (!StartMedia(audio))
            {
                Interlocked.Exchange(ref _state, 3);
                await HangupQuietlyAsync(call);
                ReleasePorts();
                _sink?.Failed("internal_error");
                return;
            }
            _sink?.Answered();
            _ = WatchEndAsync(call);
            Connected(call);
            if (target.DtmfAnswer is { Length: > 0 } keys) _ = SendDtmfAnswerAsync(keys);
            return;
        }
        ReleasePorts();
        if (Interlocked.Exchange(ref _state, 3) == 3) return; // we cancelled: the VM already decided the outcome
        _logger.CallFailed(LegId, uri, final.StatusCode, final.ReasonPhrase);
        _sink?.SipStatus(final.StatusCode);
        switch (final.StatusCode)
        {
            case 486 or 600:
                _sink?.Busy();
                break;
            case 603:
                _sink?.Rejected("declined");
                break;
            case 403:
                _sink?.Rejected("restricted");
                break;
            case 408 or 480 or 487:
                _sink?.Unanswered(final.StatusCode == 408 ? "timeout" : "unavailable");
                break;
            default:
                _sink?.Failed(SipTargets.FailureDetail(final.StatusCode));
                break;
        }
    }

    /// <summary>
    /// Sends <c>dtmfAnswer</c> as RFC 4733 events, one key at a time on the media thread (the session's key queue
    /// belongs to it); <c>p</c> waits 500 ms. Stops when the call ends.
    /// </summary>
    private async Task SendDtmfAnswerAsync(string keys)
    {
        foreach (var key in keys)
        {
            if (Volatile.Read(ref _state) != 2 || _session is not { } session) return;
            if (key is 'p' or 'P')
            {
                await Task.Delay(DtmfAnswerPause, _gateway.Time);
                continue;
            }
            if (!Ncco.Media.Dtmf.DtmfDigits.IsDigit(key)) continue; // the NCCO reader has already refused anything else
            _mediaThread.Post(() => session.SendDigit(key, DtmfAnswerKey));
            // The key's packets go out over its duration; the gap after it lets the far end count the next key apart.
            await Task.Delay(DtmfAnswerKey + DtmfAnswerGap, _gateway.Time);
        }
        _logger.DtmfAnswerSent(LegId, keys.Length);
    }

    private async Task ReportRingingAsync(OutgoingCall call)
    {
        try
        {
            await call.Ringing;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return; // the call failed before ringing; the final response reports it
        }
        if (Volatile.Read(ref _state) == 1) _sink?.Ringing();
    }

    // ---- both directions --------------------------------------------------------------------------------------

    /// <summary>The leg's party is on <paramref name="call"/> now: its REFERs are taken, and an INVITE with Replaces may name it.</summary>
    private void Connected(SipCall call)
    {
        _gateway.Transfers.Watch(call, LegId);
        _gateway.TrackConnected(call, this);
    }

    /// <summary>
    /// An INVITE with Replaces (RFC 3891) naming this leg's call: the new caller takes the party's place. It is answered
    /// with our media, its RTP takes over the leg's session on the media thread (so the leg's conversation, recordings,
    /// plays and keys carry on as they were, under the same uuid), and the replaced call gets BYE. Refused (and the leg left
    /// as it was) when the leg is not connected with media, with 488 when the offer has no codec at the leg's audio rate
    /// (the leg's media pipeline keeps its rate), 503 without RTP ports.
    /// </summary>
    internal Task ReplaceAsync(IncomingCall replacing) => TakeOverAsync(replacing, replacing.ReplacedCall!, 481, "Replaced Call Is Not Connected");

    /// <summary>
    /// <paramref name="replacing"/> takes <paramref name="replaced"/>'s place as the leg's call, as for Replaces
    /// (<see cref="ReplaceAsync"/>): the same uuid, conversation and events carry on, and the replaced call gets BYE. Used
    /// too for a later branch of a hand-off INVITE whose earlier branch already continues the call (the front gave up on
    /// that one and never relays its answer; docs/cluster.md). Refused with <paramref name="refusal"/> and
    /// <paramref name="reason"/>, the leg left as it was, when the leg is not connected with media on
    /// <paramref name="replaced"/> (false then; true once the leg is on <paramref name="replacing"/>).
    /// </summary>
    internal async Task<bool> TakeOverAsync(IncomingCall replacing, SipCall replaced, int refusal, string reason)
    {
        var rate = Volatile.Read(ref _session)?.SampleRate;
        if (Volatile.Read(ref _state) != 2 || rate is null || !ReferenceEquals(replaced, Current))
        {
            Refuse(replacing, refusal, reason);
            return false;
        }
        var local = _gateway.LocalMedia(0, _gateway.TrunkFrom(replacing.Source.Address.Address));
        local = local with { Codecs = [.. local.Codecs.Where(c => Ncco.Rtp.Codecs.AudioCodecs.Create(c.Name)?.SampleRate == rate)] };
        if (await AnswerReplacingAsync(replacing, local) is not (var lease, var audio))
        {
            return false;
        }
        if (audio is null || CreateSession(audio, lease) is not { } session)
        {
            _logger.ReplaceRefused(LegId, replacing.Source, replacing.AnswerFailure ?? "no media");
            lease.Dispose();
            await HangupQuietlyAsync(replacing);
            return false;
        }
        RtpSession? previous;
        lock (_mediaChangeGate)
        {
            if (Volatile.Read(ref _media) is null || Volatile.Read(ref _state) != 2)
            {
                previous = null;
            }
            else
            {
                previous = Volatile.Read(ref _session);
                SipTracing.EndMedia(Interlocked.Exchange(ref _mediaSpan, null), previous?.Statistics, Volatile.Read(ref _digitsReceived));
                _held = audio.IsOnHold;
                _telephoneEvents = audio.TelephoneEventPayloadType is >= 0 and <= 127;
                Volatile.Write(ref _replacement, replacing);
                Volatile.Write(ref _session, session);
                _mediaSpan = SipTracing.StartMedia(TraceParent, LegId, audio, session.LocalRtpPort);
            }
        }
        if (previous is null)
        {
            // The leg ended while the replacing call was being answered: it has nothing to take over.
            _logger.ReplaceRefused(LegId, replacing.Source, "the leg ended meanwhile");
            await session.DisposeAsync();
            await HangupQuietlyAsync(replacing);
            return false;
        }
        // The old session is let go once the media thread is done with this tick (it may be reading it right now).
        _mediaThread.Post(() => _ = Task.Run(async () => await previous.DisposeAsync()));
        _logger.LegReplaced(LegId, replacing.Source, replaced.CallId, audio.Codec.Name);
        _ = WatchEndAsync(replacing);
        _ = FollowMediaChangesAsync(session, replacing);
        _ = FollowKeyPressesAsync(replacing);
        Connected(replacing);
        await HangupQuietlyAsync(replaced);
        return true;
    }

    /// <summary>
    /// An INVITE with Replaces (RFC 3891 §3) naming the early dialog of this outbound leg's INVITE while it still rings,
    /// as a PBX sends for call pick-up (another phone answers the ringing extension's call): the new caller answers the
    /// leg in the callee's place. It is answered with our media (the codecs of its own trunk or of the host, as any
    /// caller), our INVITE is CANCELled, and the leg is <c>answered</c> as if the callee had answered — the same uuid,
    /// the events of an answered leg, the NCCO's connect goes on. Refused (the leg left ringing) with 481 when the leg
    /// no longer rings, 503 without RTP ports, 488 (by the stack) without a common codec. When the callee's own 200
    /// wins the race while the new caller is being answered, the leg is the callee's and the new caller gets BYE.
    /// </summary>
    internal async Task PickUpAsync(IncomingCall replacing)
    {
        OutgoingCall? dialling;
        lock (_gate) dialling = _outgoing;
        if (Volatile.Read(ref _state) != 1 || dialling is null || !ReferenceEquals(dialling, replacing.ReplacedCall) || dialling.Completion.IsCompleted)
        {
            Refuse(replacing, 481, "Replaced Call Is No Longer Ringing");
            return;
        }
        if (await AnswerReplacingAsync(replacing, _gateway.LocalMedia(0, _gateway.TrunkFrom(replacing.Source.Address.Address))) is not (var lease, var audio))
        {
            return;
        }
        if (audio is null || Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            // No usable answer in the ACK, or the callee answered (or the leg ended) while the new caller was answered.
            _logger.ReplaceRefused(LegId, replacing.Source, replacing.AnswerFailure ?? (audio is null ? "no media" : "the leg stopped ringing meanwhile"));
            lease.Dispose();
            await HangupQuietlyAsync(replacing);
            return;
        }
        Volatile.Write(ref _replacement, replacing);
        // The offer's ports carried nothing yet (media starts at the answer): the replacing call has its own.
        ReleasePorts();
        if (!StartMedia(audio, lease))
        {
            Interlocked.Exchange(ref _state, 3);
            dialling.Cancel();
            await HangupQuietlyAsync(replacing);
            _sink?.Failed("internal_error");
            return;
        }
        _logger.LegPickedUp(LegId, replacing.Source, dialling.CallId, audio.Codec.Name);
        _sink?.Answered();
        _ = WatchEndAsync(replacing);
        Connected(replacing);
        // The ringing INVITE is cancelled once the new dialog is confirmed (its ACK, or its end): the PBX sees the pick-up
        // answered before the extension stops ringing, never the other way round. A 200 from the extension meanwhile
        // is ended by DialAsync.
        await replacing.Confirmed;
        dialling.Cancel();
    }

    /// <summary>
    /// Answers a call that replaces this leg's party (<see cref="ReplaceAsync"/>, <see cref="PickUpAsync"/>) on fresh RTP
    /// ports with <paramref name="local"/>'s codecs. Null when it was refused: 503 without ports, 488 (sent by the stack)
    /// without a common codec, or the caller gave up; the ports are then freed. The audio is null when a late offer's ACK
    /// brought no usable answer or the call ended first; the caller then frees the lease and hangs up.
    /// </summary>
    private async Task<(Ncco.Rtp.Ports.RtpPortLease Lease, NegotiatedAudio? Audio)?> AnswerReplacingAsync(IncomingCall replacing, LocalMedia local)
    {
        Ncco.Rtp.Ports.RtpPortLease lease;
        try
        {
            lease = _gateway.Ports.Allocate();
        }
        catch (InvalidOperationException e)
        {
            Refuse(replacing, 503, e.Message);
            return null;
        }
        try
        {
            var audio = replacing.Answer(local with { Port = lease.RtpPort });
            if (audio is null)
            {
                // A late offer: our offer went in the 200 and the caller's answer comes in its ACK.
                await replacing.Confirmed;
                audio = replacing.IsEnded ? null : replacing.Audio;
            }
            return (lease, audio);
        }
        catch (Exception e) when (e is SdpNegotiationException or InvalidOperationException)
        {
            _logger.ReplaceRefused(LegId, replacing.Source, e.Message);
            lease.Dispose();
            return null;
        }
    }

    private void Refuse(IncomingCall call, int status, string reason)
    {
        _logger.ReplaceRefused(LegId, call.Source, reason);
        try
        {
            call.Reject(status, reason);
        }
        catch (InvalidOperationException)
        {
            // The caller gave up first.
        }
    }

    private async Task WatchEndAsync(SipCall call)
    {
        CallEnd end;
        try
        {
            end = await call.Ended;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            end = new CallEnd(CallEndReason.TransportFailure);
        }
        if (end.Reason == CallEndReason.LocalHangup) return;
        // A call that was replaced (RFC 3891) ending is not the party leaving: it is on the replacing call now.
        if (!ReferenceEquals(call, Current)) return;
        var previous = Interlocked.Exchange(ref _state, 3);
        if (previous == 3) return;
        _logger.PartyEnded(LegId, end.Reason, end.StatusCode);
        SipTracing.PeerEnded(TraceParent, LegId, end);
        StopMedia();
        if (_media is null) ReleasePorts();
        _sink?.HungUp();
    }

    private static Ncco.Rtp.Srtp.SrtpMasterKey Key(SdesCrypto crypto) =>
        Ncco.Rtp.Srtp.SrtpMasterKey.TryParseInline(crypto.InlineKey, out var key) ? key!
            : throw new ArgumentException($"the SDES key of a=crypto:{crypto.Tag} is not 30 bytes of base64");

    /// <summary>Starts the leg's media on <paramref name="lease"/> (a picked-up call's own ports), else on the leg's.</summary>
    private bool StartMedia(NegotiatedAudio audio, Ncco.Rtp.Ports.RtpPortLease? lease = null)
    {
        if (CreateSession(audio, lease ?? _lease) is not { } session)
        {
            lease?.Dispose();
            return false;
        }
        if (lease is null) _lease = null; // the session owns the ports now
        _session = session;
        _mediaSpan = SipTracing.StartMedia(TraceParent, LegId, audio, session.LocalRtpPort);
        _telephoneEvents = audio.TelephoneEventPayloadType is >= 0 and <= 127;
        var media = new LegMedia(_mediaThread, LegId, this) { Sink = _sink };
        _media = media;
        _mediaThread.Post(() => _mediaThread.Add(media));
        var call = Current!;
        _ = FollowMediaChangesAsync(session, call);
        _ = FollowKeyPressesAsync(call);
        return true;
    }

    /// <summary>An RTP session on <paramref name="lease"/>'s ports for the agreed audio; null (logged) when it cannot start.</summary>
    private RtpSession? CreateSession(NegotiatedAudio audio, Ncco.Rtp.Ports.RtpPortLease? lease)
    {
        if (!IPAddress.TryParse(audio.RemoteAddress, out var remoteAddress)) remoteAddress = IPAddress.Any;
        RtpSession session;
        try
        {
            session = new RtpSession(lease ?? throw new InvalidOperationException("no RTP ports"), new RtpSessionOptions
            {
                Codec = audio.Codec.Name.ToUpperInvariant(),
                // Opus is on a dynamic type the offerer chose; the peer's fmtp (useinbandfec, maxplaybackrate…) steers our encoder.
                CodecPayloadType = audio.Codec.PayloadType is >= 0 and <= 127 ? (byte)audio.Codec.PayloadType : null,
                CodecParameters = audio.Codec.Fmtp,
                TelephoneEventPayloadType = audio.TelephoneEventPayloadType is int pt and >= 0 and <= 127 ? (byte)pt : null,
                TelephoneEventClockRate = audio.TelephoneEventClockRate is >= 1000 and <= 96000 ? audio.TelephoneEventClockRate : null,
                RemoteRtp = remoteAddress.Equals(IPAddress.Any) ? null : new IPEndPoint(remoteAddress, audio.RemotePort),
                Latching = true,
                // The media thread reads every leg every 20 ms: it takes the datagrams itself, sparing a thread-pool
                // work item and an epoll wake-up per packet (most of the receive cost with hundreds of calls).
                ReceiveOnRead = true,
                DeferSend = true,
                DirectSocketCalls = _gateway.DirectSocketCalls,
                Pacer = _gateway.Pacer,
                SrtpSendKey = audio.IsSecure ? Key(audio.LocalCrypto!) : null,
                SrtpReceiveKey = audio.IsSecure ? Key(audio.RemoteCrypto!) : null,
            }, _gateway.Time);
            session.Start();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or System.Net.Sockets.SocketException)
        {
            _logger.RtpNotStarted(LegId, e.Message);
            return null;
        }
        return session;
    }

    /// <summary>Keys the peer signals in SIP INFO join the RTP/in-band key path (<see cref="IMediaTransport.ReadDigits"/>).</summary>
    private async Task FollowKeyPressesAsync(SipCall call)
    {
        try
        {
            await foreach (var key in call.KeyPresses.ReadAllAsync())
            {
                // Bounded like the call's own queue: a peer pressing faster than the media thread reads loses keys, not memory.
                var keys = Volatile.Read(ref _infoKeys) ?? InfoKeys();
                if (keys.Count < SipCall.MaxQueuedKeyPresses) keys.Enqueue(key);
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or System.Threading.Channels.ChannelClosedException)
        {
            // The call is over.
        }
    }

    private System.Collections.Concurrent.ConcurrentQueue<SipKeyPress> InfoKeys()
    {
        // Both calls' followers may arrive here at once around a replacement: one queue wins.
        Interlocked.CompareExchange(ref _infoKeys, new(), null);
        return _infoKeys;
    }

    /// <summary>Applies re-INVITEs: hold stops our audio (the peer asked not to receive), a new address redirects it.</summary>
    private async Task FollowMediaChangesAsync(RtpSession session, SipCall call)
    {
        try
        {
            while (await call.MediaChanges.WaitToReadAsync())
            {
                lock (_mediaChangeGate)
                {
                    // A replaced call's late re-INVITE must not redirect the replacing call's session.
                    if (!ReferenceEquals(call, Current)) return;
                    while (call.MediaChanges.TryRead(out var change)) ApplyMediaChange(session, change);
                }
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or System.Threading.Channels.ChannelClosedException)
        {
            // The call or its session is over.
        }
    }

    private void ApplyMediaChange(RtpSession session, NegotiatedAudio change)
    {
        SipTracing.ReInvite(TraceParent, LegId, change);
        SipTracing.MediaChanged(_mediaSpan, change, _held);
        _held = change.IsOnHold;
        if (IPAddress.TryParse(change.RemoteAddress, out var address) && !address.Equals(IPAddress.Any) && change.RemotePort > 0)
            session.SetRemote(new IPEndPoint(address, change.RemotePort));
        _logger.MediaChanged(LegId, change.Direction, change.RemoteAddress, change.RemotePort);
    }

    private void StopMedia()
    {
        var media = Interlocked.Exchange(ref _media, null);
        if (media is null) return;
        RtpSession? session;
        lock (_mediaChangeGate)
        {
            // Under the gate: a replacing call (ReplaceAsync) swaps the session under it too, so exactly one of us disposes each.
            session = Volatile.Read(ref _session);
            // A re-INVITE answered just before the BYE may not have reached FollowMediaChangesAsync yet: apply it here,
            // under the same gate, so the media span ends with every change the dialog accepted.
            var call = Current;
            if (call is not null && session is not null)
            {
                while (call.MediaChanges.TryRead(out var change)) ApplyMediaChange(session, change);
            }
            SipTracing.EndMedia(Interlocked.Exchange(ref _mediaSpan, null), session?.Statistics, Volatile.Read(ref _digitsReceived));
        }
        // The session is disposed only once the media thread has let go of the leg.
        _mediaThread.Post(() =>
        {
            _mediaThread.Remove(media);
            if (session is not null) _ = Task.Run(async () => await session.DisposeAsync());
        });
    }

    private void ReleasePorts() => Interlocked.Exchange(ref _lease, null)?.Dispose();

    private void TryReject(int status)
    {
        try
        {
            _incoming?.Reject(status);
        }
        catch (InvalidOperationException)
        {
            // Already answered or ended.
        }
    }

    private async Task HangupQuietlyAsync(SipCall call)
    {
        var span = SipTracing.StartBye(TraceParent, LegId);
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(32));
            await call.HangupAsync(limit.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
            _logger.ByeNotConfirmed(LegId, e.Message);
        }
        finally
        {
            span?.Dispose();
            ReleasePorts();
        }
    }

    // ---- IMediaTransport (media thread) -----------------------------------------------------------------------

    bool IMediaTransport.ReadInbound(Span<short> frame) => _session?.ReadFrame(frame) ?? false;

    int IMediaTransport.ReadDigits(Span<Ncco.Media.Dtmf.DtmfDetection> digits)
    {
        var session = _session;
        var n = 0;
        // Keys beyond the span wait in the session's queue for the next tick.
        while (session is not null && n < digits.Length && session.TryReadDtmf(out var key))
        {
            digits[n++] = key;
            if (key.IsEnd) _digitsReceived++;
        }
        // A key from SIP INFO is whole when it arrives: its start and its end go in the same tick.
        var infoKeys = Volatile.Read(ref _infoKeys);
        while (infoKeys is not null && n + 2 <= digits.Length && infoKeys.TryDequeue(out var info))
        {
            digits[n++] = new Ncco.Media.Dtmf.DtmfDetection(info.Digit, IsEnd: false, 0, 0);
            digits[n++] = new Ncco.Media.Dtmf.DtmfDetection(info.Digit, IsEnd: true, 0, info.DurationMilliseconds);
            _digitsReceived++;
        }
        return n;
    }

    void IMediaTransport.WriteOutbound(ReadOnlySpan<short> frame)
    {
        if (Volatile.Read(ref _state) == 2 && !_held) _session?.WriteFrame(frame);
    }

    // The session builds each frame's packet in WriteOutbound (DeferSend) and the media thread sends every leg's here,
    // all at one instant after the tick: see MediaThread.
    void IMediaTransport.FlushOutbound() => _session?.FlushSend();

    bool IMediaTransport.ConversationDtmf(char digit, int durationMilliseconds)
    {
        if (!_telephoneEvents) return false;
        // False from SendDigit means its queue is full (a runaway sender): the key is dropped, not turned into a tone.
        _session?.SendDigit(digit, TimeSpan.FromMilliseconds(Math.Clamp(durationMilliseconds, 40, 2000)));
        return true;
    }
}
