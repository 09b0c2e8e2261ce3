using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Ncco.Calls;
using Ncco.Control;
using Ncco.Handlers;
using Ncco.Interpreter;
using Ncco.Legs;
using Ncco.Scheduling;
using Ncco.Testing.Hosting;
using Ncco.Testing.Reporting;
using Ncco.Diagnostics;
using Ncco.Testing.Time;
using Ncco.Testing.VoiceApi;
using Ncco.Testing.Webhooks;
using Ncco.Webhooks;

namespace Ncco.Testing;

/// <summary>
/// The virtual caller's world: a VM on virtual time, your webhook app (in-process ASP.NET, any URL, or delegates),
/// virtual callers and virtual outbound parties. Dispose it with <c>await using</c>.
/// </summary>
public sealed partial class VoiceSimulator : IAsyncDisposable, ILegDialer
{
    private readonly SemaphoreSlim _runLock = new(1, 1);
    private readonly List<Expectation> _steps = [];
    private readonly List<VirtualParty> _unclaimed = [];
    private readonly List<VirtualCall> _calls = [];
    private readonly IAsyncDisposable? _owned;
    private int _callers;

    private readonly InProcessApp? _app;

    private readonly AppRouter _router;
    private readonly SimulationThread _thread = new();

    private VoiceSimulator(SimulatorOptions options, IWebhookTransport transport, InProcessApp? app, bool ownsApp, int defaultSeed, VirtualTimeProvider? clock = null,
        bool reachedByUrl = false)
    {
        options.Validate();
        Options = options;
        _app = app;
        _owned = ownsApp ? app : null;
        Clock = clock ?? new VirtualTimeProvider(NewScheduler(options), options.TimeZone);
        Scheduler = Clock.Scheduler;
        Log = new CallLog(options.StartTime);
        Recorder = new WebhookRecorder(Log);
        var handlers = HandlerRegistry.CreateDefault();
        foreach (var c in options.HandlerConfig) c(handlers);
        Vm = new NccoVm(new NccoVmOptions
        {
            Application = options.ToApplication(),
            Transport = _router = new AppRouter(transport, options, reachedByUrl, Log, Scheduler),
            Scheduler = Scheduler,
            Ids = new SequentialIdGenerator(options.IdSeed ?? defaultSeed % (SequentialIdGenerator.MaxSeed + 1)),
            Dialer = this,
            Handlers = handlers,
            Observer = Recorder,
            Validation = options.Validation,
            MaxConversationParticipants = options.MaxConversationParticipants,
        });
        Vm.LegCreated += leg => _legStarted[leg.Id] = Scheduler.UtcNow;
        if (options.VoiceApiServer is { } api)
        {
            Scheduler.SettleWindow = options.VoiceApiSettle;
            api.Attach(this);
            _voiceApi = api;
        }
    }

    // When each leg was created, for the Voice API's start_time and date filters (VM thread only).
    private readonly Dictionary<string, DateTimeOffset> _legStarted = new(StringComparer.Ordinal);
    private readonly VoiceApiServer? _voiceApi;

    internal DateTimeOffset LegStarted(string legId) => _legStarted.TryGetValue(legId, out var at) ? at : Options.StartTime;

    /// <summary>
    /// The base URL of the Vonage Voice REST API this simulator serves (<see cref="SimulatorOptions.ServeVoiceApi"/> or
    /// <see cref="SimulatorOptions.UseVoiceApi"/>), e.g. <c>http://127.0.0.1:41234</c>: the app's API host (the Node SDK's
    /// <c>apiHost</c>). Requests need <c>Authorization: Bearer</c> with a well-formed application JWT.
    /// </summary>
    /// <exception cref="InvalidOperationException">The simulator serves no Voice API.</exception>
    public Uri VoiceApiUrl => _voiceApi?.BaseUrl ?? throw new InvalidOperationException(
        "This simulator serves no Voice REST API: start it with o => o.ServeVoiceApi() (or UseVoiceApi(server)).");

