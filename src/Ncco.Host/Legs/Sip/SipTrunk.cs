using Ncco.Sip.Auth;
using Ncco.Sip.Messages;
using Ncco.Sip.Transport;

namespace Ncco.Host.Legs.Sip;

/// <summary>A <see cref="SipTrunkOptions"/> checked and parsed once at startup.</summary>
/// <param name="Name">Name for logs and metrics.</param>
/// <param name="Host">The trunk's host (IP address or name).</param>
/// <param name="Port">The trunk's port.</param>
/// <param name="Transport">UDP, TCP or TLS.</param>
/// <param name="Credentials">Digest credentials, or null.</param>
/// <param name="RegisterExpiry">How long to register for, or null not to register.</param>
/// <param name="Prefixes">Number prefixes served; empty string for every number.</param>
/// <param name="DefaultCallerId">Caller id when the call has none.</param>
/// <param name="ForceCallerId">Caller id that replaces the call's.</param>
internal sealed record SipTrunk(string Name, string Host, int Port, SipTransportKind Transport, DigestCredentials? Credentials,
    TimeSpan? RegisterExpiry, IReadOnlyList<string> Prefixes, string? DefaultCallerId, string? ForceCallerId)
{
    /// <summary>True when the trunk serves <paramref name="digits"/> (an E.164 number).</summary>
    public bool Serves(string digits) => Prefixes.Any(p => digits.StartsWith(p, StringComparison.Ordinal));

    /// <summary>The request URI for <paramref name="digits"/>: <c>sip:{digits}@{host}:{port}</c> with <c>;transport=tcp</c> for TCP, <c>sips:</c> for TLS.</summary>
    public SipUri UriFor(string digits) => new()
    {
        Scheme = Transport == SipTransportKind.Tls ? "sips" : "sip",
        User = digits,
        Host = Host,
        Port = Port,
        Parameters = Transport == SipTransportKind.Tcp ? SipParameters.Empty.With("transport", "tcp") : SipParameters.Empty,
    };

    /// <summary>Checks one entry of <c>Ncco:Sip:Trunks</c>; <paramref name="index"/> names it in errors.</summary>
    public static SipTrunk From(SipTrunkOptions options, int index, bool tlsEnabled = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        var setting = $"Trunks:{index}";
        var name = options.Name?.Trim() ?? "";
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw SipSettings.Bad($"{setting}:Name", options.Name, "must be 1-64 letters, digits, '-', '_' or '.'");
        var (host, port) = HostPort(options.Address, $"{setting}:Address");
        var transport = (options.Transport ?? "").Trim().ToLowerInvariant() switch
        {
            "" or "udp" => SipTransportKind.Udp,
            "tcp" => SipTransportKind.Tcp,
            "tls" when tlsEnabled => SipTransportKind.Tls,
            "tls" => throw SipSettings.Bad($"{setting}:Transport", options.Transport, "needs Ncco:Sip:Tls:Enabled"),
            _ => throw SipSettings.Bad($"{setting}:Transport", options.Transport, "must be udp, tcp or tls"),
        };
        DigestCredentials? credentials = null;
        if (!string.IsNullOrEmpty(options.Username))
        {
            if (!IsSafe(options.Username)) throw SipSettings.Bad($"{setting}:Username", options.Username, "must hold no spaces, quotes, '\\', '@', ':' or control characters");
            // The password's value is never echoed in the error.
            if (string.IsNullOrEmpty(options.Password) || options.Password.Any(c => c is '"' or '\\' || char.IsControl(c)))
                throw SipSettings.Bad($"{setting}:Password", "(hidden)", "must be set with Username and hold no quotes, '\\' or control characters");
            credentials = new DigestCredentials(options.Username, options.Password);
        }
        TimeSpan? expiry = null;
        if (options.Register)
        {
            if (credentials is null) throw SipSettings.Bad($"{setting}:Register", "true", "needs Username and Password");
            if (options.RegisterExpires is < 60 or > 86400) throw SipSettings.Bad($"{setting}:RegisterExpires", options.RegisterExpires.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be 60-86400 seconds");
            expiry = TimeSpan.FromSeconds(options.RegisterExpires);
        }
        var prefixes = new List<string>();
        foreach (var prefix in options.Prefixes is { Count: > 0 } list ? list : ["*"])
        {
            var text = prefix?.Trim() ?? "";
            if (text == "*") prefixes.Add("");
            else if (text.Length is > 0 and <= E164.MaxDigits && text.All(char.IsAsciiDigit)) prefixes.Add(text);
            else throw SipSettings.Bad($"{setting}:Prefixes", prefix, "each prefix must be E.164 digits (such as 44) or *");
        }
        return new SipTrunk(name, host, port, transport, credentials, expiry, prefixes,
            CallerId(options.DefaultCallerId, $"{setting}:DefaultCallerId"), CallerId(options.ForceCallerId, $"{setting}:ForceCallerId"));
    }

    private static (string Host, int Port) HostPort(string? address, string setting)
    {
        var text = address?.Trim() ?? "";
        // Parsed as the host part of a SIP URI, so what is accepted here is exactly what the stack can dial.
        if (text.Length is 0 or > 255 || text.Contains('@') || !SipUri.TryParse("sip:" + text, out var uri) || uri is null
            || uri.Parameters.Count > 0 || uri.Headers.Count > 0 || uri.User is not null || uri.Port is 0)
            throw SipSettings.Bad(setting, address, "must be host:port, such as sip.carrier.example:5060 or 192.0.2.1:5060");
        return (uri.Host, uri.Port ?? 5060);
    }

    private static string? CallerId(string? value, string setting)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        return E164.Normalize(value, out var error) ?? throw SipSettings.Bad(setting, value, $"must be an E.164 number ({error})");
    }

    private static bool IsSafe(string value) =>
        value.Length <= 128 && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '"' or '\\' or '@' or ':');
}
