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
    /// <summary>Where the trunk's calls come from (<see cref="SipTrunkOptions.Sources"/>).</summary>
    public IReadOnlyList<System.Net.IPNetwork> Sources { get; init; } = [];

    /// <summary>Where the trunk puts the dialled number.</summary>
    public DialledNumberSource DialledNumber { get; init; }

    /// <summary>Country calling code for national numbers, or null for the host's default.</summary>
    public string? CountryCode { get; init; }

    /// <summary>Whether P-Asserted-Identity / Remote-Party-ID are believed on its calls.</summary>
    public bool TrustCallerId { get; init; } = true;

    /// <summary>Whether calls through it carry P-Asserted-Identity.</summary>
    public bool SendAssertedIdentity { get; init; }

    /// <summary>Whether calls through it offer <c>Supported: 100rel</c> (RFC 3262).</summary>
    public bool Offer100Rel { get; init; } = true;

    /// <summary>The Privacy header sent on calls through it, or null.</summary>
    public string? Privacy { get; init; }

    /// <summary>Codecs with the trunk in our order of preference, or null for the host's <see cref="SipSettings.Codecs"/>.</summary>
    public IReadOnlyList<Ncco.Sip.Sdp.SdpCodec>? Codecs { get; init; }

    /// <summary>SRTP with the trunk, or null for the host's <see cref="SipSettings.Srtp"/>.</summary>
    public Ncco.Sip.Sdp.SrtpPolicy? Srtp { get; init; }

    /// <summary>Whether it places calls for unauthenticated origins (<see cref="SipTrunkOptions.AllowUnauthenticatedOrigins"/>).</summary>
    public bool AllowUnauthenticatedOrigins { get; init; }

    /// <summary>True when <paramref name="address"/> is one of the trunk's sources.</summary>
    public bool IsSource(System.Net.IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        foreach (var network in Sources)
        {
            if (network.Contains(plain)) return true;
        }
        return false;
    }

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
            CallerId(options.DefaultCallerId, $"{setting}:DefaultCallerId"), CallerId(options.ForceCallerId, $"{setting}:ForceCallerId"))
        {
            Sources = ParseSources(options.Sources, host, $"{setting}:Sources"),
            DialledNumber = (options.DialledNumber ?? "").Trim().ToLowerInvariant() switch
            {
                "" or "request-uri" => DialledNumberSource.RequestUri,
                "to" => DialledNumberSource.To,
                "diversion" => DialledNumberSource.Diversion,
                "history-info" => DialledNumberSource.HistoryInfo,
                _ => throw SipSettings.Bad($"{setting}:DialledNumber", options.DialledNumber, "must be request-uri, to, diversion or history-info"),
            },
            CountryCode = SipSettings.CountryCode(options.CountryCode, $"{setting}:CountryCode"),
            TrustCallerId = options.TrustCallerId,
            SendAssertedIdentity = options.SendAssertedIdentity,
            Offer100Rel = options.Offer100Rel,
            Privacy = ParsePrivacy(options.Privacy, $"{setting}:Privacy"),
            AllowUnauthenticatedOrigins = options.AllowUnauthenticatedOrigins,
            Srtp = string.IsNullOrWhiteSpace(options.Srtp) ? null : SipSettings.SrtpPolicyOf(options.Srtp, $"{setting}:Srtp"),
            Codecs = options.Codecs is { Count: > 0 } codecs ? SipSettings.CodecsOf(codecs, $"{setting}:Codecs") : null,
        };
    }

    private static List<System.Net.IPNetwork> ParseSources(List<string>? sources, string host, string setting)
    {
        var networks = new List<System.Net.IPNetwork>();
        if (sources is not { Count: > 0 })
        {
            // The trunk's own address, when it is one; a host name is not resolved here (list its addresses).
            var literal = host.StartsWith('[') ? host[1..^1] : host;
            if (System.Net.IPAddress.TryParse(literal, out var address)) networks.Add(new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            return networks;
        }
        foreach (var source in sources)
        {
            var text = source?.Trim() ?? "";
            if (System.Net.IPAddress.TryParse(text, out var single))
                networks.Add(new System.Net.IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            else if (text.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(text, out var network))
                networks.Add(network);
            else
                throw SipSettings.Bad(setting, source, "each source must be an IP address or a CIDR block such as 192.0.2.0/24");
        }
        return networks;
    }

    private static string? ParsePrivacy(string? value, string setting)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var tokens = value.Split(';', StringSplitOptions.TrimEntries);
        if (tokens.Any(t => t is not ("none" or "id" or "header" or "session" or "user" or "critical")))
            throw SipSettings.Bad(setting, value, "must be RFC 3323 values joined by ';' (none, id, header, session, user, critical)");
        return string.Join(';', tokens);
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
