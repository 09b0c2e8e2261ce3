namespace Ncco.Host.Configuration;

/// <summary>
/// Settings of the host, bound from the <c>Ncco</c> section (appsettings.json, environment variables such as
/// <c>Ncco__DataDirectory</c>, or the command line <c>--Ncco:DataDirectory=…</c>). Everything has a working default.
/// </summary>
public sealed class NccoHostOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Ncco";

    /// <summary>
    /// Where the SQLite database, account credentials and recordings live. Relative paths are resolved against the
    /// current directory. Default <c>ncco-data</c>.
    /// </summary>
    public string DataDirectory { get; set; } = "ncco-data";

    /// <summary>API key, secret and signature secret; generated on first start when not configured.</summary>
    public AccountOptions Account { get; set; } = new();

    /// <summary>
    /// The base URL applications reach this host at: it becomes <c>region_url</c> in answer webhooks and the base of
    /// <c>recording_url</c> (<c>{PublicUrl}/v1/files/{id}</c>). When not set, the address the host listens on
    /// (see <see cref="HostPublicUrl"/>).
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>Voice REST API settings.</summary>
    public CallsOptions Calls { get; set; } = new();

    /// <summary>Webhook delivery settings.</summary>
    public WebhookOptions Webhooks { get; set; } = new();

    /// <summary>Media thread settings (tick workers, TTS cache).</summary>
    public MediaOptions Media { get; set; } = new();

    /// <summary>How NCCOs are checked at run time (<c>Ncco:Validation</c>).</summary>
    public NccoCheckOptions Validation { get; set; } = new();

    /// <summary>Admission limits for new calls (concurrent calls, per-source call rate).</summary>
    public LimitsOptions Limits { get; set; } = new();

    /// <summary>Where state is stored (<c>Ncco:Store</c>): SQLite by default, PostgreSQL for a cluster.</summary>
    public StoreOptions Store { get; set; } = new();

    /// <summary>Where recordings are kept (<c>Ncco:Recordings</c>).</summary>
    public RecordingsOptions Recordings { get; set; } = new();
}

/// <summary>How NCCOs received at run time are checked (<c>Ncco:Validation</c>).</summary>
public sealed class NccoCheckOptions
{
    /// <summary>
    /// When true, an NCCO with a property the rules do not define is rejected like any invalid NCCO (fallback URL, else
    /// an error event). Default false, as on Vonage: the property is ignored and a warning naming its pointer and the
    /// likely meant name is logged and shown on the call's timeline (<see cref="Ncco.Validation.NccoValidationOptions.Strict"/>).
    /// NCCOs in REST requests follow the same setting: strict, <c>POST /v1/calls</c> and a transfer answer 400 naming the
    /// field (<c>ncco[0].voice_name</c>); lenient, the warning goes on the call's timeline (<see cref="Rest.RestNccoCheck"/>).
    /// </summary>
    public bool Strict { get; set; }
}

/// <summary>Settings of the Voice REST API (<c>Ncco:Calls</c>).</summary>
public sealed class CallsOptions
{
    /// <summary>
    /// Outbound calls (<c>POST /v1/calls</c>) each application may create per second before getting 429. Default 3,
    /// Vonage's default for an account. Bursts up to this many are allowed at once.
    /// </summary>
    public double RateLimitPerSecond { get; set; } = 3;

    /// <summary>
    /// Write the <c>_links</c> of <c>GET /v1/calls</c> as absolute URLs on the host the request came to. Default false:
    /// they are relative (<c>/v1/calls?page_size=10&amp;record_index=10</c>) as Vonage's API specification and its
    /// Python SDK's recorded responses show, and as this host's Applications API writes them. Turn it on for clients
    /// that need absolute links: the official Node SDK's <c>getAllCalls()</c> reads the next page with
    /// <c>new URL(next.href)</c>, which throws on a relative link (its <c>getCallsPage()</c> with
    /// <c>recordIndex</c> works either way).
    /// </summary>
    public bool AbsoluteListLinks { get; set; }

