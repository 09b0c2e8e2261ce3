using Ncco.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Interpreter;
using Ncco.Legs;
using Ncco.Model;
using Ncco.Validation;
using Ncco.Webhooks;

namespace Ncco.Testing;

/// <summary>How the simulated Vonage application is configured (paths are relative to the app's base URL).</summary>
public sealed class SimulatorOptions
{
    internal Uri BaseUrl { get; set; } = new("http://localhost/");

    internal string AnswerPath { get; private set; } = "/webhooks/answer";

    internal WebhookMethod AnswerMethod { get; private set; } = WebhookMethod.Get;

    internal string? EventPath { get; private set; } = "/webhooks/event";

    internal WebhookMethod EventMethod { get; private set; } = WebhookMethod.Post;

    internal string? FallbackPath { get; private set; }

    internal WebhookMethod FallbackMethod { get; private set; } = WebhookMethod.Get;

    internal string? Secret { get; private set; }

    internal List<Action<HandlerRegistry>> HandlerConfig { get; } = [];

    internal List<Action<IServiceCollection>> ServiceConfig { get; } = [];

    internal List<Uri> PublicUrls { get; } = [];

    /// <summary>True when a scenario file set these options: hints about them name the file's keys (<c>app: { … }</c>).</summary>
    internal bool ForScenarioFiles { get; set; }

