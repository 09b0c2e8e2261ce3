using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Ncco.Sip.Auth;
using Ncco.Sip.Messages;
using Ncco.Sip.Parsing;
using Ncco.Sip.Sdp;
using Ncco.Sip.Transactions;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Dialogs;

/// <summary>
/// The UA core (RFC 3261 §8, §12–15) on top of the transaction layer: accepts and places calls, keeps their dialogs, answers
/// BYE, CANCEL, OPTIONS, re-INVITE and UPDATE (hold/unhold and session refresh), rejects what it does not do with the
/// right status. Shares the transaction layer's lock; application code only ever sees tasks and channels, so none of it
/// runs under the lock.
/// </summary>
public sealed class SipUserAgent : ITransactionUser, IAsyncDisposable
{
    /// <summary>The methods we answer, for Allow headers.</summary>
    public const string AllowedMethods = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO, PRACK, REFER, SUBSCRIBE";

    /// <summary>The event packages we take SUBSCRIBEs for (Allow-Events): only <c>refer</c>, the implicit subscription of a REFER.</summary>
    public const string AllowedEvents = "refer";

    /// <summary>Largest INVITE sent over UDP; bigger ones switch to TCP to the same address (RFC 3261 §18.1.1).</summary>
    public const int MaxUdpRequestBytes = 1300;