    /// <summary>
    /// An <see cref="HttpClient"/> for <see cref="VoiceApiUrl"/> that sends an application JWT, to call the Voice API as
    /// the app would (<c>await client.PutAsJsonAsync($"/v1/calls/{call.Uuid}/talk", new { text = "hi" })</c>). Dispose it.
    /// </summary>
    public HttpClient CreateVoiceApiClient()
    {
        var client = new HttpClient { BaseAddress = VoiceApiUrl };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", VoiceApiAuth.TokenFor(Options.ApplicationId));
        return client;
    }

    /// <summary>
    /// Applies a Voice API request at the current virtual instant: <paramref name="operation"/> runs on the VM's thread,
    /// and virtual time holds still until it has finished (and for <see cref="SimulatorOptions.VoiceApiSettle"/> after).
    /// While a step runs, its run executes the operation; between steps the request runs the VM itself, without moving
    /// the clock, so an app (or test) may call the API at any point.
    /// </summary>
    internal async Task<T> OnVoiceApiAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        using var hold = Scheduler.Hold();
        var result = Vm.InvokeAsync(operation).Unwrap();
        while (!result.IsCompleted)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var turn = _runLock.WaitAsync(stop.Token);
            if (await Task.WhenAny(result, turn).ConfigureAwait(false) == result)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                if (await turn.ContinueWith(t => t.IsCompletedSuccessfully, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                    .ConfigureAwait(false)) _runLock.Release();
                break;
            }
            await turn.ConfigureAwait(false);
            RunOutcome outcome;
            try
            {
                // No step is running: run the VM here, at the current instant, until the request is applied.
                outcome = result.IsCompleted ? RunOutcome.Satisfied : await RunHereOrOnThreadAsync(() => result.IsCompleted, Scheduler.UtcNow).ConfigureAwait(false);
            }
            finally
            {
                _runLock.Release();
            }
            // Only something of the app's (an NCCO fetch that failed and is retried later) could keep it from finishing now.
            if (outcome != RunOutcome.Satisfied) await Task.WhenAny(result, Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken)).ConfigureAwait(false);
        }
        return await result.ConfigureAwait(false);
    }

    /// <summary>The options.</summary>
    public SimulatorOptions Options { get; }

    /// <summary>The VM.</summary>
    public NccoVm Vm { get; }

    /// <summary>The virtual clock.</summary>
    public VirtualScheduler Scheduler { get; }

    /// <summary>Everything that happened, with virtual timestamps.</summary>
    public CallLog Log { get; }

    /// <summary>Current virtual time.</summary>
    public DateTimeOffset Now => Scheduler.UtcNow;

    /// <summary>Live-call control, as the REST API would do it (transfer, talk, hangup…). Use <see cref="ControlAsync"/> from tests.</summary>
    public CallControl Control => Vm.Control;

    /// <summary>Finished recordings.</summary>
    public IReadOnlyList<RecordingInfo> Recordings => Vm.Recordings;

    /// <summary>
    /// The virtual clock as a <see cref="TimeProvider"/>: the call's time, and timers that fire on it. An app started
    /// with <see cref="StartAsync{TProgram}"/> gets it as its <see cref="TimeProvider"/> service.
    /// </summary>
    public VirtualTimeProvider Clock { get; }

    /// <summary>
    /// The app under test when it runs in-process (<see cref="StartAsync{TProgram}"/> or <see cref="Start(InProcessApp, Action{SimulatorOptions}?)"/>):
    /// <c>sim.App.Services</c> to read its state, <c>sim.App.CreateClient()</c> to call its other endpoints.
    /// </summary>
    /// <exception cref="InvalidOperationException">The app is reached by URL or is a delegate app.</exception>
    public InProcessApp App => _app ?? throw new InvalidOperationException(
        "sim.App is the in-process app of VoiceSimulator.StartAsync<TProgram>() or Start(InProcessApp); this simulator talks to its app by URL or delegates.");

    /// <summary>Every webhook exchange so far, in order (to assert on them, prefer the auto-waiting <see cref="WebhookAsync"/>).</summary>
    public IReadOnlyList<ReceivedWebhook> Webhooks => Recorder.Snapshot();

    internal WebhookRecorder Recorder { get; }

    /// <summary>
    /// Hosts the ASP.NET app whose <c>Program</c> is <typeparamref name="TProgram"/> in-process (TestHost), with the
    /// simulator's virtual clock registered as its <see cref="TimeProvider"/> and the test's
    /// <see cref="SimulatorOptions.ConfigureServices"/> applied. Disposing the simulator stops the app.
    /// </summary>
    public static async Task<VoiceSimulator> StartAsync<TProgram>(Action<SimulatorOptions>? configure = null) where TProgram : class
    {
        var options = new SimulatorOptions();
        configure?.Invoke(options);
        options.Validate();
        var scheduler = NewScheduler(options);
        var clock = new VirtualTimeProvider(scheduler, options.TimeZone);
        await options.StartVoiceApiAsync().ConfigureAwait(false);
        var settings = options.VoiceApiServer is { } api
            ? new Dictionary<string, string?> { ["VONAGE_API_HOST"] = api.BaseUrl.GetLeftPart(UriPartial.Authority) }
            : null;
        var app = await InProcessApp.StartAsync<TProgram>("Development", services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(clock);
            foreach (var c in options.ServiceConfig) c(services);
        }, settings).ConfigureAwait(false);
        options.BaseUrl = app.Server.BaseAddress;
        return new VoiceSimulator(options, app.CreateWebhookTransport(), app, ownsApp: true, app.NextSimulator(), clock);
    }

    /// <summary>
    /// Uses an already started in-process app (shared between simulators; not disposed with them). The app keeps its
    /// own <see cref="TimeProvider"/>: to give it a virtual clock, start one simulator per app with <see cref="StartAsync{TProgram}"/>.
    /// </summary>
    public static VoiceSimulator Start(InProcessApp app, Action<SimulatorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = new SimulatorOptions();
        configure?.Invoke(options);
        options.BaseUrl = app.Server.BaseAddress;
        StartVoiceApi(options);
        return new VoiceSimulator(options, app.CreateWebhookTransport(), app, ownsApp: false, app.NextSimulator());
    }

    /// <summary>Uses the webhook app at <paramref name="baseUrl"/> (any language) over real HTTP.</summary>
    public static VoiceSimulator Start(Uri baseUrl, Action<SimulatorOptions>? configure = null, HttpClient? client = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var options = new SimulatorOptions { BaseUrl = baseUrl };
        configure?.Invoke(options);
        options.BaseUrl = baseUrl;
        StartVoiceApi(options);
        return new VoiceSimulator(options, new HttpWebhookTransport(client ?? new HttpClient()), null, ownsApp: false, 0, reachedByUrl: true);
    }

    /// <summary>Uses a webhook app written as delegates (or any <see cref="IWebhookTransport"/>).</summary>
    public static VoiceSimulator Start(IWebhookTransport app, Action<SimulatorOptions>? configure = null)
    {
        var options = new SimulatorOptions { BaseUrl = new Uri("https://app.example/") };
        configure?.Invoke(options);
        StartVoiceApi(options);
        return new VoiceSimulator(options, app, null, ownsApp: false, (app as WebhookApp)?.NextSimulator() ?? 0);
    }

    // Kestrel binds and starts synchronously in all but name: blocking here keeps these factories synchronous.
    private static void StartVoiceApi(SimulatorOptions options) => options.StartVoiceApiAsync().GetAwaiter().GetResult();

    private static VirtualScheduler NewScheduler(SimulatorOptions options) => new(options.StartTime) { WebhookGuard = options.WebhookGuard };

    // ---- running --------------------------------------------------------------------------------------------

    internal Expectation Step(string description, Func<Task> body, string file, int line)
    {
        Expectation? e = null;
        e = new Expectation(description, () =>
        {
            _callSite = e!.CallSite;
            return body();
        }, file, line);
        lock (_steps) _steps.Add(e);
        return e;
    }

    internal Expectation<T> Step<T>(string description, Func<Task<T>> body, string file, int line)
    {
        Expectation<T>? e = null;
        e = new Expectation<T>(description, () =>
        {
            _callSite = e!.CallSite;
            return body();
        }, file, line);
        lock (_steps) _steps.Add(e);
        return e;
    }

    // The step running now, to name the full log a failure writes.
    private volatile string? _callSite;

    internal async Task<RunOutcome> RunAsync(Action? inject, Func<bool> condition, TimeSpan within)
    {
        await _runLock.WaitAsync().ConfigureAwait(false);
        try
        {
            inject?.Invoke();
            var deadline = Scheduler.UtcNow + within;
            var outcome = await RunHereOrOnThreadAsync(condition, deadline).ConfigureAwait(false);
            await AwaitStuckReportAsync(outcome).ConfigureAwait(false);
            ThrowIfMisconfigured();
            return outcome;
        }
        finally
        {
            _runLock.Release();
        }
    }

    /// <summary>
    /// Runs the VM on the calling thread for as long as nothing has to be waited for (a delegate app, timers, the VM's
    /// own work: most steps), and hands the rest of the run to the simulator's own thread as soon as it must wait for a
    /// webhook answer. Only that thread ever blocks, so a run still needs no free thread-pool thread; the hand-off
    /// (two thread wake-ups per step) is paid only when there is something to wait for.
    /// </summary>
    private Task<RunOutcome> RunHereOrOnThreadAsync(Func<bool> condition, DateTimeOffset deadline) =>
        Scheduler.TryRunUntil(condition, deadline, out var outcome)
            ? Task.FromResult(outcome)
            : _thread.RunAsync(() => Scheduler.RunUntil(condition, deadline));

    /// <summary>
    /// Runs for exactly <paramref name="duration"/> of virtual time (unless <paramref name="stop"/> comes true first):
    /// unlike <see cref="RunAsync"/>, the clock reaches the end even when nothing is scheduled before it.
    /// </summary>
    internal async Task<RunOutcome> RunForAsync(Action? inject, Func<bool>? stop, TimeSpan duration)
    {
        await _runLock.WaitAsync().ConfigureAwait(false);
        try
        {
            inject?.Invoke();
            var end = Scheduler.UtcNow + duration;
            var outcome = await RunHereOrOnThreadAsync(stop ?? (() => false), end).ConfigureAwait(false);
            await AwaitStuckReportAsync(outcome).ConfigureAwait(false);
            // Nothing left to happen by itself: the time still passes for the parties.
            if (outcome == RunOutcome.Idle) Scheduler.AdvanceTo(end);
            ThrowIfMisconfigured();
            return outcome;
        }
        finally
        {
            _runLock.Release();
        }
    }

    internal async Task<T> OnVmAsync<T>(Func<T> func)
    {
        var task = Vm.InvokeAsync(func);
        var outcome = await RunAsync(null, () => task.IsCompleted, TimeSpan.Zero).ConfigureAwait(false);
        if (!task.IsCompleted) throw Fail($"VM operation did not complete ({outcome}).");
        return await task.ConfigureAwait(false);
    }

    /// <summary>
    /// The run gave up on a webhook after <see cref="SimulatorOptions.WebhookGuard"/>, and the request itself times out
    /// after the same guard: the router's report of the stuck handler (which names the request) may be a moment behind.
    /// Waits for it, boundedly, so the step fails with it instead of going on as if the webhook had answered.
    /// </summary>
    private async Task AwaitStuckReportAsync(RunOutcome outcome)
    {
        if (outcome != RunOutcome.WebhookStuck) return;
        var limit = TimeProvider.System.GetTimestamp();
        while (!_router.HasProblem && TimeProvider.System.GetElapsedTime(limit) < Options.WebhookGuard)
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System).ConfigureAwait(false);
    }

    private void ThrowIfMisconfigured()
    {
        if (_router.TryTakeProblem(out var problem)) throw Fail(problem);
    }

    internal VoiceExpectationException Fail(string message)
    {
        var path = FailureReport.WriteFullLog(Log, Options.LogDirectory, FailureReport.FileName(_callSite));
        return new($"{message}\n\n{FailureReport.CallLogHeading}; webhook payloads left out, repeats collapsed):\n{FailureReport.CompactLog(Log)}"
            + $"Full call log with webhook payloads: {path}");
    }

    /// <summary>Lets exactly <paramref name="duration"/> of virtual time pass while the parties do nothing.</summary>
    public Expectation AdvanceAsync(TimeSpan duration, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Step($"advance {duration}", () => RunForAsync(null, null, duration), file, line);

    /// <summary>Runs until nothing more happens by itself (no runnable work, no webhook, no timer within <paramref name="limit"/>).</summary>
    public Expectation RunUntilIdleAsync(TimeSpan? limit = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Step("run until idle", () => RunAsync(null, () => false, limit ?? Options.DefaultTimeout), file, line);

    /// <summary>Runs a control operation (REST-style) against the live call and processes its effects.</summary>
    /// <remarks>
    /// <paramref name="operation"/> runs on the VM's logical thread, so every <c>await</c> inside it resumes there too.
    /// Run anywhere else, an operation that awaits one control call and then does more (keeps the outcome of a
    /// hand-over, sends a second command) would resume on the thread pool, where the virtual clock cannot see it: the
    /// clock would run on to the next timer (a 60 s ring timeout, say) before the rest of the operation ran, and the
    /// test would see a call fail that no real caller would.
    /// </remarks>
    public Expectation ControlAsync(Func<CallControl, Task> operation, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Step("control operation", async () =>
        {
            ArgumentNullException.ThrowIfNull(operation);
            var started = Vm.InvokeAsync(() => operation(Control));
            bool Done() => started.IsCompleted && (!started.IsCompletedSuccessfully || started.Result.IsCompleted);
            await RunAsync(null, Done, Options.DefaultTimeout).ConfigureAwait(false);
            if (!Done()) throw Fail("The control operation did not complete.");
            await (await started.ConfigureAwait(false)).ConfigureAwait(false);
            await RunAsync(null, () => false, TimeSpan.Zero).ConfigureAwait(false);
        }, file, line);

    // ---- calls and parties ----------------------------------------------------------------------------------

    /// <summary>A caller dials your number: runs the answer webhook and returns once the call is answered (or failed).</summary>
    public Expectation<VirtualCall> CallAsync(string from, string to, string endpointType = "phone", IReadOnlyDictionary<string, string>? sipHeaders = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Step($"call from {from} to {to}", async () =>
        {
            var label = _callers++ == 0 ? "caller" : "caller" + _callers;
            var transport = new VirtualLeg(Scheduler, from);
            var legTask = Vm.AcceptInboundAsync(transport, new InboundCall { From = from, To = to, EndpointType = endpointType, SipHeaders = sipHeaders });
            await RunAsync(null, () => legTask.IsCompleted && (legTask.Result.AnsweredAt is not null || legTask.Result.IsEnded), Options.DefaultTimeout).ConfigureAwait(false);
            var leg = await legTask.ConfigureAwait(false);
            Log.Label(leg.Id, label);
            var call = new VirtualCall(this, leg, transport, label);
            lock (_calls) _calls.Add(call);
            return call;
        }, file, line);

    /// <summary>The app creates an outbound call (REST <c>POST /v1/calls</c>); returns the ringing party to control.</summary>
    public Expectation<VirtualParty> CreateCallAsync(CreateCallRequest request, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Step("create call", async () =>
        {
            var task = Control.CreateCallAsync(request);
            await RunAsync(null, () => task.IsCompleted, TimeSpan.Zero).ConfigureAwait(false);
            var created = await task.ConfigureAwait(false);
            return Claim(p => p.Leg == created) ?? throw Fail("The created call has no virtual party.");
        }, file, line);

    /// <summary>Waits until the VM dials an outbound party (connect, or an outbound call), optionally to <paramref name="to"/>.</summary>
    public Expectation<VirtualParty> ExpectOutboundCallAsync(string? to = null, TimeSpan? within = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Step($"expect outbound call{(to is null ? "" : " to " + to)}", async () =>
        {
            bool Match(VirtualParty p) => to is null || string.Equals(p.Leg.To, to, StringComparison.OrdinalIgnoreCase);
            bool Found()
            {
                lock (_unclaimed) return _unclaimed.Any(Match);
            }
            var limit = within ?? Options.DefaultTimeout;
            var outcome = await RunAsync(null, Found, limit).ConfigureAwait(false);
            var why = outcome == RunOutcome.DeadlineReached
                ? $"waited {Span(limit)} of virtual time; wait longer with within: or SimulatorOptions.DefaultTimeout"
                : Describe(outcome);
            return Claim(Match) ?? throw Fail($"Expected an outbound call{(to is null ? "" : " to " + to)}, but none was made ({why}).\nOutbound legs so far: "
                + string.Join(", ", Vm.Legs.Where(l => l.Direction == Direction.Outbound).Select(l => l.To).DefaultIfEmpty("none")));
        }, file, line);

    private static string Span(TimeSpan span) => span.TotalMinutes >= 1 && span.Seconds == 0 && span.Milliseconds == 0
        ? $"{(int)span.TotalMinutes} min"
        : span.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + " s";

    internal static string Describe(RunOutcome outcome) => outcome switch
    {
        RunOutcome.Idle => "nothing else could happen: no pending timers, no webhook in flight",
        RunOutcome.DeadlineReached => "virtual time limit reached",
        RunOutcome.WebhookStuck => "a webhook did not answer in real time",
        _ => outcome.ToString(),
    };

    private VirtualParty? Claim(Func<VirtualParty, bool> match)
    {
        lock (_unclaimed)
        {
            var p = _unclaimed.FirstOrDefault(match);
            if (p is not null) _unclaimed.Remove(p);
            return p;
        }
    }

    ILegTransport ILegDialer.CreateTransport(OutboundLegRequest request)
    {
        var transport = new VirtualLeg(Scheduler, NccoVm.Destination(request.Endpoint));
        var party = new VirtualParty(this, request, transport);
        void OnCreated(CallLeg leg)
        {
            if (leg.Id != request.LegId) return;
            Vm.LegCreated -= OnCreated;
            party.Bind(leg, "party " + leg.To);
            Log.Label(leg.Id, "party " + leg.To);
            lock (_unclaimed) _unclaimed.Add(party);
        }
        Vm.LegCreated += OnCreated;
        return transport;
    }

    /// <summary>Fails if a step was created but never awaited, then stops the app.</summary>
    public async ValueTask DisposeAsync()
    {
        List<Expectation> unawaited;
        lock (_steps) unawaited = _steps.Where(s => !s.Observed).ToList();
        if (_voiceApi is not null)
        {
            _voiceApi.Detach(this);
            if (Options.ServesOwnVoiceApi) await _voiceApi.DisposeAsync().ConfigureAwait(false);
        }
        if (_owned is not null) await _owned.DisposeAsync().ConfigureAwait(false);
        _runLock.Dispose();
        _thread.Dispose();
        if (_router.TryTakeProblem(out var problem)) throw Fail(problem);
        if (unawaited.Count > 0)
        {
            throw new UnawaitedExpectationException("These simulator steps were created but never awaited (missing 'await'?):\n"
                + string.Join("\n", unawaited.Select(u => $"  {u.CallSite}: {u.Description}")));
        }
    }
}
