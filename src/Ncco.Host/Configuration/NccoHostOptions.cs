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