    /// <summary>
    /// Finished legs each application's NCCO VM keeps in memory after their last webhook was delivered
    /// (<see cref="Ncco.Calls.NccoVmOptions.RetainedFinishedLegs"/>). Default 0: the host answers every question about a
    /// finished call (<c>GET /v1/calls</c>, the dashboard) from the call store, so a finished call's state, and what its
    /// media and transport referenced, is released as soon as its <c>completed</c> event went out. Raise it only to
    /// inspect finished legs through the VM in a debugger or an embedding; each kept leg costs a few kilobytes.
    /// </summary>
    public int RetainedFinishedLegs { get; set; }

    /// <summary>
    /// Participants one named conversation holds (<see cref="Ncco.Calls.NccoVmOptions.MaxConversationParticipants"/>);
    /// the next caller's <c>conversation</c> action is refused and its NCCO moves on. Default 50, the platform's
    /// documented limit, so applications behave as they do on Vonage; raise it for larger rooms (the mixer's cost per
    /// participant is constant, bench/conference/RESULTS.md).
    /// </summary>
    public int MaxConversationParticipants { get; set; } = Ncco.Model.Actions.ConversationAction.MaxParticipants;

    /// <summary>
    /// Where each application's NCCO VM runs (<see cref="Calls.VmThread"/>): <c>Pool</c> (default) the thread pool's
    /// queue, <c>Normal</c> a thread of its own, <c>High</c> a thread of its own at nice −10. One VM serves every call of
    /// its application, so at high call rates its one lane is what a caller's 200 waits for (docs/host-configuration.md).
    /// </summary>
    public Calls.VmThread VmThread { get; set; } = Calls.VmThread.Pool;
}

/// <summary>Settings of webhook delivery (<c>Ncco:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>
    /// Webhook requests in flight at once over the whole host; further ones wait their turn. Default 256. Calls'
    /// media never waits for webhooks, so this bounds only the load this host puts on applications.
    /// </summary>
    public int MaxConcurrency { get; set; } = 256;

    /// <summary>
    /// Of <see cref="MaxConcurrency"/>, the slots only answer webhooks (answer and fallback answer) may take: events
    /// fill at most the rest, and a freed slot goes to a waiting answer before any event, so call setup never waits
    /// behind a backlog of events to a slow application. Default a quarter of <see cref="MaxConcurrency"/> (64 of 256);
    /// 0 keeps only the ordering.
    /// </summary>
    public int? AnswerReserve { get; set; }

    /// <summary>TCP connect deadline for webhooks whose application sets none, in milliseconds. Default 1000 (Vonage's).</summary>
    public int DefaultConnectTimeoutMs { get; set; } = 1000;

    /// <summary>
    /// Largest webhook response body read, in bytes. Default 1048576 (1 MiB; an NCCO is a few kilobytes). A body that
    /// declares more is not read, one that streams past it is cut off there; either way the answer counts as bad, like an
    /// invalid NCCO: the fallback answer URL is tried, else the call gets an error event naming the limit.
    /// </summary>
    public long MaxResponseBytes { get; set; } = Ncco.Webhooks.HttpWebhookTransport.DefaultMaxResponseBytes;

    /// <summary>
    /// Where webhooks and <c>stream</c> audio URLs may connect: CIDR blocks, addresses, or <c>public</c>,
    /// <c>private</c>, <c>loopback</c>, <c>link-local</c>. Empty (the default) means <c>public, private, loopback</c>
    /// — never link-local/metadata addresses; production hosts should allow <c>public</c> alone (plus their app
    /// servers' CIDRs). See <see cref="Calls.WebhookAddressPolicy"/>.
    /// </summary>
    public string[] AllowedNetworks { get; set; } = [];
}

/// <summary>Configured account credentials; each null value is generated (once) and kept in the data directory.</summary>
public sealed class AccountOptions
{
    /// <summary>The API key (Basic auth user name).</summary>
    public string? ApiKey { get; set; }

    /// <summary>The API secret (Basic auth password).</summary>
    public string? ApiSecret { get; set; }

    /// <summary>The HS256 secret that signs webhooks.</summary>
    public string? SignatureSecret { get; set; }
}