    private readonly Dictionary<string, SipCall> _dialogs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ITimer? Timer, SipResponse Ok, SipEndPoint To, TimeSpan Interval)> _reinviteOks = new(StringComparer.Ordinal);
    private readonly Channel<IncomingCall> _incoming = Channel.CreateUnbounded<IncomingCall>(new UnboundedChannelOptions { SingleReader = false });
    private readonly List<IncomingCall> _pending = [];
    // Calls we placed, by Call-ID, until they end: an INVITE with Replaces may name one's early dialog (RFC 3891 §3).
    private readonly Dictionary<string, OutgoingCall> _placed = new(StringComparer.Ordinal);

    /// <summary>Creates the UA core over a transaction layer (not yet started).</summary>
    public SipUserAgent(TransactionLayer layer, SipUserAgentOptions? options = null)
    {
        Layer = layer;
        Options = options ?? new SipUserAgentOptions();
        layer.Transport.Diagnostics?.Attach(this);
    }

    /// <summary>
    /// Convenience: binds the given transports on <paramref name="address"/> (port 0 picks free ports) and builds the
    /// whole stack. Call <see cref="Start"/> afterwards.
    /// </summary>
    /// <param name="address">Local address; port 0 picks a free port (shared by UDP and TCP).</param>
    /// <param name="time">The clock for every timer.</param>
    /// <param name="options">UA settings.</param>
    /// <param name="timers">T1/T2/T4 and the derived timers.</param>
    /// <param name="tls">TLS settings; a TLS listener on a free port is added when given.</param>
    /// <param name="udp">Listen on UDP.</param>
    /// <param name="tcp">Listen on TCP.</param>
    /// <param name="advertisedHost">Host for Via and Contact (the public address behind NAT); defaults to the bound address.</param>
    /// <param name="tlsPort">Port of the TLS listener (0, the default, picks a free one; 5061 is SIP's usual).</param>
    /// <param name="diagnostics">Where handler failures are logged and the stack's instruments read from; none when null.</param>
    /// <remarks>For other limits build the layers yourself: transports, <see cref="SipTransportLayer"/>, <see cref="TransactionLayer"/>.</remarks>
    public static SipUserAgent Create(IPEndPoint address, TimeProvider time, SipUserAgentOptions? options = null, SipTimers? timers = null,
        SipTlsOptions? tls = null, bool udp = true, bool tcp = true, string? advertisedHost = null, int tlsPort = 0,
        Diagnostics.SipDiagnostics? diagnostics = null)
    {
        var transports = BindUdpAndTcp(address, udp, tcp);
        if (tls is not null)
        {
            try
            {
                transports.Add(new StreamSipTransport(new IPEndPoint(address.Address, tlsPort), tls));
            }
            catch (System.Net.Sockets.SocketException)
            {
                // The UDP and TCP sockets are already bound: free them before reporting the TLS port as taken.
                foreach (var transport in transports) transport.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw;
            }
        }
        var layer = new TransactionLayer(new SipTransportLayer(transports, advertisedHost: advertisedHost, diagnostics: diagnostics), time, timers);
        return new SipUserAgent(layer, options);
    }

    private static List<ISipTransport> BindUdpAndTcp(IPEndPoint address, bool udp, bool tcp)
    {
        if (!(udp && tcp))
        {
            return udp ? [new UdpSipTransport(address)] : tcp ? [new StreamSipTransport(address)] : [];
        }
        // Same port number for TCP as for UDP, as peers expect of one SIP address. With port 0 the free UDP port may be
        // taken for TCP, so try a few.
        for (var attempt = 0; ; attempt++)
        {
            var datagram = new UdpSipTransport(address);
            try
            {
                return [datagram, new StreamSipTransport(new IPEndPoint(address.Address, datagram.LocalEndPoint.Port))];
            }
            catch (System.Net.Sockets.SocketException error) when (address.Port == 0 && attempt < 20
                && error.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
            {
                datagram.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>The transaction layer.</summary>
    public TransactionLayer Layer { get; }

    /// <summary>Options.</summary>
    public SipUserAgentOptions Options { get; }

    internal Lock Gate => Layer.Gate;

    /// <summary>Live dialogs (for tests and metrics).</summary>
    public int DialogCount { get { lock (Gate) { return _dialogs.Count; } } }

    /// <summary>Starts the transports.</summary>
    public void Start() => Layer.Start(this);

    /// <summary>Waits for the next incoming call.</summary>
    public ValueTask<IncomingCall> AcceptAsync(CancellationToken cancellation = default) => _incoming.Reader.ReadAsync(cancellation);

    /// <summary>Takes the next incoming call if one is already waiting.</summary>
    public bool TryAccept([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IncomingCall? call) => _incoming.Reader.TryRead(out call);

    /// <summary>Places a call to <paramref name="target"/> offering <paramref name="local"/> media.</summary>
    public async Task<OutgoingCall> CallAsync(SipUri target, LocalMedia local, OutgoingCallOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= new OutgoingCallOptions();
        var endPoint = await Layer.Transport.ResolveAsync(options.Route.Count > 0 ? options.Route[0].Uri : target, cancellation).ConfigureAwait(false);
        var offer = SdpNegotiator.CreateOffer(local);
        lock (Gate)
        {
            var invite = OutgoingCall.BuildInvite(this, target, endPoint, offer, options);
            if (endPoint.Transport == SipTransportKind.Udp && invite.ToBytes().Length > MaxUdpRequestBytes
                && Layer.Transport.Transports.ContainsKey(SipTransportKind.Tcp))
            {
                // §18.1.1: a request over 1300 bytes (path MTU unknown) must go over a congestion-controlled transport.
                endPoint = endPoint with { Transport = SipTransportKind.Tcp };
                invite = OutgoingCall.BuildInvite(this, target, endPoint, offer, options);
            }
            var call = new OutgoingCall(this, invite, endPoint, local, offer, options);
            _placed[call.CallId] = call;
            call.Begin();
            return call;
        }
    }

    /// <summary>
    /// Registers <paramref name="addressOfRecord"/> with <paramref name="registrar"/> (answering a digest challenge with
    /// <see cref="SipUserAgentOptions.Credentials"/>) and keeps it refreshed until the returned registration is disposed.
    /// Check <see cref="Registration.SipRegistration.IsRegistered"/> and <see cref="Registration.SipRegistration.LastResponse"/>.
    /// </summary>
    public Task<Registration.SipRegistration> RegisterAsync(SipUri registrar, SipUri addressOfRecord, TimeSpan expires, CancellationToken cancellation = default) =>
        RegisterAsync(registrar, addressOfRecord, expires, null, cancellation);

    /// <summary>
    /// As <see cref="RegisterAsync(SipUri, SipUri, TimeSpan, CancellationToken)"/>, answering challenges with
    /// <paramref name="credentials"/> (or <see cref="SipUserAgentOptions.Credentials"/> when null): one UA may register
    /// with several trunks, each with its own account.
    /// </summary>
    public async Task<Registration.SipRegistration> RegisterAsync(SipUri registrar, SipUri addressOfRecord, TimeSpan expires,
        DigestCredentials? credentials, CancellationToken cancellation = default)
    {
        var target = await Layer.Transport.ResolveAsync(registrar, cancellation).ConfigureAwait(false);
        var registration = new Registration.SipRegistration(this, registrar, addressOfRecord, expires, target) { Credentials = credentials };
        await registration.RefreshAsync(cancellation).ConfigureAwait(false);
        return registration;
    }

    /// <summary>Sends OPTIONS (keep-alive / health check) and returns the final response (408 on timeout).</summary>
    public async Task<SipResponse> OptionsAsync(SipUri target, CancellationToken cancellation = default)
    {
        var endPoint = await Layer.Transport.ResolveAsync(target, cancellation).ConfigureAwait(false);
        var task = new TransactionTask();
        lock (Gate)
        {
            var transport = Layer.Transport;
            var request = new SipRequest
            {
                Method = SipMethods.Options,
                Uri = target,
                Headers =
                [
                    new(HeaderNames.Via, transport.CreateVia(endPoint.Transport, SipIds.NewBranch()).ToString()),
                    new(HeaderNames.MaxForwards, "70"),
                    new(HeaderNames.From, new NameAddress { Uri = new SipUri { Scheme = "sip", User = Options.User, Host = transport.AdvertisedHost } }.WithTag(SipIds.NewTag()).ToString()),
                    new(HeaderNames.To, new NameAddress { Uri = target }.ToString()),
                    new(HeaderNames.CallId, SipIds.NewCallId()),
                    new(HeaderNames.CSeq, "1 OPTIONS"),
                    new(HeaderNames.UserAgent, Options.Product),
                ],
            };
            Layer.SendRequest(request, endPoint, task);
        }
        return await task.Final.WaitAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a re-INVITE with <paramref name="local"/> (for example <see cref="MediaDirection.SendOnly"/> to hold,
    /// SendRecv to resume) and returns the final response; the new audio is published on the call's MediaChanges.
    /// </summary>
    public async Task<SipResponse> ReinviteAsync(SipCall call, LocalMedia local, CancellationToken cancellation = default)
    {
        Task<SipResponse> final;
        lock (Gate)
        {
            if (call.Dialog is null || call.IsEnded)
            {
                throw new InvalidOperationException("the call has no established dialog");
            }
            if (call.ReinvitePending)
            {
                throw new InvalidOperationException("a re-INVITE is already in progress on this call");
            }
            final = SendReinviteLocked(call, local, r => r);
        }
        return await final.WaitAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a re-INVITE offering <paramref name="local"/> (the call has a dialog and no re-INVITE pending); the 2xx is
    /// ACKed and its audio published. <paramref name="decorate"/> adds headers (a session refresh's Session-Expires);
    /// <paramref name="onFinal"/> sees the final response as soon as it arrives, under the stack lock.
    /// </summary>
    internal Task<SipResponse> SendReinviteLocked(SipCall call, LocalMedia local, Func<SipRequest, SipRequest> decorate, Action<SipResponse>? onFinal = null)
    {
        local = local with { SessionVersion = (call.LocalMedia?.SessionVersion ?? 0) + 1 };
        var offer = SdpNegotiator.CreateOffer(local);
        var body = Encoding.UTF8.GetBytes(offer.ToString());
        var final = SendInDialogLocked(call, SipMethods.Invite, r => decorate(r.AddHeader(HeaderNames.ContentType, "application/sdp") with { Body = body }), out _,
            (request, response) =>
            {
                call.ReinvitePending = false;
                AckReinvite(call, request, response, offer, local);
                onFinal?.Invoke(response);
            });
        call.ReinvitePending = true;
        call.LocalMedia = local;
        return final;
    }

    /// <summary>Ends a call from our side (BYE, CANCEL or a 603 before the answer).</summary>
    public async Task HangupAsync(SipCall call, CancellationToken cancellation = default)
    {
        Task wait;
        lock (Gate)
        {
            if (call.IsEnded)
            {
                return;
            }
            switch (call)
            {
                case IncomingCall incoming when !incoming.Transaction.HasFinalResponse:
                    incoming.Reject(603);
                    return;
                case OutgoingCall outgoing when outgoing.Dialog is null:
                    outgoing.Cancel();
                    wait = outgoing.Completion;
                    break;
                default:
                    wait = SendByeLocked(call);
                    call.End(new CallEnd(CallEndReason.LocalHangup));
                    break;
            }
        }
        await wait.WaitAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>Sends BYE in the call's dialog; completes when it is answered (or at once when there is no dialog to end).</summary>
    internal Task SendByeLocked(SipCall call) =>
        call.Dialog is null ? Task.CompletedTask : SendInDialogLocked(call, SipMethods.Bye, null, out _);

    private Task<SipResponse> SendInDialogLocked(SipCall call, string method, Func<SipRequest, SipRequest>? decorate, out SipRequest sent,
        Action<SipRequest, SipResponse>? onFinal = null)
    {
        var dialog = call.Dialog!;
        var hopUri = dialog.RouteSet.Count > 0 ? dialog.RouteSet[0].Uri : dialog.RemoteTarget;
        var hop = NextHop(dialog);
        var kind = hop?.Transport ?? KindOf(hopUri);
        var request = dialog.CreateRequest(method, Layer.Transport.CreateVia(kind, SipIds.NewBranch()), Layer.Transport.CreateContact(kind, Options.User))
            .AddHeader(HeaderNames.UserAgent, Options.Product);
        request = decorate?.Invoke(request) ?? request;
        sent = request;
        var task = new TransactionTask(onFinal);
        if (hop is not null)
        {
            Layer.SendRequest(request, hop, task);
            return task.Final;
        }
        return ResolveAndSendAsync(request, hopUri, task);
    }

    private async Task<SipResponse> ResolveAndSendAsync(SipRequest request, SipUri hop, TransactionTask task)
    {
        try
        {
            var endPoint = await Layer.Transport.ResolveAsync(hop, CancellationToken.None).ConfigureAwait(false);
            lock (Gate)
            {
                Layer.SendRequest(request, endPoint, task);
            }
            return await task.Final.ConfigureAwait(false);
        }
        catch (Exception error) when (error is System.Net.Sockets.SocketException or InvalidOperationException)
        {
            lock (Gate)
            {
                return task.Fail(request, 503, "Next Hop Unresolvable");
            }
        }
    }

    private void AckReinvite(SipCall call, SipRequest reinvite, SipResponse response, SessionDescription offer, LocalMedia local)
    {
        lock (Gate)
        {
            if (call.Dialog is not { } dialog || call.IsEnded || !response.IsSuccess)
            {
                return;
            }
            var ack = dialog.CreateRequest(SipMethods.Ack, Layer.Transport.CreateVia(KindOf(dialog.RemoteTarget), SipIds.NewBranch()),
                Layer.Transport.CreateContact(KindOf(dialog.RemoteTarget), Options.User), reinvite.CSeq.Number);
            SendAckLocked(ack, dialog);
            try
            {
                call.PublishMedia(SdpNegotiator.ReadAnswer(offer, SdpParser.Parse(response.BodyText), local));
            }
            catch (Exception error) when (error is SdpNegotiationException or SipParseException)
            {
                // The peer accepted the re-INVITE with an unusable answer: keep the previous media (RFC 3264 §8 leaves it in place).
            }
        }
    }

    internal void AckAndByeFork(SipDialog fork, long inviteCSeq)
    {
        var kind = fork.PeerEndPoint!.Transport;
        var contact = Layer.Transport.CreateContact(kind, Options.User);
        Layer.SendStateless(fork.CreateRequest(SipMethods.Ack, Layer.Transport.CreateVia(kind, SipIds.NewBranch()), contact, inviteCSeq), fork.PeerEndPoint);
        var bye = fork.CreateRequest(SipMethods.Bye, Layer.Transport.CreateVia(kind, SipIds.NewBranch()), contact);
        Layer.SendRequest(bye, fork.PeerEndPoint, new TransactionTask());
    }

    internal void SendAck(SipRequest ack, OutgoingCall call) => SendAckLocked(ack, call.Dialog!);

    private void SendAckLocked(SipRequest ack, SipDialog dialog)
    {
        var hop = NextHop(dialog);
        if (hop is not null)
        {
            Layer.SendStateless(ack, hop);
        }
    }

    internal static SipEndPoint? NextHopOf(SipDialog dialog) => NextHop(dialog);

    private static SipEndPoint? NextHop(SipDialog dialog)
    {
        if (dialog.PeerEndPoint is { } peer)
        {
            return peer;
        }
        var uri = dialog.RouteSet.Count > 0 ? dialog.RouteSet[0].Uri : dialog.RemoteTarget;
        var kind = KindOf(uri);
        return IPAddress.TryParse(uri.Parameters["maddr"] ?? uri.HostWithoutBrackets, out var address)
            ? new SipEndPoint(kind, new IPEndPoint(address, uri.Port ?? kind.DefaultPort()))
            : null;
    }

    private static SipTransportKind KindOf(SipUri uri) =>
        uri.IsSecure ? SipTransportKind.Tls : uri.Transport == "tcp" ? SipTransportKind.Tcp : SipTransportKind.Udp;

    internal SipResponse Decorate(SipResponse response, SipTransportKind kind) =>
        response.AddHeader(HeaderNames.Contact, $"<{Layer.Transport.CreateContact(kind, Options.User)}>")
            .AddHeader(HeaderNames.Allow, AllowedMethods)
            .AddHeader(HeaderNames.Supported, "timer, 100rel, replaces")
            .AddHeader(HeaderNames.AllowEvents, AllowedEvents)
            .AddHeader(HeaderNames.Server, Options.Product);

    internal void Register(SipCall call)
    {
        if (call.Dialog is { } dialog)
        {
            _dialogs[dialog.Key] = call;
        }
    }

    internal void Forget(SipCall call)
    {
        if (call.Dialog is { } dialog && _dialogs.TryGetValue(dialog.Key, out var known) && ReferenceEquals(known, call))
        {
            _dialogs.Remove(dialog.Key);
        }
        if (call is IncomingCall incoming)
        {
            _pending.Remove(incoming);
        }
        else if (_placed.TryGetValue(call.CallId, out var placed) && ReferenceEquals(placed, call))
        {
            _placed.Remove(call.CallId);
        }
        foreach (var key in _reinviteOks.Keys.Where(k => k.StartsWith(call.CallId + "|", StringComparison.Ordinal)).ToList())
        {
            _reinviteOks[key].Timer?.Dispose();
            _reinviteOks.Remove(key);
        }
    }

    internal ITimer StartTimer(TimeSpan due, Action callback)
    {
        ITimer? timer = null;
        timer = Layer.Time.CreateTimer(_ =>
        {
            lock (Gate)
            {
                timer?.Dispose();
                callback();
            }
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        timer.Change(due, Timeout.InfiniteTimeSpan);
        return timer;
    }

    internal void StopTimer(ITimer? timer) => timer?.Dispose();

    /// <summary>True when one of <paramref name="message"/>'s <paramref name="header"/> lines lists <paramref name="option"/>.</summary>
    internal static bool Lists(SipMessage message, string header, string option) =>
        message.HeaderValues(header).Any(v => v.Split(',').Any(o => o.Trim().Equals(option, StringComparison.OrdinalIgnoreCase)));

    void ITransactionUser.OnRequest(ServerTransaction transaction)
    {
        var request = transaction.Request;
        if (!request.Uri.IsSip && request.Uri.Scheme != "tel")
        {
            transaction.Respond(SipResponse.For(request, 416, toTag: SipIds.NewTag()));
            return;
        }
        if (request.MaxForwards == 0 && request.Method != SipMethods.Options)
        {
            transaction.Respond(SipResponse.For(request, 483, toTag: SipIds.NewTag()));
            return;
        }
        var unsupported = request.HeaderValues(HeaderNames.Require)
            .SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(o => !o.Equals("timer", StringComparison.OrdinalIgnoreCase) && !o.Equals("100rel", StringComparison.OrdinalIgnoreCase)
                && !o.Equals("replaces", StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (unsupported.Count > 0 && request.Method != SipMethods.Cancel)
        {
            transaction.Respond(SipResponse.For(request, 420, toTag: SipIds.NewTag()).AddHeader(HeaderNames.Unsupported, string.Join(", ", unsupported)));
            return;
        }
        if (request.Method == SipMethods.Prack)
        {
            // A PRACK belongs to the early dialog our reliable 180 formed (or to the call it became once answered).
            var early = request.To.Tag is { } prackTag
                ? _pending.FirstOrDefault(c => c.CallId == request.CallId && c.LocalTag == prackTag && c.Invite.From.Tag == request.From.Tag)
                : null;
            if (early is null) transaction.Respond(SipResponse.For(request, 481, toTag: request.To.Tag is null ? SipIds.NewTag() : null));
            else early.OnPrack(transaction);
            return;
        }
        if (request.To.Tag is { } toTag)
        {
            OnInDialogRequest(transaction, toTag);
            return;
        }
        switch (request.Method)
        {
            case SipMethods.Invite:
                OnInvite((ServerInviteTransaction)transaction);
                break;
            case SipMethods.Cancel:
                var invite = Layer.FindInviteFor(request);
                var call = invite is null ? null : _pending.FirstOrDefault(c => ReferenceEquals(c.Transaction, invite));
                if (invite is null)
                {
                    transaction.Respond(SipResponse.For(request, 481, toTag: SipIds.NewTag()));
                    return;
                }
                // §9.2: answer the CANCEL 200 with the To tag of the INVITE's responses, then 487 the INVITE.
                transaction.Respond(SipResponse.For(request, 200, toTag: call?.LocalTag ?? SipIds.NewTag()));
                if (call is not null)
                {
                    call.OnCancel();
                }
                else if (!invite.HasFinalResponse)
                {
                    invite.Respond(SipResponse.For(invite.Request, 487, toTag: SipIds.NewTag()));
                }
                break;
            case SipMethods.Options when Options.TakesNewCalls is { } takesNewCalls && !takesNewCalls():
                transaction.Respond(Decorate(SipResponse.For(request, 503, toTag: SipIds.NewTag()), transaction.Remote.Transport));
                break;
            case SipMethods.Options:
                transaction.Respond(Decorate(SipResponse.For(request, 200, toTag: SipIds.NewTag()), transaction.Remote.Transport)
                    .AddHeader("Accept", "application/sdp"));
                break;
            case SipMethods.Bye or SipMethods.Update or SipMethods.Info:
                transaction.Respond(SipResponse.For(request, 481, toTag: SipIds.NewTag()));
                break;
            case SipMethods.Register when Options.Registrar is { } registrar:
                transaction.Respond(registrar.Handle(request, transaction.Remote));
                break;
            case SipMethods.Register or "MESSAGE" or "SUBSCRIBE" or "NOTIFY" or "REFER" or "PUBLISH":
                transaction.Respond(SipResponse.For(request, 405, toTag: SipIds.NewTag()).AddHeader(HeaderNames.Allow, AllowedMethods));
                break;
            default:
                transaction.Respond(SipResponse.For(request, 501, toTag: SipIds.NewTag()).AddHeader(HeaderNames.Allow, AllowedMethods));
                break;
        }
    }

    private void OnInvite(ServerInviteTransaction transaction)
    {
        var request = transaction.Request;
        var mustChallenge = Options.AuthenticateInviteFrom is { } byOrigin ? byOrigin(request, transaction.Remote)
            : Options.AuthenticateInvite is not { } mustAuthenticate || mustAuthenticate(request);
        if (Options.Authenticator is { } authenticator && mustChallenge)
        {
            var verdict = authenticator.Verify(request, out var username);
            if (verdict != DigestVerdict.Accepted)
            {
                transaction.Respond(authenticator.Challenge(request, stale: verdict == DigestVerdict.Stale, toTag: SipIds.NewTag()));
                return;
            }
            if ((Options.AuthenticateInvite is not null || Options.AuthenticateInviteFrom is not null) && !string.Equals(username, request.From.Uri.User, StringComparison.OrdinalIgnoreCase))
            {
                transaction.Respond(SipResponse.For(request, 403, "Credentials Do Not Match From", SipIds.NewTag()));
                return;
            }
        }
        if (!TryFindReplaced(transaction, out var replaced)) return;
        SessionDescription? offer = null;
        if (request.Body.Length > 0)
        {
            if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), "application/sdp", StringComparison.OrdinalIgnoreCase))
            {
                transaction.Respond(SipResponse.For(request, 415, toTag: SipIds.NewTag()).AddHeader("Accept", "application/sdp"));
                return;
            }
            try
            {
                offer = SdpParser.Parse(request.BodyText);
            }
            catch (SipParseException error)
            {
                transaction.Respond(SipResponse.For(request, 400, error.ReasonPhrase, SipIds.NewTag()));
                return;
            }
        }
        TimeSpan? interval = null;
        var weRefresh = false;
        if (SessionExpires(request) is { } requested)
        {
            if (requested < Options.MinSessionExpires)
            {
                transaction.Respond(SipResponse.For(request, 422, toTag: SipIds.NewTag())
                    .AddHeader(HeaderNames.MinSe, ((long)Options.MinSessionExpires.TotalSeconds).ToString(CultureInfo.InvariantCulture)));
                return;
            }
            var supportsTimer = request.HeaderValues(HeaderNames.Supported).Any(v => v.Split(',').Any(o => o.Trim().Equals("timer", StringComparison.OrdinalIgnoreCase)));
            // With a UAC that supports timers, it refreshes unless it asked us to (refresher=uas, RFC 4028 §9: the answer
            // keeps the caller's choice); a UAC without timer support gets no session timer from us.
            interval = supportsTimer ? requested : null;
            weRefresh = supportsTimer && SessionTimerHeader.TryRead(request.Header(HeaderNames.SessionExpires), out _, out var refresher)
                        && refresher == SessionRefresher.Uas;
        }
        var call = new IncomingCall(this, transaction, offer, interval) { ReplacedCall = replaced, Arrival = ++_arrivals, RefreshesSession = weRefresh };
        _pending.Add(call);
        if (Options.IncomingCallHandler is { } handler) handler(call);
        else _incoming.Writer.TryWrite(call);
    }

    /// <summary>
    /// An INVITE with <c>Replaces</c> (RFC 3891 §3): the dialog it names must be a confirmed call of this UA that is still
    /// up, or an early dialog of a call this UA placed that still rings (our INVITE has a 1xx with that To tag and no
    /// final response: call pick-up). Refused with the reason otherwise: several or a malformed Replaces 400; an early
    /// dialog of a call made to us (we did not initiate it, §3) 481 <c>Replaced Early Dialog Was Not Initiated Here</c>;
    /// no such dialog (unknown, ended, or a placed call already answered, failed or being cancelled) 481;
    /// <c>early-only</c> naming a confirmed call 486. Checked after authentication, so an unauthenticated caller learns
    /// nothing about which dialogs exist.
    /// </summary>
    /// <returns>False when the INVITE was refused; otherwise <paramref name="replaced"/> is the named call, or null without Replaces.</returns>
    private bool TryFindReplaced(ServerInviteTransaction transaction, out SipCall? replaced)
    {
        replaced = null;
        var request = transaction.Request;
        var values = request.HeaderValues(HeaderNames.Replaces).ToList();
        if (values.Count == 0) return true;
        void Refuse(int status, string reason) => transaction.Respond(SipResponse.For(request, status, reason, SipIds.NewTag()));
        if (values.Count > 1)
        {
            Refuse(400, "More Than One Replaces");
            return false;
        }
        ReplacesTarget target;
        try
        {
            target = ReplacesTarget.Parse(values[0]);
        }
        catch (SipParseException error)
        {
            Refuse(400, "Malformed Replaces: " + error.Reason);
            return false;
        }
        // §3: to-tag is our tag; as for REFER, the two written the other way round still name one dialog.
        var named = _dialogs.GetValueOrDefault(SipDialog.KeyOf(target.CallId, target.ToTag, target.FromTag))
            ?? _dialogs.GetValueOrDefault(SipDialog.KeyOf(target.CallId, target.FromTag, target.ToTag));
        if (named is null && _placed.TryGetValue(target.CallId, out var placed)
            && (placed.HasEarlyDialog(target.FromTag, target.ToTag) || placed.HasEarlyDialog(target.ToTag, target.FromTag)))
        {
            // An early dialog of a call we placed, still ringing: a PBX picking the call up for another phone (call
            // pick-up). The application answers the leg with the new caller and cancels our INVITE.
            replaced = placed;
            return true;
        }
        if (named is null && _pending.Any(c => c.CallId == target.CallId && !c.IsEnded
                && (c.LocalTag == target.ToTag || c.LocalTag == target.FromTag)))
        {
            // §3: an early dialog this UA did not initiate (a call to us, not yet answered) is never replaced.
            Refuse(481, "Replaced Early Dialog Was Not Initiated Here");
            return false;
        }
        if (named is null || named.IsEnded)
        {
            Refuse(481, "Replaces Names No Call Here");
            return false;
        }
        if (target.EarlyOnly)
        {
            Refuse(486, "Replaced Call Is Already Confirmed");
            return false;
        }
        replaced = named;
        return true;
    }

    private static TimeSpan? SessionExpires(SipRequest request) =>
        request.Header(HeaderNames.SessionExpires) is { } value
        && long.TryParse(value.Split(';')[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;

    private void OnInDialogRequest(ServerTransaction transaction, string toTag)
    {
        var request = transaction.Request;
        if (!_dialogs.TryGetValue(SipDialog.KeyOf(request.CallId, toTag, request.From.Tag ?? ""), out var call) || call.Dialog is not { } dialog)
        {
            transaction.Respond(SipResponse.For(request, 481));
            return;
        }
        if (request.Method == SipMethods.Cancel)
        {
            // A CANCEL for an answered call has nothing left to cancel.
            transaction.Respond(SipResponse.For(request, 481));
            return;
        }
        if (dialog.RemoteCSeq is { } last && request.CSeq.Number <= last)
        {
            transaction.Respond(SipResponse.For(request, 500, "CSeq Out Of Order"));
            return;
        }
        dialog.RemoteCSeq = request.CSeq.Number;
        switch (request.Method)
        {
            case SipMethods.Bye:
                transaction.Respond(SipResponse.For(request, 200));
                call.End(new CallEnd(CallEndReason.RemoteHangup));
                break;
            case SipMethods.Invite or SipMethods.Update:
                OnRefresh(transaction, call, dialog);
                break;
            case SipMethods.Info when SipKeyPress.IsKeyContentType(request.ContentType):
                // A key press signalled in INFO: a malformed one is refused with the reason, a good one goes to the call.
                if (!SipKeyPress.TryParse(request.ContentType, request.BodyText, out var key, out var error))
                {
                    transaction.Respond(SipResponse.For(request, 400, error));
                    break;
                }
                transaction.Respond(Decorate(SipResponse.For(request, 200), transaction.Remote.Transport));
                call.PublishKey(key);
                break;
            case SipMethods.Options or SipMethods.Info:
                transaction.Respond(Decorate(SipResponse.For(request, 200), transaction.Remote.Transport));
                break;
            case SipMethods.Refer:
                OnRefer(transaction, call);
                break;
            case SipMethods.Subscribe:
                OnSubscribe(transaction, call);
                break;
            default:
                transaction.Respond(SipResponse.For(request, 405).AddHeader(HeaderNames.Allow, AllowedMethods));
                break;
        }
    }

    /// <summary>
    /// An in-dialog REFER (RFC 3515): checked here — exactly one well-formed <c>Refer-To</c> of a scheme we can call, an
    /// INVITE referral, a <c>Replaces</c> that names a dialog this UA holds, one transfer at a time — and refused with
    /// the reason when it fails; otherwise handed to the application on <see cref="SipCall.Transfers"/>.
    /// </summary>
    private void OnRefer(ServerTransaction transaction, SipCall call)
    {
        var request = transaction.Request;
        void Refuse(int status, string reason) => transaction.Respond(SipResponse.For(request, status, reason));
        var referTo = request.HeaderValues(HeaderNames.ReferTo).ToList();
        if (referTo.Count != 1)
        {
            Refuse(400, referTo.Count == 0 ? "Missing Refer-To" : "More Than One Refer-To");
            return;
        }
        NameAddress target;
        NameAddress? referredBy = null;
        try
        {
            target = NameAddress.Parse(referTo[0], HeaderNames.ReferTo);
            if (request.Header(HeaderNames.ReferredBy) is { } by) referredBy = NameAddress.Parse(by, HeaderNames.ReferredBy);
        }
        catch (SipParseException error)
        {
            Refuse(400, error.ReasonPhrase);
            return;
        }
        var subscribed = true;
        if (request.Header(HeaderNames.ReferSub) is { } referSub)
        {
            if (referSub.Trim().Equals("false", StringComparison.OrdinalIgnoreCase)) subscribed = false;
            else if (!referSub.Trim().Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                Refuse(400, "Refer-Sub Is Neither true Nor false");
                return;
            }
        }
        var uri = target.Uri;
        if (!uri.IsSip && uri.Scheme != "tel")
        {
            Refuse(403, "Refer-To Scheme Not Supported");
            return;
        }
        if (uri.Parameters["method"] is { } method && !method.Equals(SipMethods.Invite, StringComparison.OrdinalIgnoreCase)
            || uri.Headers["method"] is { } headerMethod && !headerMethod.Equals(SipMethods.Invite, StringComparison.OrdinalIgnoreCase))
        {
            Refuse(501, "Only INVITE Referrals Supported");
            return;
        }
        ReplacesTarget? replaces = null;
        SipCall? replaced = null;
        if (uri.Headers[HeaderNames.Replaces] is { } escaped)
        {
            try
            {
                replaces = ReplacesTarget.Parse(Uri.UnescapeDataString(escaped));
            }
            catch (SipParseException error)
            {
                Refuse(400, "Malformed Replaces: " + error.Reason);
                return;
            }
            // An attended transfer here is one between two calls this UA holds (it is their common end): any other
            // dialog belongs to a UA we would have to INVITE with Replaces, which this host does not do.
            // RFC 3891 §3: to-tag is the receiver's (our) tag; some phones write the two tags the other way round, and a
            // Call-ID with both tags names one dialog either way.
            replaced = _dialogs.GetValueOrDefault(SipDialog.KeyOf(replaces.CallId, replaces.ToTag, replaces.FromTag))
                ?? _dialogs.GetValueOrDefault(SipDialog.KeyOf(replaces.CallId, replaces.FromTag, replaces.ToTag));
            if (replaced is null || replaced.IsEnded)
            {
                Refuse(403, "Replaces Names No Call Here");
                return;
            }
            if (ReferenceEquals(replaced, call))
            {
                Refuse(403, "Replaces Names The Referring Call");
                return;
            }
            if (replaces.EarlyOnly)
            {
                Refuse(403, "Replaces Names A Confirmed Call");
                return;
            }
        }
        if (call.ActiveRefer is { State: ReferState.Pending or ReferState.Active })
        {
            Refuse(491, "Transfer Already In Progress");
            return;
        }
        var refer = new SipRefer(this, transaction, call, uri with { Headers = SipParameters.Empty }, referredBy, replaces, replaced, subscribed);
        if (!call.PublishTransfer(refer))
        {
            Refuse(503, "Transfers Not Being Taken");
            return;
        }
        call.ActiveRefer = refer;
        refer.Begin();
    }

    /// <summary>
    /// An in-dialog SUBSCRIBE (RFC 6665 §4.2): the peer refreshes (<c>Expires: N</c>) or ends (<c>Expires: 0</c>) the
    /// implicit subscription of its REFER. <c>Event: refer</c> only (else 489 with Allow-Events); an <c>id</c> names the
    /// REFER by its CSeq (RFC 3515 §2.4.6), none means the call's latest REFER; a subscription that is over or never was
    /// gets 481. The rest is <see cref="SipRefer.RefreshLocked"/>.
    /// </summary>
    private void OnSubscribe(ServerTransaction transaction, SipCall call)
    {
        var request = transaction.Request;
        var package = request.Header(HeaderNames.Event)?.Split(';', StringSplitOptions.TrimEntries);
        if (package is null || !package[0].Equals("refer", StringComparison.OrdinalIgnoreCase))
        {
            transaction.Respond(SipResponse.For(request, 489, package is null ? "Missing Event" : "Bad Event").AddHeader(HeaderNames.AllowEvents, AllowedEvents));
            return;
        }
        long? id = null;
        foreach (var parameter in package.Skip(1))
        {
            var eq = parameter.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0 || !parameter[..eq].Trim().Equals("id", StringComparison.OrdinalIgnoreCase)) continue;
            if (!long.TryParse(parameter[(eq + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                transaction.Respond(SipResponse.For(request, 400, "Event id Is Not A Number"));
                return;
            }
            id = number;
        }
        TimeSpan? expires = null;
        if (request.Header(HeaderNames.Expires) is { } text)
        {
            // The parser already refused an Expires that is not digits (400 naming the header); more digits than a long
            // holds still mean "very long", and the grant is capped anyway.
            expires = long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < int.MaxValue
                ? TimeSpan.FromSeconds(seconds)
                : TimeSpan.MaxValue;
        }
        if (call.ActiveRefer is not { } refer || id is { } named && named != refer.Request.CSeq.Number || !refer.RefreshLocked(transaction, expires))
        {
            transaction.Respond(SipResponse.For(request, 481, "Subscription Does Not Exist"));
        }
    }

    /// <summary>Sends a NOTIFY in <paramref name="call"/>'s dialog (under the stack lock); null when the dialog is gone.</summary>
    internal SipRequest? SendNotifyLocked(SipCall call, Func<SipRequest, SipRequest> decorate, Action<SipResponse> onFinal)
    {
        if (call.Dialog is null || call.IsEnded) return null;
        _ = SendInDialogLocked(call, SipMethods.Notify, decorate, out var sent, (_, response) => onFinal(response));
        return sent;
    }

    private void OnRefresh(ServerTransaction transaction, SipCall call, SipDialog dialog)
    {
        var request = transaction.Request;
        if (request.Method == SipMethods.Invite && call.ReinvitePending)
        {
            // Glare: both sides re-INVITEd at once; §14.1 has the other side back off and retry.
            transaction.Respond(SipResponse.For(request, 491));
            return;
        }
        if (request.Contacts.FirstOrDefault()?.Uri is { } target)
        {
            dialog.RemoteTarget = target; // target refresh (§12.2.2)
        }
        var ok = Decorate(SipResponse.For(request, 200), transaction.Remote.Transport);
        NegotiatedAudio? audio = null;
        if (call.LocalMedia is { } local)
        {
            var next = local with { SessionVersion = local.SessionVersion + 1 };
            SessionDescription body;
            try
            {
                if (request.Body.Length > 0)
                {
                    (body, audio) = SdpNegotiator.Answer(SdpParser.Parse(request.BodyText), next);
                }
                else if (request.Method == SipMethods.Invite)
                {
                    body = SdpNegotiator.CreateOffer(next);
                }
                else
                {
                    body = null!;
                }
            }
            catch (SdpNegotiationException error)
            {
                // §14.2: a failed re-INVITE leaves the session as it was.
                transaction.Respond(SipResponse.For(request, 488, error.Message));
                return;
            }
            catch (SipParseException error)
            {
                transaction.Respond(SipResponse.For(request, 400, error.ReasonPhrase));
                return;
            }
            if (body is not null)
            {
                call.LocalMedia = next;
                ok = ok.AddHeader(HeaderNames.ContentType, "application/sdp") with { Body = Encoding.UTF8.GetBytes(body.ToString()) };
            }
        }
        if (call is IncomingCall incoming && incoming.SessionInterval is { } interval)
        {
            // The roles are this transaction's (RFC 4028 §4): the peer sent it, so "uac" is the peer and "uas" is us. A
            // refresh naming nobody leaves the role where it was (§9 lets the answerer choose; a change would surprise).
            var asked = SessionTimerHeader.TryRead(request.Header(HeaderNames.SessionExpires), out var requested, out var refresher);
            var refreshed = asked ? requested : interval;
            var weRefresh = refresher switch
            {
                SessionRefresher.Uas => true,
                SessionRefresher.Uac => false,
                _ => incoming.RefreshesSession,
            };
            ok = ok.AddHeader(HeaderNames.SessionExpires, SessionTimerHeader.Format(refreshed, weRefresh ? SessionRefresher.Uas : SessionRefresher.Uac))
                .AddHeader(HeaderNames.Require, "timer");
            incoming.SessionInterval = refreshed;
            incoming.RefreshesSession = weRefresh;
            incoming.RestartSessionTimer();
        }
        else if (call is not IncomingCall && SessionTimerHeader.TryRead(request.Header(HeaderNames.SessionExpires), out var requested, out var refresher))
        {
            // A refresh from the callee of a call we placed (res_pjsip refreshes with UPDATE when its 2xx named itself
            // the refresher). RFC 4028 §9: the 2xx carries Session-Expires — without it the callee concludes we do not
            // do session timers and, with Asterisk's default timers=yes, stops them for the rest of the call. The
            // request's refresher decides the role; one naming nobody keeps it where it was; a sender that does not
            // support the extension cannot refresh, so we do (and Require: timer would be meaningless to it).
            if (requested < Options.MinSessionExpires)
            {
                transaction.Respond(SipResponse.For(request, 422)
                    .AddHeader(HeaderNames.MinSe, ((long)Options.MinSessionExpires.TotalSeconds).ToString(CultureInfo.InvariantCulture)));
                return;
            }
            var supportsTimer = Lists(request, HeaderNames.Supported, "timer");
            var weRefresh = !supportsTimer || refresher switch
            {
                SessionRefresher.Uas => true,
                SessionRefresher.Uac => false,
                _ => call.IsSessionRefresher,
            };
            ok = ok.AddHeader(HeaderNames.SessionExpires, SessionTimerHeader.Format(requested, weRefresh ? SessionRefresher.Uas : SessionRefresher.Uac));
            if (supportsTimer) ok = ok.AddHeader(HeaderNames.Require, "timer");
            call.RefreshSessionEvery(weRefresh ? requested : TimeSpan.Zero);
            (call as OutgoingCall)?.WatchCalleeRefreshes(weRefresh ? null : requested);
        }
        transaction.Respond(ok);
        if (request.Method == SipMethods.Invite && !transaction.Remote.Transport.IsReliable())
        {
            RetransmitReinviteOk($"{call.CallId}|{request.CSeq.Number}", ok, transaction.Remote, Layer.Timers.T1, TimeSpan.Zero);
        }
        if (audio is not null)
        {
            call.PublishMedia(audio);
        }
    }

    private void RetransmitReinviteOk(string key, SipResponse ok, SipEndPoint to, TimeSpan interval, TimeSpan elapsed)
    {
        // §13.3.1.4 applies to re-INVITE too: our 2xx is repeated (T1 doubling to T2) until the ACK, for at most 64·T1.
        if (elapsed + interval > Layer.Timers.SixtyFourT1)
        {
            _reinviteOks.Remove(key);
            return;
        }
        var timer = StartTimer(interval, () =>
        {
            if (_reinviteOks.ContainsKey(key))
            {
                Layer.Transport.Send(ok, to);
                var next = TimeSpan.FromTicks(Math.Min((interval * 2).Ticks, Layer.Timers.T2.Ticks));
                RetransmitReinviteOk(key, ok, to, next, elapsed + interval);
            }
        });
        _reinviteOks[key] = (timer, ok, to, interval);
    }

    void ITransactionUser.OnAck(SipRequest ack, SipEndPoint source)
    {
        if (ack.To.Tag is not { } toTag || !_dialogs.TryGetValue(SipDialog.KeyOf(ack.CallId, toTag, ack.From.Tag ?? ""), out var call))
        {
            return;
        }
        var key = $"{ack.CallId}|{ack.CSeq.Number}";
        if (_reinviteOks.Remove(key, out var pending))
        {
            pending.Timer?.Dispose();
        }
        if (call is IncomingCall incoming && ack.CSeq.Number == incoming.Invite.CSeq.Number)
        {
            incoming.OnAck(ack);
        }
    }

    void ITransactionUser.OnStrayResponse(SipResponse response, SipEndPoint source)
    {
        if (response.IsSuccess && response.CSeq.Method == SipMethods.Invite && response.From.Tag is { } local
            && _dialogs.TryGetValue(SipDialog.KeyOf(response.CallId, local, response.To.Tag ?? ""), out var call) && call is OutgoingCall outgoing)
        {
            outgoing.OnStraySuccess(response);
        }
    }

    // Numbers incoming calls in the order their INVITEs reached this agent (under Gate).
    private long _arrivals;

    void ITransactionUser.OnAckTimeout(ServerTransaction transaction)
    {
        // The failure response already ended the call; nothing else holds state for it.
    }

    /// <summary>
    /// Stops accepting calls, ends every call and transaction without further signalling (send BYEs first for a graceful
    /// shutdown) and closes the transports.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Layer.Transport.Diagnostics?.Detach(this);
        _incoming.Writer.TryComplete();
        List<SipCall> live;
        lock (Gate)
        {
            live = [.. _dialogs.Values, .. _pending];
        }
        foreach (var call in live)
        {
            lock (Gate)
            {
                call.End(new CallEnd(CallEndReason.LocalHangup));
            }
        }
        Layer.Shutdown();
        await Layer.Transport.DisposeAsync().ConfigureAwait(false);
    }
}