    internal HashSet<string>? AllowedErrorPaths { get; private set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Virtual clock start (default 2026-01-01T09:00:00Z) — fixed so timestamps are the same every run.</summary>
    public DateTimeOffset StartTime { get; set; } = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Default virtual time an expectation may wait (default 10 minutes).</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Real time a webhook may take before the test fails (default 30 s). It is the only limit on the app's answers:
    /// the platform's answer timeouts (5 s, 10 s for events) are platform time, which does not pass while the app
    /// answers, so a slow test machine never turns a correct answer into a timeout. To test the timeout path, have the
    /// app answer <see cref="WebhookResponse.TimedOut"/> (a <see cref="Hosting.WebhookApp"/> route can).
    /// </summary>
    public TimeSpan WebhookGuard { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Validation options for NCCOs the app returns. Custom actions registered with <see cref="Handlers"/> need no entry here.</summary>
    public NccoValidationOptions Validation { get; set; } = NccoValidationOptions.Default;

    /// <summary>
    /// How long a virtual party takes to say something (<see cref="VirtualCall.SaysAsync"/> without a duration).
    /// Default: 0.4 s a word (≈150 words a minute, as TTS is timed), at least 0.5 s.
    /// </summary>
    public Func<string, TimeSpan> SpeechDuration { get; set; } = PlaybackDuration.Speech;

    /// <summary>
    /// The time zone of the virtual clock's <see cref="TimeProvider.LocalTimeZone"/> (default UTC, so an app that
    /// speaks local times says the same on every machine).
    /// </summary>
    public TimeZoneInfo TimeZone { get; set; } = TimeZoneInfo.Utc;

    /// <summary>
    /// Seeds the uuids of legs, conversations and recordings (0 to 268,435,455): the same seed gives the same ids on
    /// every run, different seeds never collide. Unset, each simulator on a shared <see cref="Hosting.InProcessApp"/>
    /// or <see cref="Hosting.WebhookApp"/> takes the next number after the simulators started on it before (0 for the
    /// first, and for apps of their own), so tests sharing an app never see each other's calls. Set it when several
    /// simulators share an app reached by URL.
    /// </summary>
    public int? IdSeed { get; set; }

    /// <summary>
    /// Where a failed expectation writes the whole call log, webhook payloads included (the message itself shows a
    /// compact log). Default: <c>ncco-call-logs</c> beside the test assembly; the file is named after the failing step's
    /// file and line.
    /// </summary>
    public string LogDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "ncco-call-logs");

    /// <summary>
    /// A hearing expectation fails early, without waiting out its timeout, once the party has heard the same prompt
    /// (or cycle of up to eight prompts) this many times in a row while it waits and the app has no timer of its own
    /// pending: the app is looping with nothing but time to change it. Default 10; 0 turns it off (a hold queue that
    /// repeats a message until a virtual agent answers never trips it, since the test must act for the agent).
    /// </summary>
    public int LoopLimit { get; set; } = 10;

    /// <summary>
    /// Participants one named conversation holds before the next leg is refused, as the host's
    /// <c>Ncco:Calls:MaxConversationParticipants</c> sets it. Default 50 (the platform's limit); at least 1.
    /// </summary>
    public int MaxConversationParticipants { get; set; } = Ncco.Model.Actions.ConversationAction.MaxParticipants;

    /// <summary>The Voice REST API this simulator serves, if any (<see cref="ServeVoiceApi"/>, <see cref="UseVoiceApi"/>).</summary>
    internal VoiceApi.VoiceApiServer? VoiceApiServer { get; private set; }

    /// <summary>True when the simulator serves a Voice REST API of its own (started with it, stopped with it).</summary>
    internal bool ServesOwnVoiceApi { get; private set; }

    /// <summary>
    /// With a Voice REST API served: the real time the app is given, after each webhook it answered and each REST request
    /// it made, to send its next REST request before virtual time moves on (default 200 ms). Raise it on a slow machine
    /// if an app's REST request lands after time has already moved on (a talk heard late, a transfer after the call's
    /// next prompt); zero gives the app no time at all (requests then land wherever the scenario is waiting).
    /// </summary>
    public TimeSpan VoiceApiSettle { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Serves the Vonage Voice REST API (<c>/v1/calls</c>) on loopback for this simulator, at
    /// <see cref="VoiceSimulator.VoiceApiUrl"/>: an app that controls its calls over REST (transfer, hangup, talk, …)
    /// sends its requests there. An in-process app (<see cref="VoiceSimulator.StartAsync{TProgram}"/>) finds the URL in
    /// its configuration as <c>VONAGE_API_HOST</c>; answer webhooks carry it as <c>region_url</c>.
    /// </summary>
    public SimulatorOptions ServeVoiceApi()
    {
        VoiceApiServer = null;
        ServesOwnVoiceApi = true;
        return this;
    }

    /// <summary>
    /// Serves the Voice REST API through <paramref name="server"/>, started beforehand and shared by simulators one at a
    /// time (an app started once with its URL, as <c>ncco test</c> does). The simulator attaches to it while it lives.
    /// </summary>
    public SimulatorOptions UseVoiceApi(VoiceApi.VoiceApiServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        VoiceApiServer = server;
        ServesOwnVoiceApi = false;
        return this;
    }

    /// <summary>Starts the simulator's own Voice REST API server when it serves one (<see cref="ServeVoiceApi"/>).</summary>
    internal async Task StartVoiceApiAsync()
    {
        if (!ServesOwnVoiceApi || VoiceApiServer is not null) return;
        VoiceApiServer = await VoiceApi.VoiceApiServer.StartAsync().ConfigureAwait(false);
        // One request before the test's first: an in-process app calls the API from this process, whose first HTTP
        // request (client handler and server pipeline compiled just in time) could otherwise outlast the settle window.
        using var warm = new HttpClient();
        using var _ = await warm.GetAsync(new Uri(VoiceApiServer.BaseUrl, "/v1/calls")).ConfigureAwait(false);
    }

    /// <summary>Application id used in signed webhooks.</summary>
    public string ApplicationId { get; set; } = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

    /// <summary>Answer webhook path and method (default <c>GET /webhooks/answer</c>).</summary>
    public SimulatorOptions AnswerUrl(string path, WebhookMethod method = WebhookMethod.Get)
    {
        AnswerPath = path;
        AnswerMethod = method;
        return this;
    }

    /// <summary>Event webhook path and method (default <c>POST /webhooks/event</c>); null for none.</summary>
    public SimulatorOptions EventUrl(string? path, WebhookMethod method = WebhookMethod.Post)
    {
        EventPath = path;
        EventMethod = method;
        return this;
    }

    /// <summary>Fallback answer webhook.</summary>
    public SimulatorOptions FallbackAnswerUrl(string path, WebhookMethod method = WebhookMethod.Get)
    {
        FallbackPath = path;
        FallbackMethod = method;
        return this;
    }

    /// <summary>Sign every webhook (HS256 JWT with payload_hash) with <paramref name="secret"/>.</summary>
    public SimulatorOptions SignWebhooks(string secret)
    {
        Secret = secret;
        return this;
    }

    /// <summary>
    /// Replace a built-in handler or add a custom action (for example <c>h.Register&lt;Beep&gt;("beep", …)</c>); the
    /// simulated VM accepts every custom action registered here in the NCCOs the app returns.
    /// </summary>
    public SimulatorOptions Handlers(Action<HandlerRegistry> configure)
    {
        HandlerConfig.Add(configure);
        return this;
    }

    /// <summary>
    /// Changes the in-process app's services before it starts (<see cref="VoiceSimulator.StartAsync{TProgram}"/> only),
    /// like <c>WebApplicationFactory.WithWebHostBuilder(b => b.ConfigureServices(…))</c>: replace a payment gateway with
    /// a fake, seed a repository. Runs after the app's own registrations and after the simulator registered its
    /// virtual clock as <see cref="TimeProvider"/>, so it may replace that too.
    /// </summary>
    public SimulatorOptions ConfigureServices(Action<IServiceCollection> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ServiceConfig.Add(configure);
        return this;
    }

    /// <summary>
    /// The app's public base URL, as Vonage would know it (<c>https://pharmacy.example</c>): answer and event URLs are
    /// resolved against it, and webhooks to its host are the app's — routed into the in-process app (which sees that
    /// Host header) or to the URL the simulator was started with. Call it again for each further host of the app.
    /// A webhook to any other host is refused and fails the test, so a typo in an NCCO's <c>eventUrl</c> cannot slip
    /// into the app by accident (nor out to the internet).
    /// </summary>
    public SimulatorOptions PublicBaseUrl(string url)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"PublicBaseUrl must be an absolute http(s) URL such as https://pharmacy.example, got '{url}'.", nameof(url));
        PublicUrls.Add(uri);
        return this;
    }

