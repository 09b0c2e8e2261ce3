using System.Net;
using Microsoft.Extensions.Options;
using Ncco.Calls;
using Ncco.Host.Applications;
using Ncco.Host.Calls;
using Ncco.Host.Cluster;
using Ncco.Host.Demo;
using Ncco.Host.MediaPlane;
using Ncco.Legs;
using Ncco.Model.Endpoints;
using Ncco.Rtp.Ports;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;

namespace Ncco.Host.Legs.Sip;

/// <summary>
/// The host's SIP side (<see cref="SipOptions"/>): a <see cref="SipUserAgent"/> on UDP and TCP that takes inbound
/// INVITEs to the application owning the called user or number (<see cref="SipOptions.Routes"/>), and places the
/// outbound calls of <c>sip</c> endpoints. Each call becomes a <see cref="SipLeg"/> on the shared media thread.
/// </summary>
public sealed class SipGateway : IHostedService, IAsyncDisposable
{
    /// <summary>The longest <c>User-to-User</c> value passed to the answer webhook (the reference's limit).</summary>
    public const int MaxUserToUser = 256;

    private readonly SipOptions _options;
    private readonly DemoOptions _demo;
    private readonly IApplicationRepository _applications;
    private readonly IServiceProvider _services;
    private readonly MediaServices _media;
    private readonly ILogger _logger;
    private SipSettings? _settings;
    private SipUserAgent? _agent;
    private RtpPortAllocator? _ports;
    private CancellationTokenSource? _stopping;
    private SipTrunkRegistrations? _registrations;
    private Ncco.Sip.Registration.SipRegistrar? _registrar;
    private SipTlsSettings? _tls;
    private Persistence.ISipBindingRepository? _bindingStore;
    private Numbers.INumberRepository? _numbers;
    private readonly System.Threading.Channels.Channel<(string User, IReadOnlyList<Ncco.Sip.Registration.SipBinding> Bindings)> _bindingChanges =
        System.Threading.Channels.Channel.CreateUnbounded<(string, IReadOnlyList<Ncco.Sip.Registration.SipBinding>)>(new() { SingleReader = true });
    private Task _savingBindings = Task.CompletedTask;
    private readonly Ncco.Sip.Diagnostics.SipDiagnostics _diagnostics;

    /// <summary>Creates the gateway (started by the host).</summary>
    public SipGateway(IOptions<SipOptions> options, IOptions<DemoOptions> demo, IApplicationRepository applications, IServiceProvider services,
        MediaServices media, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(demo);
        ArgumentNullException.ThrowIfNull(loggers);
        _options = options.Value;
        _demo = demo.Value;
        _applications = applications;
        _services = services;
        _media = media;
        Time = time;
        _logger = loggers.CreateLogger("Ncco.Host.Sip");
        // The stack logs its own defects (rate-limited) and publishes its gauges on the Ncco.Sip meter, which /metrics exports.
        _diagnostics = new Ncco.Sip.Diagnostics.SipDiagnostics(loggers, services.GetService<System.Diagnostics.Metrics.IMeterFactory>(), time);
    }

    /// <summary>The SIP address bound (UDP and TCP share the port); null before start.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>The SIP over TLS address bound; null before start or with <c>Ncco:Sip:Tls:Enabled</c> false.</summary>
    public IPEndPoint? TlsEndPoint { get; private set; }

    /// <summary>The certificate the TLS listener presents (for pinning it in tests); null without TLS.</summary>
    internal System.Security.Cryptography.X509Certificates.X509Certificate2? TlsCertificate => _tls?.Certificate;

    internal TimeProvider Time { get; }

    /// <summary>Whether legs' RTP sessions call libc directly (<c>Ncco:Media:DirectSocketCalls</c>).</summary>
    internal bool DirectSocketCalls => _media.DirectSocketCalls;

    /// <summary>The kernel-timed sender for legs' RTP (<c>Ncco:Media:PacedSend</c>); null: sent as flushed.</summary>
    internal Ncco.Rtp.Sessions.PacedSender? Pacer => _media.Pacer;

    internal SipUserAgent Agent => _agent ?? throw new InvalidOperationException("the SIP gateway is not running");

