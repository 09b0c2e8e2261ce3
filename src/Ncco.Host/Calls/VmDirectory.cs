using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Ncco.Calls;
using Ncco.Control;
using Ncco.Host.Applications;
using Ncco.Host.Auth;
using Ncco.Host.Configuration;
using Ncco.Host.Legs;
using Ncco.Host.Observability;
using Ncco.Scheduling;

namespace Ncco.Host.Calls;

/// <summary>
/// The host's NCCO VMs: one <see cref="NccoVm"/> per application for the application's lifetime (built on first use;
/// when the application's voice settings or key change, the same VM takes the new settings —
/// <see cref="NccoVm.UpdateApplicationAsync"/> — so named conversations, which are scoped per application as on
/// Vonage, never split between an old and a new VM), and a directory from leg uuid to the VM that runs it. Each VM dials through the leg transports
/// (<see cref="LegTransportMap.CreateDialer"/>); registered <see cref="IVmCustomizer"/>s then add the rest.
/// </summary>
public sealed class VmDirectory : ILiveCalls, IDisposable
{
    private readonly ConcurrentDictionary<string, VmSlot> _vms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, NccoVm> _legs = new(StringComparer.OrdinalIgnoreCase);
    private readonly AccountCredentials _account;
    private readonly NccoHostOptions _options;
    private readonly TimeProvider _time;
    private readonly CallJournal _journal;
    private readonly NccoMetrics _metrics;
    private readonly ILoggerFactory _loggers;
    private readonly IVmCustomizer[] _customizers;
    private readonly LegTransportMap _transports;
    private readonly HostPublicUrl _publicUrl;
    private readonly WebhookHttpClient _http;
    private readonly WebhookGate _webhookSlots;
    private readonly object _build = new();
    private readonly StrongBox<int> _webhooksInFlight = new();
    private int _active;
    private volatile bool _draining;
    private volatile bool _heldByOperator;

