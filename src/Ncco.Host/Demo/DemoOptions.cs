namespace Ncco.Host.Demo;

/// <summary>
/// The built-in demo, bound from <c>Ncco:Demo</c> (for example <c>Ncco__Demo__Enabled=false</c>); the host's public
/// base URL comes from <c>Ncco:PublicUrl</c>.
/// </summary>
public sealed class DemoOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Ncco:Demo";

    /// <summary>The configuration key of the host's public base URL, shared with everything that builds webhook URLs.</summary>
    public const string PublicUrlKey = "Ncco:PublicUrl";

    /// <summary>The demo application's id unless configured: a fixed UUID so READMEs and scripts can name it.</summary>
    public const string DefaultApplicationId = "d3e40000-0000-4000-8000-000000000001";

    /// <summary>Where the demo application's private key is kept, in the data directory.</summary>
    public const string KeyFileName = "demo-application.key";

    /// <summary>
    /// Provision the demo application and serve <c>/demo/…</c>. Default true when the host listens on loopback only;
    /// when any listen address is reachable from other machines (<c>--urls http://0.0.0.0:8080</c>, <c>http_ports</c>…)
    /// the default is false and the demo runs only if this is set to true explicitly.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>True when <see cref="Enabled"/> was not set and the demo is off because the host listens beyond loopback.</summary>
    internal bool OffForRemoteBind { get; set; }

    /// <summary>The demo application's id (a UUID). Default <see cref="DefaultApplicationId"/>.</summary>
    public string ApplicationId { get; set; } = DefaultApplicationId;

    /// <summary>The demo application's name when it is created. Default <c>Ncco demo</c>.</summary>
    public string Name { get; set; } = "Ncco demo";

    /// <summary>How long the echo bot holds audio before sending it back. Default 1 s.</summary>
    public TimeSpan EchoDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The base URL webhooks and the demo bot are reached at, from <c>Ncco:PublicUrl</c>. When not set, the address
    /// the host listens on (a wildcard host becomes 127.0.0.1), else <c>http://127.0.0.1:8080</c>.
    /// </summary>
    public string? PublicUrl { get; set; }
}