    internal RtpPortAllocator Ports => _ports ?? throw new InvalidOperationException("the SIP gateway is not running");

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = SipSettings.From(_options);
        _settings = settings;
        _tls = SipTlsSettings.From(_options.Tls, settings.AdvertisedAddress, Time);
        _ports = new RtpPortAllocator(settings.RtpPorts, settings.Listen.Address);
        try
        {
            _agent = SipUserAgent.Create(settings.Listen, Time, AgentOptions(settings), tls: _tls?.ToStackOptions(), advertisedHost: settings.AdvertisedAddress,
                tlsPort: _tls?.Port ?? 0, diagnostics: _diagnostics);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            var setting = _tls is null ? $"Listen '{_options.Listen}'" : $"Listen '{_options.Listen}' or Tls:Port '{_tls.Port}'";
            throw new InvalidOperationException($"{SipOptions.Section}:{setting}: SIP cannot listen there ({e.Message}).", e);
        }
        // Bindings kept from the last run go back before the first INVITE or REGISTER is read, and so do the numbers.
        await RestoreBindingsAsync(cancellationToken);
        _numbers = NumberStore();
        await SeedNumbersAsync(settings, cancellationToken);
        // Before the first INVITE can be read: the stack hands each call to OnIncomingCall, which needs both.
        _stopping = new CancellationTokenSource();
        _stalls = new ProcessStallWatch(Time, _logger);
        _agent.Start();
        LocalEndPoint = new IPEndPoint(settings.Listen.Address, _agent.Layer.Transport.PortOf(Ncco.Sip.Transport.SipTransportKind.Udp));
        _registrations = new SipTrunkRegistrations(_logger, _services.GetService<System.Diagnostics.Metrics.IMeterFactory>(), Time);
        _registrations.Start(_agent, settings.Trunks, _stopping.Token);
        foreach (var trunk in settings.Trunks)
        {
            _logger.TrunkConfigured(trunk.Name, trunk.Host,
                trunk.Port, trunk.Transport, string.Join(", ", trunk.Prefixes.Select(p => p.Length == 0 ? "*" : p)),
                trunk.Credentials is null ? "" : $", digest as {trunk.Credentials.Username}", trunk.RegisterExpiry is null ? "" : ", registering");
        }
        var phone = _services.GetService<LegTransportMap>()?.RegistrationFor(EndpointTypes.Phone);
        if (settings.Trunks.Count > 0 && phone?.TransportType != typeof(SipLegTransport))
        {
            // AddNccoSip routes phone endpoints to the trunks when the configuration lists them; trunks added in code
            // after it, or another transport registered for phone, leave them unused.
            _logger.TrunksUnused(settings.Trunks.Count, phone?.TransportType.Name ?? "no transport (failed/cannot_route)", SipOptions.Section);
        }
        _logger.GatewayListening(LocalEndPoint, settings.AdvertisedAddress, settings.RtpPorts.First, settings.RtpPorts.Last);
        if (_tls is not null)
        {
            TlsEndPoint = new IPEndPoint(settings.Listen.Address, _agent.Layer.Transport.PortOf(Ncco.Sip.Transport.SipTransportKind.Tls));
            _logger.TlsListening(TlsEndPoint,
                _tls.SelfSigned ? "a self-signed" : "the configured", _tls.Certificate.Subject, _tls.Certificate.Thumbprint);
        }
    }

    /// <summary>
    /// With softphone users and the host's store: puts back the registrations stored by an earlier run that have not
    /// expired (expired rows are purged), and starts the loop that stores every change the registrar reports.
    /// </summary>
    private async Task RestoreBindingsAsync(CancellationToken cancellationToken)
    {
        if (_registrar is null || _services.GetService<Persistence.ISipBindingRepository>() is not { } store) return;
        _bindingStore = store;
        var stored = await _bindingStore.LoadAsync(Time.GetUtcNow(), cancellationToken);
        var users = _settings!.Users;
        foreach (var row in stored)
        {
            // A user removed from Ncco:Sip:Users since keeps no registration.
            if (users.ContainsKey(row.User)) _registrar.Restore(row.User, row.Binding);
        }
        if (stored.Count > 0) _logger.RegistrationsRestored(stored.Count);
        _savingBindings = SaveBindingsAsync(_bindingStore);
    }

    /// <summary>Writes the registrar's changes one at a time, in order; ends once the queue is closed at stop and drained.</summary>
    private async Task SaveBindingsAsync(Persistence.ISipBindingRepository store)
    {
        await foreach (var (user, bindings) in _bindingChanges.Reader.ReadAllAsync())
        {
            try
            {
                await store.SaveAsync(user, bindings, Time.GetUtcNow(), CancellationToken.None);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or IOException or TimeoutException)
            {
                // The registration holds in memory; only a restart would lose it.
                _logger.RegistrationsNotStored(e, user);
            }
        }
    }

    /// <summary>
    /// False while the host drains (shutdown or <c>/admin/drain</c>) or its cluster node is suspended: out-of-dialog
    /// OPTIONS then get 503, so a SIP front probing with them takes the node out of rotation.
    /// </summary>
    private bool TakesNewCalls() =>
        !_services.GetRequiredService<VmDirectory>().IsDraining && _services.GetService<NodeAdmission>() is not { TakesNewCalls: false };

    /// <summary>
    /// The UA's options: with softphone users, a registrar for their REGISTERs and digest challenges for INVITEs whose
    /// From names one of them (calls from trunks and other peers stay unauthenticated, as before).
    /// </summary>
    private SipUserAgentOptions AgentOptions(SipSettings settings)
    {
        if (settings.Users.Count == 0) return new SipUserAgentOptions { User = "ncco", TakesNewCalls = TakesNewCalls, IncomingCallHandler = OnIncomingCall };
        var users = settings.Users;
        var authenticator = new Ncco.Sip.Auth.DigestAuthenticator(settings.Domain, name => users.TryGetValue(name, out var user) ? user.Password : null, Time)
        {
            Algorithms = settings.DigestAlgorithms,
        };
        _registrar = new Ncco.Sip.Registration.SipRegistrar(authenticator, Time)
        {
            // Queued under the registrar's lock (cheap), written by SaveBindingsAsync; without a store nothing reads them.
            BindingsChanged = (user, bindings) =>
            {
                if (_bindingStore is not null) _bindingChanges.Writer.TryWrite((user, bindings));
            },
        };
        return new SipUserAgentOptions
        {
            User = "ncco",
            TakesNewCalls = TakesNewCalls,
            IncomingCallHandler = OnIncomingCall,
            Registrar = _registrar,
            Authenticator = authenticator,
            // With Ncco:Sip:RequireAuthentication every caller but a trunk's sources is challenged; without it only
            // INVITEs whose From names a softphone user are. A call another node redirected here was authenticated there:
            // its hand-off token is its credential (a second challenge would send the caller round again).
            AuthenticateInviteFrom = (invite, origin) => !IsHandoff(invite)
                && ((invite.From.Uri.User is { } from && users.ContainsKey(from))
                    || (settings.RequireAuthentication && settings.TrunkAt(origin.Address.Address) is null)),
        };
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping is null) return;
        await _stopping.CancelAsync();
        if (_registrations is { } registrations) await registrations.DisposeAsync();
        // The last registrations reach the store before the host goes, so a restart finds them.
        _bindingChanges.Writer.TryComplete();
        try
        {
            await _savingBindings.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping anyway.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The container disposes this twice (as itself and as the hosted service it also is).
        if (Interlocked.Exchange(ref _agent, null) is not { } agent) return;
        _stopping?.Dispose();
        _stalls?.Dispose();
        await agent.DisposeAsync();
        _diagnostics.Dispose();
        _tls?.Certificate.Dispose();
    }

    /// <summary>Our SDP offer or answer for a call on RTP port <paramref name="rtpPort"/>, from or through <paramref name="trunk"/> (null for other peers).</summary>
    /// <remarks>
    /// Codecs and SRTP follow the trunk's <c>Codecs</c> and <c>Srtp</c>, else <c>Ncco:Sip:Codecs</c> and <c>Ncco:Sip:Srtp</c>;
    /// each call gets a fresh master key from the OS's cryptographic generator.
    /// </remarks>
    internal LocalMedia LocalMedia(int rtpPort, SipTrunk? trunk = null)
    {
        var settings = _settings ?? throw new InvalidOperationException("the SIP gateway is not running");
        var policy = trunk?.Srtp ?? settings.Srtp;
        return new LocalMedia(settings.AdvertisedAddress, rtpPort)
        {
            Codecs = trunk?.Codecs ?? settings.Codecs,
            TelephoneEvents = settings.TelephoneEvents,
            Srtp = policy,
            SrtpKey = policy == SrtpPolicy.Off ? null : Ncco.Rtp.Srtp.SrtpMasterKey.Generate().ToInline(),
        };
    }

    /// <summary>The trunk whose sources hold <paramref name="source"/>, or null.</summary>
    internal SipTrunk? TrunkFrom(IPAddress source) => _settings?.TrunkAt(source);

    /// <summary>The trunk named <paramref name="trunk"/>, or null.</summary>
    internal SipTrunk? TrunkNamed(string? trunk) => trunk is null ? null : _settings?.Trunks.FirstOrDefault(t => t.Name == trunk);


    /// <summary>A leg that calls <paramref name="endpoint"/> as <paramref name="callerId"/> (used in From when it is a plain user or number).</summary>
    internal SipLeg CreateOutboundLeg(SipEndpoint endpoint, string? callerId) =>
        SipLeg.Outbound(this, _media.MediaThread, _logger, DialTargetAsync(endpoint, callerId));

    private async Task<SipDialTarget> DialTargetAsync(SipEndpoint endpoint, string? callerId)
    {
        var uri = SipTargets.UriOf(endpoint);
        var binding = IsSoftphoneUser(uri) ? await RegisteredAsync(uri!.User!) : null;
        return new SipDialTarget(IsSoftphoneUser(uri) ? binding?.Contact : uri)
        {
            Headers = SipTargets.HeadersOf(endpoint),
            From = SipTargets.FromOf(callerId, Agent.Layer.Transport.AdvertisedHost),
            Route = binding?.Path ?? [],
        };
    }

    /// <summary>Whether <paramref name="uri"/> is <c>sip:{user}@{our domain}</c> of a softphone user (dialled at its registration).</summary>
    private bool IsSoftphoneUser(SipUri? uri) =>
        uri?.User is { } user && _registrar is not null && _settings!.Users.ContainsKey(user) && IsOurs(uri, _settings);

    /// <summary>
    /// The binding softphone user <paramref name="user"/> registered last, with the <c>Path</c> it came through (the INVITE
    /// is routed through those proxies: RFC 3327); null when it has no live registration (the leg fails with
    /// <c>cannot_route</c>). A binding this node's registrar does not hold is looked up in the host's store: behind a SIP
    /// front the phone registered with one node, and every node of the cluster must reach it.
    /// </summary>
    private async Task<Ncco.Sip.Registration.SipBinding?> RegisteredAsync(string user)
    {
        var binding = _registrar!.Lookup(user).LastOrDefault();
        if (binding is null && _bindingStore is { } store)
        {
            try
            {
                binding = (await store.FindAsync(user, Time.GetUtcNow(), CancellationToken.None)).LastOrDefault();
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or IOException or TimeoutException)
            {
                _logger.RegistrationLookupFailed(e, user);
            }
        }
        if (binding is null) _logger.UserNotRegistered(user);
        return binding;
    }

    private bool IsOurs(SipUri uri, SipSettings settings) =>
        (string.Equals(uri.HostWithoutBrackets, settings.Domain, StringComparison.OrdinalIgnoreCase)
            || string.Equals(uri.HostWithoutBrackets, settings.AdvertisedAddress, StringComparison.OrdinalIgnoreCase))
        && (uri.Port is null || uri.Port == LocalEndPoint?.Port || uri.Port == TlsEndPoint?.Port);

    /// <summary>
    /// The endpoint a REFER's target becomes (<see cref="SipTransfers"/>): a number (<c>tel:</c>, <c>user=phone</c>, or a
    /// numeric user at this host) is a <c>phone</c> endpoint, any other SIP URI a <c>sip</c> one; null with the reason
    /// when it can be neither.
    /// </summary>
    internal CallEndpoint? TransferTarget(SipUri target, out string reason)
    {
        var settings = _settings ?? throw new InvalidOperationException("the SIP gateway is not running");
        reason = "";
        var isNumber = target.Scheme == "tel" || string.Equals(target.Parameters["user"], "phone", StringComparison.OrdinalIgnoreCase)
            || IsOurs(target, settings) && PhoneNumbers.FromUri(target, settings.DefaultCountryCode) is not null;
        if (!isNumber)
        {
            return target.IsSip && !string.IsNullOrEmpty(target.Host) ? CallEndpoint.Sip(target.ToString()) : Fail("Refer-To Cannot Be Dialled", out reason);
        }
        if (PhoneNumbers.FromUri(target, settings.DefaultCountryCode) is not { } number) return Fail("Refer-To Is Not A Number", out reason);
        if (!HasTrunks) return Fail("No Trunk To Reach Numbers", out reason);
        return new PhoneEndpoint(number);
    }

    private static CallEndpoint? Fail(string why, out string reason)
    {
        reason = why;
        return null;
    }

    /// <summary>The REFERs of this gateway's answered legs.</summary>
    internal SipTransfers Transfers =>
        LazyInitializer.EnsureInitialized(ref _transfers, () => new SipTransfers(this, _services.GetRequiredService<VmDirectory>(), _logger));

    private SipTransfers? _transfers;

    /// <summary>Answered SIP calls and the legs they carry, for an INVITE with Replaces naming one (RFC 3891).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SipCall, SipLeg> _connected = new();

    /// <summary>Remembers that <paramref name="leg"/>'s party is on <paramref name="call"/> until the call ends.</summary>
    internal void TrackConnected(SipCall call, SipLeg leg)
    {
        if (!_connected.TryAdd(call, leg)) return;
        _ = call.Ended.ContinueWith(_ => _connected.TryRemove(call, out SipLeg? _), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Calls placed for outbound legs, until their INVITE has a final response: what a call pick-up may name.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<OutgoingCall, SipLeg> _dialling = new();

    // Hand-off INVITEs being continued here (cluster only; created with the first one).
    private Cluster.InboundHandoffArrivals? _handoffArrivals;

    // A stall of this process (docs/cluster.md, "A slow node"): INVITEs read during or just after one are held briefly.
    private ProcessStallWatch? _stalls;

    // The newest branch of each caller's INVITE read here: a held INVITE that a later branch overtook stops.
    private readonly NewestBranches _branches = new();

    /// <summary>Remembers that <paramref name="leg"/> is dialling <paramref name="call"/> until its INVITE has a final response.</summary>
    internal void TrackDialling(OutgoingCall call, SipLeg leg)
    {
        if (!_dialling.TryAdd(call, leg)) return;
        _ = call.Completion.ContinueWith(_ => _dialling.TryRemove(call, out SipLeg? _), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>True when trunks are configured, so <c>phone</c> endpoints are this gateway's to dial (or to fail).</summary>
    internal bool HasTrunks => _settings?.Trunks.Count > 0;

    /// <summary>Whether the trunk named <paramref name="trunk"/> holds a registration now.</summary>
    internal bool IsTrunkRegistered(string trunk) => _registrations?.IsRegistered(trunk) ?? false;

    /// <summary>Whether the softphone user <paramref name="user"/> has a live registration.</summary>
    internal bool IsUserRegistered(string user) => _registrar?.Lookup(user).Count > 0;

    /// <summary>
    /// A leg that dials <paramref name="endpoint"/> through the first trunk serving its number, presenting the caller id
    /// that <see cref="SipTrunkDialPlan"/> picks; a number that is not E.164, or that no trunk serves, fails the leg.
    /// </summary>
    internal SipLeg CreatePhoneLeg(PhoneEndpoint endpoint, string? callerId, string applicationId, LegOrigin? origin)
    {
        var settings = _settings ?? throw new InvalidOperationException("the SIP gateway is not running");
        return SipLeg.Outbound(this, _media.MediaThread, _logger, PhoneTargetAsync(settings, endpoint, callerId, applicationId, origin));
    }

    private async Task<SipDialTarget> PhoneTargetAsync(SipSettings settings, PhoneEndpoint endpoint, string? callerId, string applicationId, LegOrigin? origin)
    {
        // The store is read only when the caller id may come from it: a call with its own number needs no lookup.
        IReadOnlyList<string> numbers = [];
        if (callerId is null || E164.Normalize(callerId, out _) is null) numbers = await ApplicationNumbersAsync(settings, applicationId, CancellationToken.None);
        return SipTrunkDialPlan.Target(settings, endpoint, callerId, numbers, origin, _logger,
            reason => _services.GetService<Observability.NccoMetrics>()?.CallRefused(reason, "sip"));
    }

    /// <summary>The application's numbers (<see cref="SipTrunkDialPlan.NumbersOf"/>): the store's, or the configured routes' without one.</summary>
    private async Task<IReadOnlyList<string>> ApplicationNumbersAsync(SipSettings settings, string applicationId, CancellationToken cancellationToken)
    {
        if (_numbers is not { } store) return SipTrunkDialPlan.NumbersOf(settings, applicationId);
        var linked = new List<string>();
        // Paged as the Numbers API pages; an application with more than a few thousand numbers picks among the first.
        for (var offset = 0; offset < MaxCallerIdNumbers; offset += 100)
        {
            var (items, total) = await store.ListAsync(new Numbers.NumberQuery(null, applicationId, true, null, 0, offset, 100), cancellationToken);
            linked.AddRange(items.Select(n => n.Msisdn));
            if (items.Count == 0 || offset + items.Count >= total) break;
        }
        return SipTrunkDialPlan.NumbersOf(settings, applicationId, linked);
    }

    /// <summary>The most of an application's numbers read to pick a caller id from.</summary>
    private const int MaxCallerIdNumbers = 5000;

    /// <summary>
    /// The application that answers a call dialling <paramref name="number"/> (E.164 digits, when the call named a
    /// number) or <paramref name="user"/>, or null. A number is looked up in the host's numbers (the Numbers API's, seeded
    /// from <c>Ncco:Sip:Routes</c> at start) on every call, so a change applies to the next call; a number the store does
    /// not hold, or a user name, is looked up in <c>Ncco:Sip:Routes</c>, then the demo user.
    /// </summary>
    internal async Task<string?> RouteOfAsync(string? number, string user, CancellationToken cancellationToken)
    {
        var settings = _settings!;
        if (number is not null && _numbers is { } numbers)
        {
            // A number the store holds answers as the store says (an unlinked one is unrouted); the configured routes are
            // only its seed, so a number cancelled through the API stays cancelled.
            if (await numbers.FindAsync(number, cancellationToken) is { } owned) return owned.ApplicationId;
            if (IsNumberRoute(number, settings)) return null;
        }
        if (settings.Routes.TryGetValue(user, out var id)) return id;
        if (number is not null && _numbers is null && settings.Routes.TryGetValue(number, out id)) return id;
        return _demo.Enabled && string.Equals(user, settings.DemoUser, StringComparison.OrdinalIgnoreCase) ? _demo.ApplicationId.ToLowerInvariant() : null;
    }

    private static bool IsNumberRoute(string number, SipSettings settings) =>
        settings.Routes.Keys.Any(k => PhoneNumbers.Normalize(k, settings.DefaultCountryCode) == number);

    /// <summary>
    /// The host's numbers, or null when the configured store provider keeps none (then <c>Ncco:Sip:Routes</c> alone
    /// routes numbers, as before numbers were data).
    /// </summary>
    private Numbers.INumberRepository? NumberStore()
    {
        try
        {
            return _services.GetService<Numbers.INumberRepository>();
        }
        catch (InvalidOperationException e)
        {
            _logger.StoreKeepsNoNumbers(e.Message, SipOptions.Section);
            return null;
        }
    }

    /// <summary>
    /// Puts the numbers of <c>Ncco:Sip:Routes</c> (keys that are telephone numbers) into the host's numbers, linked to
    /// their application, unless the store already holds them: the configuration seeds the numbers, the store (and the
    /// Numbers API that edits it) then owns them.
    /// </summary>
    private async Task SeedNumbersAsync(SipSettings settings, CancellationToken cancellationToken)
    {
        if (_numbers is not { } numbers) return;
        var added = 0;
        foreach (var (key, applicationId) in settings.Routes)
        {
            if (!key.Any(char.IsAsciiDigit) || PhoneNumbers.Normalize(key, settings.DefaultCountryCode) is not { } digits) continue;
            if (await numbers.AddAsync(new Numbers.AccountNumber(digits, Numbers.CallingCodes.CountryOf(digits), applicationId, Time.GetUtcNow()), cancellationToken)) added++;
        }
        if (added > 0) _logger.RouteNumbersAdded(added, SipOptions.Section);
    }

    /// <summary>
    /// Takes each new call on the SIP stack's receive thread as it is read (<see cref="SipUserAgentOptions.IncomingCallHandler"/>):
    /// decides what depends on arrival order, then hands the call to the thread pool. No accept loop waits for a pool
    /// thread in between, so under load a call's setup waits for the pool once, not twice.
    /// </summary>
    private void OnIncomingCall(IncomingCall call)
    {
        try
        {
            var stopping = _stopping!.Token;
            // Decided here, in the order the SIP stack received the INVITEs (a task may run late).
            var caller = Proxied(call) ? TrackBranch(call) : null;
            var held = caller is not null && _stalls?.JustStalled() == true ? caller : null;
            var clock = _services.GetService<Observability.NccoMetrics>() is { } metrics ? new SetupClock(Time, metrics, call.Received) : null;
            clock?.Mark("accept");
            // To the pool's global queue, first in first out (the receive thread has no queue of its own to prefer).
            ThreadPool.QueueUserWorkItem(static s => _ = s.Gateway.InboundAsync(s.Call, s.Held, s.Clock, s.Token),
                (Gateway: this, Call: call, Held: held, Clock: clock, Token: stopping), preferLocal: false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Never into the stack's receive loop: this call fails, the next INVITE is read.
            _logger.InboundFailed(e, call.CallId);
            try
            {
                call.Reject(500);
            }
            catch (InvalidOperationException)
            {
                // Already ended.
            }
        }
    }

    /// <summary>Whether <paramref name="call"/> came through a proxy (more than one Via): only a proxy fails a branch over.</summary>
    private static bool Proxied(IncomingCall call) =>
        call.Invite.HeaderValues(Ncco.Sip.Messages.HeaderNames.Via).Sum(v => v.Count(c => c == ',') + 1) > 1;

    /// <summary>
    /// Records <paramref name="call"/> as its caller's newest branch (<see cref="NewestBranches"/>) and returns the
    /// caller's key (Call-ID and From tag); null when its From does not parse.
    /// </summary>
    private string? TrackBranch(IncomingCall call)
    {
        string caller;
        try
        {
            caller = call.CallId + "\n" + call.Invite.From.Tag;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Refused by the INVITE's own handling; the accept loop must not stop for it.
            return null;
        }
        var arrival = call.Arrival;
        _branches.Arrived(caller, arrival);
        _ = call.Ended.ContinueWith(_ => _branches.Ended(caller, arrival), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return caller;
    }

    /// <summary>
    /// Holds an INVITE read during or just after a stall of this process (<see cref="ProcessStallWatch"/>) for up to
    /// <see cref="ProcessStallWatch.Hold"/>, before anything the application or the store would see: the front may have
    /// given up on it while the node was silent, and cancels it once the node's late 100 Trying reaches it. False when it
    /// must stop without a word: cancelled meanwhile (the SIP stack answered 487), or overtaken by a later branch of the
    /// same caller's INVITE read here (the front gave up on this one: it gets 487 now).
    /// </summary>
    private async Task<bool> HoldAfterStallAsync(IncomingCall call, string caller, CancellationToken cancellationToken)
    {
        _logger.InviteHeldAfterStall(call.CallId, (long)ProcessStallWatch.Hold.TotalMilliseconds);
        // Woken at once by the CANCEL (the call ends) or by a later branch of the same caller read here; no polling.
        var outcome = await StallHold.WaitAsync(call.Ended, _branches.Overtaken(caller, call.Arrival), Time, ProcessStallWatch.Hold, cancellationToken);
        var (status, reason) = outcome switch
        {
            StallHoldOutcome.Overtaken => (487, "Superseded By A Later Branch"),
            StallHoldOutcome.Stopping => (503, null),
            _ => (0, null),
        };
        if (status != 0 && !call.IsEnded)
        {
            try
            {
                call.Reject(status, reason);
            }
            catch (InvalidOperationException)
            {
                // Ended meanwhile.
            }
        }
        return !call.IsEnded;
    }

    // heldCaller: the caller's key when the INVITE was read during or just after a stall of this process (held first); else null.
    private async Task InboundAsync(IncomingCall call, string? heldCaller, SetupClock? clock, CancellationToken cancellationToken)
    {
        clock?.Mark("dispatch");
        // The INVITE server transaction up to the call being handed to its application: the root of the call's trace.
        using var span = Ncco.Diagnostics.NccoTracing.Source.StartActivity("sip.invite", System.Diagnostics.ActivityKind.Server, parentContext: default);
        if (span is not null)
        {
            span.DisplayName = "SIP INVITE";
            span.SetTag("sip.method", "INVITE");
            span.SetTag("sip.call_id", call.CallId);
            span.SetTag("network.peer.address", call.Source.ToString());
        }
        try
        {
            var vms = _services.GetRequiredService<VmDirectory>();
            if (vms.IsDraining || _services.GetService<NodeAdmission>() is { TakesNewCalls: false } || cancellationToken.IsCancellationRequested)
            {
                span?.SetTag("sip.response.status_code", 503);
                call.Reject(503);
                return;
            }
            // Ncco:Limits before any work for the call: a flood costs a 503, not a leg.
            if (!_services.GetRequiredService<CallAdmission>().TryAdmit(call.Source.Address.Address.ToString(), "sip", out var retryAfter))
            {
                _logger.InviteOverLimits(call.Source, retryAfter.TotalSeconds);
                call.Reject(503, null, retryAfter);
                return;
            }
            if (heldCaller is not null && !await HoldAfterStallAsync(call, heldCaller, cancellationToken))
            {
                // The application hears of no call, and no hand-off is taken from the store.
                if (IsHandoff(call.Invite)) _logger.HandoffCancelled(call.CallId);
                else _logger.InviteCancelledBeforeStart(call.CallId);
                return;
            }
            var invite = call.Invite;
            var settings = _settings!;
            var user = invite.Uri.User ?? invite.To.Uri.User ?? "";
            // A call another node redirected here before answering it (cluster): its hand-off token is the whole credential.
            if (IsHandoff(invite) && _services.GetRequiredService<IInboundHandoffDirectory>() is var handoffs)
            {
                await ContinueHandoffAsync(call, handoffs, user[InboundHandoffDocument.UserPrefix.Length..], span, cancellationToken);
                return;
            }
            // A call from one of a trunk's Sources is the trunk's: its number conventions and its asserted caller apply.
            var trunk = settings.TrunkAt(call.Source.Address.Address);
            var countryCode = trunk?.CountryCode ?? settings.DefaultCountryCode;
            // From is parsed once here for the routing, the caller id and the leg (each access parses the header again).
            var from = invite.From.Uri;
            var softphone = from.User is { } caller && settings.Users.TryGetValue(caller, out var known) ? known : null;
            if (settings.RequireAuthentication && trunk is null && softphone is null)
            {
                // Only reached without softphone users (with them the stack challenged the INVITE): nobody can authenticate.
                Refuse(call, 403, "not_authenticated", span);
                return;
            }
            if (call.ReplacedCall is { } replaced)
            {
                // RFC 3891: the caller takes the place of a party already in a call, whatever it dialled. It passed the same
                // admission as any caller above; naming the dialog (Call-ID and both tags) is what entitles it.
                if (_connected.TryGetValue(replaced, out var replacedLeg))
                {
                    span?.SetTag("sip.replaces", replaced.CallId);
                    await replacedLeg.ReplaceAsync(call);
                }
                else if (replaced is OutgoingCall ringing && _dialling.TryGetValue(ringing, out var ringingLeg))
                {
                    // Call pick-up (RFC 3891 §3): the caller answers, in the callee's place, a leg we are still dialling.
                    span?.SetTag("sip.replaces", replaced.CallId);
                    await ringingLeg.PickUpAsync(call);
                }
                else
                {
                    span?.SetTag("sip.response.status_code", 481);
                    call.Reject(481, "Replaced Call Is Not A Connected Leg");
                }
                return;
            }
            var dialled = PhoneNumbers.Dialled(invite, trunk?.DialledNumber ?? DialledNumberSource.RequestUri, countryCode);
            // A softphone user's INVITE has passed the stack's digest check (From names the user it authenticated as):
            // its application takes the call, whatever the user dialled. Everyone else is routed by the dialled number.
            var applicationId = softphone is not null ? softphone.ApplicationId : await RouteOfAsync(dialled, user, cancellationToken);
            var application = applicationId is null ? null : await _applications.FindAsync(applicationId, cancellationToken);
            if (application?.Voice?.AnswerUrl is null)
            {
                _logger.InviteUnrouted(dialled ?? user, call.Source);
                _services.GetService<Observability.NccoMetrics>()?.CallRefused("unrouted", "sip");
                span?.SetTag("sip.response.status_code", 404);
                call.Reject(404);
                return;
            }
            // The offer is checked before anything else is promised (issue 17): no common codec is a 488 with no 180
            // before it and no answer webhook, not a call reported answered whose media can never flow.
            if (call.Offer is { } offer)
            {
                try
                {
                    SdpNegotiator.Answer(offer, LocalMedia(0, trunk));
                }
                catch (SdpNegotiationException e)
                {
                    _logger.OfferUnanswerable(user, call.Source, e.Message);
                    call.Reject(488, e.Message);
                    return;
                }
            }
            if (call.IsEnded)
            {
                // Cancelled while it was routed: the front gave up on this node (it stayed silent past the front's fr_timer
                // and the call went to another node), or the caller hung up. No call starts, so the application hears of
                // none (the CANCEL was answered, and the INVITE 487, by the SIP stack).
                _logger.InviteCancelledBeforeStart(call.CallId);
                return;
            }
            call.Ring();
            var leg = SipLeg.Inbound(this, _media.MediaThread, _logger, call, clock);
            clock?.Mark("route");
            // The leg's own SIP and media spans (re-INVITE, BYE, media.rtp) join the INVITE's trace.
            leg.TraceParent = span?.Context ?? default;
            await vms.VmFor(application).AcceptInboundAsync(leg, new InboundCall
            {
                // What the NCCO may dial out through a trunk depends on it (SipTrunkOptions.AllowUnauthenticatedOrigins).
                Authenticated = trunk is not null || softphone is not null,
                Via = trunk is not null ? "trunk:" + trunk.Name : softphone is not null ? "sip-user:" + from.User : "sip:" + call.Source.Address,
                From = CallerIdentity.Of(invite, from, trunk is { TrustCallerId: true }, countryCode),
                // The number dialled (E.164), not the trunk's user name or contact; a user name when no number was dialled.
                To = softphone is null && dialled is not null ? dialled : user,
                EndpointType = EndpointTypes.Sip,
                SipHeaders = HeadersOf(invite),
                TraceParent = span?.Context ?? default,
            });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A hostile or broken INVITE (or a store failure) costs this call only.
            _logger.InboundFailed(e, call.CallId);
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
            try
            {
                call.Reject(500);
            }
            catch (InvalidOperationException)
            {
                // Already answered or ended.
            }
        }
    }

    /// <summary>
    /// Continues on this node a call another node redirected here before answer: the hand-off record (taken once) gives
    /// its uuid, the conversation uuid its first events reported, how it arrived and its answer NCCO, so the application
    /// sees the same call go on (<c>answered</c> from here) and its answer webhook is not asked again. An unknown,
    /// expired or already taken token gets <c>404</c>.
    /// </summary>
    private async Task ContinueHandoffAsync(IncomingCall call, Cluster.IInboundHandoffDirectory handoffs, string token, System.Diagnostics.Activity? span,
        CancellationToken cancellationToken)
    {
        if (token.Length != 32 || !token.All(char.IsAsciiHexDigitLower))
        {
            _logger.HandoffUnknown(call.Source, token.Length > 40 ? token[..40] : token);
            span?.SetTag("sip.response.status_code", 404);
            call.Reject(404, "Unknown Hand-off");
            return;
        }
        // The front may send one hand-off twice (it gave up on this node's first branch): the newest INVITE continues it.
        var arrivals = LazyInitializer.EnsureInitialized(ref _handoffArrivals, () => new Cluster.InboundHandoffArrivals(handoffs, _logger));
        var (outcome, taken, continuing) = await arrivals.ArriveAsync(token, call, cancellationToken);
        if (outcome == Cluster.ArrivalOutcome.Duplicate)
        {
            // A later branch of a hand-off whose earlier branch already continues the call: the front gave up on that one
            // (it relays no answer on it and cancels or never acknowledges it), so a 482 here would lose the caller. The
            // connected leg moves onto this INVITE, as for Replaces: same uuid, no second call for the application.
            if (continuing is not null && _connected.TryGetValue(continuing, out var continuingLeg))
            {
                if (await continuingLeg.TakeOverAsync(call, continuing, 482, "Hand-off Already Continued"))
                {
                    arrivals.TookOver(token, continuing, call);
                    _logger.HandoffMovedToLaterBranch(call.CallId, token[..8]);
                }
                return;
            }
            _logger.HandoffDuplicate(call.CallId, token[..8]);
            span?.SetTag("sip.response.status_code", 482);
            call.Reject(482, "Hand-off Already Continued");
            return;
        }
        if (call.IsEnded)
        {
            // Cancelled, or a later INVITE of the same hand-off took over: that one continues the call, or the record is
            // back in the store.
            _logger.HandoffCancelled(call.CallId);
            return;
        }
        if (taken is not { } handoff)
        {
            arrivals.Start(token, call);
            _logger.HandoffUnknown(call.Source, token);
            span?.SetTag("sip.response.status_code", 404);
            call.Reject(404, "Unknown Hand-off");
            return;
        }
        span?.SetTag("ncco.call.uuid", handoff.LegId);
        Cluster.InboundHandoffDocument document;
        Model.NccoDocument ncco;
        var application = await _applications.FindAsync(handoff.ApplicationId, cancellationToken);
        try
        {
            if (application?.Voice?.AnswerUrl is null) throw new InvalidOperationException($"application {handoff.ApplicationId} is gone or has no voice capability");
            document = Cluster.InboundHandoffDocument.Parse(handoff.Document);
            ncco = Model.NccoDocument.Parse(document.Ncco.GetRawText(), _services.GetRequiredService<VmDirectory>().VmFor(application).Webhooks.ValidationOptions);
        }
        catch (Exception e) when (e is InvalidOperationException or System.Text.Json.JsonException or Ncco.Validation.NccoValidationException)
        {
            if (!arrivals.Start(token, call)) return;
            _logger.HandoffUnusable(handoff.LegId, e.Message);
            span?.SetTag("sip.response.status_code", 500);
            call.Reject(500, "Hand-off Unusable");
            return;
        }
        if (call.Offer is { } offer)
        {
            try
            {
                SdpNegotiator.Answer(offer, LocalMedia(0, null));
            }
            catch (SdpNegotiationException e)
            {
                if (!arrivals.Start(token, call)) return;
                _logger.OfferUnanswerable(call.Invite.Uri.User, call.Source, e.Message);
                call.Reject(488, e.Message);
                return;
            }
        }
        // From here the call is this INVITE's: a later INVITE of the hand-off is a duplicate. One cancelled meanwhile
        // stops here, and its hand-off goes back to the store.
        if (!arrivals.Start(token, call))
        {
            _logger.HandoffCancelled(call.CallId);
            return;
        }
        call.Ring();
        var leg = SipLeg.Inbound(this, _media.MediaThread, _logger, call);
        leg.TraceParent = span?.Context ?? default;
        try
        {
            await _services.GetRequiredService<VmDirectory>().VmFor(application).ContinueHandedOffAsync(leg, document.Call(span?.Context ?? default),
                handoff.LegId, handoff.ConversationId, ncco);
        }
        catch (InvalidOperationException e)
        {
            // This node already runs a leg under that uuid: the hand-off came back to the node that sent it away.
            _logger.HandoffUnusable(handoff.LegId, e.Message);
            call.Reject(482, "Loop Detected");
            return;
        }
        _logger.HandoffTaken(handoff.LegId, handoff.FromNode);
    }

    private bool IsHandoff(SipRequest invite) =>
        invite.Uri.User?.StartsWith(InboundHandoffDocument.UserPrefix, StringComparison.Ordinal) == true
        && _services.GetService<IInboundHandoffDirectory>() is { Enabled: true };

    /// <summary>Refuses an INVITE for a security rule: logged with its source and counted (<c>ncco.calls.refused</c>).</summary>
    private void Refuse(IncomingCall call, int status, string reason, System.Diagnostics.Activity? span)
    {
        _logger.InviteRefused(call.Invite.Uri.User, call.Source, status, reason);
        _services.GetService<Observability.NccoMetrics>()?.CallRefused(reason, "sip");
        span?.SetTag("sip.response.status_code", status);
        call.Reject(status);
    }

    private static Dictionary<string, string>? HeadersOf(SipRequest invite)
    {
        Dictionary<string, string>? headers = null;
        foreach (var header in invite.Headers)
        {
            var name = header.Name.StartsWith("X-", StringComparison.OrdinalIgnoreCase) ? "X-" + header.Name[2..]
                : header.Is("User-to-User") ? "User-to-User" : null;
            // As Vonage: X-Nexmo headers are the platform's own and never reach the application; a User-to-User value
            // over 256 characters is not passed on.
            if (name is null || name.StartsWith("X-Nexmo", StringComparison.OrdinalIgnoreCase)) continue;
            if (name == "User-to-User" && header.Value.Length > MaxUserToUser) continue;
            headers ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            // Repeated headers are joined as SIP would fold them.
            headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + "," + header.Value : header.Value;
        }
        return headers;
    }
}