    /// <summary>
    /// Says the test expects the app to answer webhooks to these paths (all paths when none is given) with an error
    /// (4xx/5xx), a timeout or a refused connection — to test retries and <c>fallback_answer_url</c>. Otherwise
    /// such an answer fails the test at the step where it happened: a webhook the app does not handle (404 on
    /// <c>/webhooks/event</c>) is a misconfiguration, not something to pass silently.
    /// </summary>
    public SimulatorOptions AllowWebhookErrors(params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Length == 0) AllowedErrorPaths = null;
        else foreach (var p in paths) AllowedErrorPaths?.Add(p.TrimEnd('/'));
        return this;
    }

    internal bool ErrorAllowed(Uri uri) => AllowedErrorPaths is null || AllowedErrorPaths.Contains(uri.AbsolutePath.TrimEnd('/'));

    /// <summary>The hosts that are the app: the one it was started on and every <see cref="PublicBaseUrl"/>.</summary>
    internal IEnumerable<string> AppHosts => PublicUrls.Select(u => u.Host).Prepend(BaseUrl.Host).Distinct(StringComparer.OrdinalIgnoreCase);

    internal bool IsAppHost(Uri uri) => AppHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase);

    /// <summary>Checks the settings a test gave before anything starts, naming the one that is wrong.</summary>
    internal void Validate()
    {
        if (IdSeed is < 0 or > SequentialIdGenerator.MaxSeed)
            throw new ArgumentOutOfRangeException(nameof(IdSeed), IdSeed, "SimulatorOptions.IdSeed must be between 0 and " + SequentialIdGenerator.MaxSeed.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + ".");
        if (DefaultTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(DefaultTimeout), DefaultTimeout, "SimulatorOptions.DefaultTimeout must be positive.");
        if (WebhookGuard <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(WebhookGuard), WebhookGuard, "SimulatorOptions.WebhookGuard must be positive.");
        ArgumentNullException.ThrowIfNull(SpeechDuration, nameof(SpeechDuration));
        ArgumentException.ThrowIfNullOrEmpty(LogDirectory, nameof(LogDirectory));
        if (MaxConversationParticipants < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxConversationParticipants), MaxConversationParticipants, "SimulatorOptions.MaxConversationParticipants must be at least 1.");
        if (LoopLimit is < 0 or 1) throw new ArgumentOutOfRangeException(nameof(LoopLimit), LoopLimit, "SimulatorOptions.LoopLimit must be 0 (off) or at least 2.");
        ArgumentNullException.ThrowIfNull(TimeZone, nameof(TimeZone));
        if (VoiceApiSettle < TimeSpan.Zero || VoiceApiSettle > WebhookGuard)
            throw new ArgumentOutOfRangeException(nameof(VoiceApiSettle), VoiceApiSettle, "SimulatorOptions.VoiceApiSettle must be between zero and WebhookGuard.");
    }

    internal Uri Resolve(string path) => new(PublicUrls.Count > 0 ? PublicUrls[0] : BaseUrl, path);

    internal VoiceApplication ToApplication() => new()
    {
        ApplicationId = ApplicationId,
        AnswerUrl = new WebhookTarget(Resolve(AnswerPath), AnswerMethod),
        EventUrl = EventPath is null ? null : new WebhookTarget(Resolve(EventPath), EventMethod),
        FallbackAnswerUrl = FallbackPath is null ? null : new WebhookTarget(Resolve(FallbackPath), FallbackMethod),
        SignatureSecret = Secret,
        // Vonage's answer webhooks name the API host to control the call through: here, the simulator's.
        RegionUrl = VoiceApiServer?.BaseUrl.GetLeftPart(UriPartial.Authority) ?? new VoiceApplication().RegionUrl,
    };
}
