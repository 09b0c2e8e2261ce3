using System.Net;
using Ncco.Rtp.Ports;
using Ncco.Sip.Sdp;

namespace Ncco.Host.Legs.Sip;

/// <summary><see cref="SipOptions"/> checked and parsed once at startup.</summary>
/// <param name="Listen">Where SIP listens.</param>
/// <param name="AdvertisedAddress">Host written in Via, Contact and SDP.</param>
/// <param name="RtpPorts">The RTP port range.</param>
/// <param name="Codecs">Codecs in order of preference.</param>
/// <param name="TelephoneEvents">Whether RFC 4733 events are negotiated.</param>
/// <param name="Routes">User or number → application id.</param>
/// <param name="DemoUser">The demo application's user.</param>
/// <param name="Trunks">Trunks for <c>phone</c> endpoints, in the order they are tried.</param>
/// <param name="Users">Softphone users by name.</param>
/// <param name="Domain">Our SIP domain (digest realm).</param>
/// <param name="DigestAlgorithms">Algorithms challenged with, in order.</param>
internal sealed record SipSettings(IPEndPoint Listen, string AdvertisedAddress, RtpPortRange RtpPorts, IReadOnlyList<SdpCodec> Codecs,
    bool TelephoneEvents, IReadOnlyDictionary<string, string> Routes, string DemoUser, IReadOnlyList<SipTrunk> Trunks,
    IReadOnlyDictionary<string, SipUser> Users, string Domain, IReadOnlyList<string> DigestAlgorithms)
{
    /// <summary>The country calling code for national numbers (<see cref="SipOptions.DefaultCountryCode"/>), or null.</summary>
    public string? DefaultCountryCode { get; init; }

    /// <summary>Whether non-trunk callers must authenticate (<see cref="SipOptions.RequireAuthentication"/>).</summary>
    public bool RequireAuthentication { get; init; }

    /// <summary>The trunk whose <see cref="SipTrunk.Sources"/> hold <paramref name="address"/>, or null.</summary>
    public SipTrunk? TrunkAt(IPAddress address) => Trunks.FirstOrDefault(t => t.IsSource(address));

    /// <summary>Checks a country calling code setting (1-3 digits, no leading zero); null when empty.</summary>
    internal static string? CountryCode(string? value, string setting)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var text = value.Trim().TrimStart('+');
        if (text.Length is 0 or > 3 || !text.All(char.IsAsciiDigit) || text[0] == '0')
            throw Bad(setting, value, "must be a country calling code: 1-3 digits such as 44 or 1");
        return text;
    }

    /// <summary>Validates <paramref name="options"/>; throws <see cref="InvalidOperationException"/> naming the bad setting.</summary>
    public static SipSettings From(SipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!IPEndPoint.TryParse(options.Listen ?? "", out var listen) || !options.Listen!.Contains(':', StringComparison.Ordinal))
            throw Bad("Listen", options.Listen, "must be an IP address and port such as 127.0.0.1:5060 ([::1]:5060 for IPv6)");
        string advertised;
        if (string.IsNullOrWhiteSpace(options.AdvertisedAddress))
        {
            advertised = listen.Address.Equals(IPAddress.Any) ? "127.0.0.1" : listen.Address.Equals(IPAddress.IPv6Any) ? "::1" : listen.Address.ToString();
        }
        else
        {
            advertised = options.AdvertisedAddress.Trim();
            if (advertised.Any(c => char.IsWhiteSpace(c) || c is '<' or '>' or ';' or '"' or ','))
                throw Bad("AdvertisedAddress", options.AdvertisedAddress, "must be an IP address or host name");
        }
        var range = new RtpPortRange(options.RtpPortFirst, options.RtpPortLast);
        if (options.RtpPortFirst is < 1024 or > 65534 || options.RtpPortLast is < 1025 or > 65535 || range.PairCount < 1)
            throw Bad("RtpPortFirst/RtpPortLast", $"{options.RtpPortFirst}-{options.RtpPortLast}", "must be a range within 1024-65535 holding at least one even/odd port pair");
        var codecs = CodecsOf(options.Codecs is { Count: > 0 } c ? c : DefaultCodecs, "Codecs");
        var routes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (user, application) in options.Routes ?? [])
        {
            if (string.IsNullOrWhiteSpace(user)) throw Bad("Routes", user, "needs a user or number");
            if (!Guid.TryParse(application, out _)) throw Bad($"Routes:{user}", application, "must be an application id (a UUID)");
            routes[user.Trim()] = application.Trim().ToLowerInvariant();
        }
        if (string.IsNullOrWhiteSpace(options.DemoUser)) throw Bad("DemoUser", options.DemoUser, "must not be empty");
        var trunks = new List<SipTrunk>();
        for (var i = 0; i < (options.Trunks?.Count ?? 0); i++)
        {
            var trunk = SipTrunk.From(options.Trunks![i], i, options.Tls?.Enabled == true);
            if (trunks.Any(t => string.Equals(t.Name, trunk.Name, StringComparison.OrdinalIgnoreCase)))
                throw Bad($"Trunks:{i}:Name", trunk.Name, "must be unique among the trunks");
            trunks.Add(trunk);
        }
        var users = new Dictionary<string, SipUser>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, user) in options.Users ?? [])
        {
            var trimmed = name?.Trim() ?? "";
            if (trimmed.Length is 0 or > 64 || !trimmed.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                throw Bad("Users", name, "must be 1-64 letters, digits, '-', '_' or '.'");
            // The password's value is never echoed in the error.
            if (string.IsNullOrEmpty(user?.Password) || user.Password.Any(c => c is '"' or '\\' || char.IsControl(c)))
                throw Bad($"Users:{trimmed}:Password", "(hidden)", "must be set and hold no quotes, '\\' or control characters");
            if (!Guid.TryParse(user.Application, out _)) throw Bad($"Users:{trimmed}:Application", user.Application, "must be an application id (a UUID)");
            users[trimmed] = new SipUser(trimmed, user.Password, user.Application.Trim().ToLowerInvariant());
        }
        var domain = string.IsNullOrWhiteSpace(options.Domain) ? advertised : options.Domain.Trim();
        if (domain.Length > 255 || domain.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ';' or '"' or ',' or '@' or '\\'))
            throw Bad("Domain", options.Domain, "must be a host name or IP address");
        var algorithms = new List<string>();
        foreach (var name in options.DigestAlgorithms is { Count: > 0 } a ? a : ["MD5", "SHA-256"])
        {
            var algorithm = (name ?? "").Trim().ToUpperInvariant() switch
            {
                "MD5" => "MD5",
                "SHA-256" or "SHA256" => "SHA-256",
                _ => throw Bad("DigestAlgorithms", name, "must be MD5 or SHA-256"),
            };
            if (!algorithms.Contains(algorithm)) algorithms.Add(algorithm);
        }
        return new SipSettings(listen, advertised, range, codecs, options.TelephoneEvents, routes, options.DemoUser.Trim(), trunks, users, domain, algorithms)
        {
            DefaultCountryCode = CountryCode(options.DefaultCountryCode, "DefaultCountryCode"),
            RequireAuthentication = options.RequireAuthentication,
            Srtp = SrtpPolicyOf(options.Srtp, "Srtp"),
        };
    }

    /// <summary>
    /// The codecs when <c>Ncco:Sip:Codecs</c> is not set, in our order of preference: G.711 first because every peer has
    /// it and it costs next to nothing to code, then G.722 for wideband at little cost. Opus is not in the default: its
    /// encode and decode cost about 4 times G.722's CPU per call (≈ 1.3 % of a core, on the media thread) and allocate
    /// about 3.5 MB per call-second in Concentus (bench/Ncco.Rtp.Benchmarks/RESULTS.md), so a softphone that prefers it
    /// would silently cut the host's call capacity. Name it (<c>OPUS</c>) to offer and accept it.
    /// </summary>
    public static IReadOnlyList<string> DefaultCodecs { get; } = ["PCMU", "PCMA", "G722"];

    /// <summary>Reads a codec list (<c>PCMU</c>, <c>PCMA</c>, <c>G722</c>, <c>OPUS</c>; duplicates dropped); <paramref name="setting"/> names it in errors.</summary>
    internal static IReadOnlyList<SdpCodec> CodecsOf(IReadOnlyList<string?> names, string setting)
    {
        var codecs = new List<SdpCodec>();
        foreach (var name in names)
        {
            var codec = (name ?? "").Trim().ToUpperInvariant() switch
            {
                "PCMU" => SdpCodec.Pcmu,
                "PCMA" => SdpCodec.Pcma,
                "G722" => SdpCodec.G722,
                "OPUS" => SdpCodec.Opus,
                _ => throw Bad(setting, name, "must be PCMU, PCMA, G722 or OPUS"),
            };
            if (!codecs.Contains(codec)) codecs.Add(codec);
        }
        if (codecs.Count == 0) throw Bad(setting, "", "must name at least one codec");
        return codecs;
    }

    /// <summary>SRTP for peers that are not a trunk (<see cref="SipOptions.Srtp"/>).</summary>
    public Ncco.Sip.Sdp.SrtpPolicy Srtp { get; init; }

    /// <summary>Reads <c>off</c>, <c>offer</c> or <c>require</c>; <paramref name="setting"/> names it in the error.</summary>
    internal static Ncco.Sip.Sdp.SrtpPolicy SrtpPolicyOf(string? value, string setting) => (value ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "off" => Ncco.Sip.Sdp.SrtpPolicy.Off,
        "offer" => Ncco.Sip.Sdp.SrtpPolicy.Offer,
        "require" => Ncco.Sip.Sdp.SrtpPolicy.Require,
        _ => throw Bad(setting, value, "must be off, offer or require"),
    };

    /// <summary>The startup error for a bad value of <c>Ncco:Sip:{setting}</c>.</summary>
    internal static InvalidOperationException Bad(string setting, string? value, string rule) =>
        new($"{SipOptions.Section}:{setting} '{value}' is not valid: it {rule}.");
}