    /// <summary>Creates the directory.</summary>
    public VmDirectory(AccountCredentials account, IOptions<NccoHostOptions> options, TimeProvider time, CallJournal journal,
        NccoMetrics metrics, ILoggerFactory loggers, IEnumerable<IVmCustomizer> customizers, HostPublicUrl publicUrl, LegTransportMap transports,
        WebhookAddressPolicy? addressPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transports);
        _account = account;
        _options = options.Value;
        _time = time;
        _journal = journal;
        _metrics = metrics;
        _loggers = loggers;
        _customizers = [.. customizers];
        _publicUrl = publicUrl;
        _transports = transports;
        if (_options.Webhooks.MaxResponseBytes <= 0)
        {
            throw new InvalidOperationException($"Ncco:Webhooks:MaxResponseBytes must be a positive number of bytes, got {_options.Webhooks.MaxResponseBytes}.");
        }
        _http = new WebhookHttpClient(TimeSpan.FromMilliseconds(_options.Webhooks.DefaultConnectTimeoutMs), _options.Webhooks.MaxResponseBytes,
            addressPolicy ?? new WebhookAddressPolicy(_options.Webhooks.AllowedNetworks));
        var slots = Math.Max(1, _options.Webhooks.MaxConcurrency);
        _webhookSlots = new WebhookGate(slots, Math.Clamp(_options.Webhooks.AnswerReserve ?? slots / 4, 0, slots - 1));
    }

    /// <inheritdoc />
    public int ActiveLegCount => Volatile.Read(ref _active);

    /// <inheritdoc />
    public bool IsDraining => _draining || _heldByOperator;

    /// <summary>True once the host began shutting down (<see cref="BeginDrain"/>): no operator can undo that.</summary>
    public bool IsShuttingDown => _draining;

    /// <summary>True while an operator drains the node without stopping it (<see cref="HoldNewCalls"/>).</summary>
    public bool IsHeldByOperator => _heldByOperator;

    /// <inheritdoc />
    public void BeginDrain() => _draining = true;

    /// <summary>
    /// Drains the node without stopping it (<c>PUT /admin/drain</c>) while <paramref name="hold"/> is true: new calls
    /// are refused exactly as during shutdown (SIP 503, out-of-dialog OPTIONS 503, REST 503, <c>/health/ready</c>
    /// unhealthy), calls in progress carry on. False takes new calls again unless the host is shutting down.
    /// </summary>
    public void HoldNewCalls(bool hold) => _heldByOperator = hold;

    /// <summary>The VM for new calls of <paramref name="application"/>.</summary>
    public NccoVm VmFor(Application application)
    {
        ArgumentNullException.ThrowIfNull(application);
        if (_vms.TryGetValue(application.Id, out var slot) && slot.Matches(application)) return slot.Vm;
        lock (_build)
        {
            if (_vms.TryGetValue(application.Id, out slot))
            {
                if (!slot.Matches(application)) Update(slot, application);
                return slot.Vm;
            }
            slot = Build(application);
            _vms[application.Id] = slot;
            return slot.Vm;
        }
    }

    private void Update(VmSlot slot, Application application)
    {
        // Posted to the VM thread and not awaited: a webhook already being sent goes to the address it was built for;
        // everything the VM does after this point sees the new settings.
        slot.Transport.Voice = application.Voice;
        _ = slot.Vm.UpdateApplicationAsync(ApplicationVoiceSettings.Create(application, _account.ApiKey, _account.SignatureSecret, _publicUrl.Resolve()));
        slot.Voice = application.Voice;
        slot.PublicKey = application.PublicKey;
        _loggers.CreateLogger("Ncco.Host.Calls").VmSettingsTaken(application.Id);
    }

    /// <summary>The VM running leg <paramref name="uuid"/> (dashed or 32-hex form), or null.</summary>
    public NccoVm? VmOfCall(string uuid)
    {
        ArgumentNullException.ThrowIfNull(uuid);
        if (_legs.TryGetValue(uuid, out var vm)) return vm;
        return uuid.Length == 32 && Guid.TryParseExact(uuid, "N", out var g) ? _legs.GetValueOrDefault(g.ToString("D")) : null;
    }

    /// <summary>Creates an outbound call for <paramref name="application"/>; the call has been created (and its
    /// <c>started</c> status recorded) when the task completes.</summary>
    public async Task<CallLeg> CreateCallAsync(Application application, CreateCallRequest request)
    {
        var vm = VmFor(application);
        return await vm.Control.CreateCallAsync(request);
    }

    /// <inheritdoc />
    public async Task HangupAllAsync(CancellationToken cancellationToken)
    {
        foreach (var (uuid, vm) in _legs.ToArray())
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await vm.Control.HangupAsync(uuid);
            }
            catch (CallNotFoundException)
            {
                // Already over.
            }
        }
    }

    /// <inheritdoc />
    public async Task WhenWebhooksIdleAsync(CancellationToken cancellationToken)
    {
        // A leg sends its events one after another: between two of them nothing is in flight for an instant, so
        // "idle" means idle on three checks in a row.
        for (var quiet = 0; quiet < 3;)
        {
            quiet = Volatile.Read(ref _webhooksInFlight.Value) == 0 ? quiet + 1 : 0;
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken);
        }
    }

    private VmSlot Build(Application application)
    {
        var logger = _loggers.CreateLogger("Ncco.Host.Calls");
        var observer = new JournalingVmObserver(application.Id, _journal, _metrics, logger, delta => Interlocked.Add(ref _active, delta),
            uuid => _legs.TryRemove(uuid, out _));
        var voice = ApplicationVoiceSettings.Create(application, _account.ApiKey, _account.SignatureSecret, _publicUrl.Resolve());
        var transport = new HostWebhookTransport(_http, _webhookSlots, application.Voice, _metrics, _time, _webhooksInFlight);
        var options = new NccoVmOptions
        {
            Application = voice,
            Transport = transport,
            Scheduler = _options.Calls.VmThread == VmThread.Pool
                ? new RealTimeScheduler(_time)
                : new DedicatedVmScheduler(_time, application.Id, _options.Calls.VmThread, logger),
            Observer = observer,
            Dialer = _transports.CreateDialer(voice),
            Validation = new Ncco.Validation.NccoValidationOptions { Strict = _options.Validation.Strict },
            // The call store holds finished calls' history; the VM lets go of them (what it keeps is bounded anyway).
            RetainedFinishedLegs = _options.Calls.RetainedFinishedLegs,
            RetainedRecordings = 0,
            MaxConversationParticipants = _options.Calls.MaxConversationParticipants,
        };
        foreach (var customizer in _customizers) options = customizer.Customize(options, application);
        var vm = new NccoVm(options);
        observer.Vm = vm;
        vm.LegCreated += leg =>
        {
            // A conversation bridge's legs are no calls here: the bridged leg's own node runs and reports it.
            if (leg.IsStandIn) return;
            _legs[leg.Id] = vm;
            observer.OnLegCreated(leg);
        };
        // A call sent to another node before answer goes on there under the same uuid: released here with no end recorded.
        vm.LegHandedOff += observer.OnLegHandedOff;
        logger.VmReady(application.Id);
        return new VmSlot(vm, transport) { Voice = application.Voice, PublicKey = application.PublicKey };
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private sealed class VmSlot(NccoVm vm, HostWebhookTransport transport)
    {
        public NccoVm Vm { get; } = vm;

        public HostWebhookTransport Transport { get; } = transport;

        public volatile VoiceCapability? Voice;

        public volatile string PublicKey = "";

        public bool Matches(Application application) => Equals(Voice, application.Voice) && PublicKey == application.PublicKey;
    }
}
