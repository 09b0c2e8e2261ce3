using System.Net;
using System.Net.Sockets;

namespace Ncco.Host.Calls;

/// <summary>
/// Which addresses the host may connect to on an application's behalf (<c>Ncco:Webhooks:AllowedNetworks</c>): every
/// webhook, and the audio URLs of <c>stream</c> actions. An application names these URLs, so without a policy it
/// could make the host reach what only the host can reach — a cloud metadata service (169.254.169.254,
/// fd00:ec2::254), an admin port on loopback, a database on the private network — and read the outcome from its
/// events (server-side request forgery).
/// </summary>
/// <remarks>
/// <para>
/// The name is resolved first and every address checked before a connection is made; the connection then goes to
/// a checked address, never to a second resolution, so a name that resolves to a public address for a check and to
/// an internal one for the connect (DNS rebinding) gets nowhere. URLs carrying credentials (<c>user:pass@</c>)
/// are refused outright: they leak secrets into logs and open private services.
/// </para>
/// <para>
/// Entries are CIDR blocks (<c>10.1.2.0/24</c>, <c>2001:db8::/32</c>), single addresses, or the names
/// <c>public</c> (globally routable unicast), <c>private</c> (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7),
/// <c>loopback</c> (127/8, ::1) and <c>link-local</c> (169.254/16, fe80::/10, and the metadata services at
/// fd00:ec2::254 and 100.100.100.200, which a <c>private</c> entry does not open).
/// The default is <c>public, private, loopback</c>: a single-node developer host calls apps on its own machine and
/// LAN, but never link-local or metadata addresses. A production host should say <c>public</c> alone (plus the
/// CIDRs of its own app servers).
/// </para>
/// </remarks>
public sealed class WebhookAddressPolicy
{
    /// <summary>The default entries.</summary>
    public static readonly IReadOnlyList<string> DefaultAllowed = ["public", "private", "loopback"];

    private static readonly IPNetwork[] Private =
    [
        IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("fc00::/7"),
    ];

    private static readonly IPNetwork[] Loopback = [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")];

    /// <summary>Link-local, and cloud metadata services that live elsewhere (AWS's IPv6 IMDS, Alibaba's): they count as link-local.</summary>
    private static readonly IPNetwork[] LinkLocal =
    [
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("fd00:ec2::254/128"), IPNetwork.Parse("100.100.100.200/32"),
    ];

    /// <summary>Never allowed (no real host lives there): unspecified, "this network", multicast, broadcast, reserved, documentation.</summary>
    private static readonly IPNetwork[] Special =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("ff00::/8"),
    ];

    private readonly bool _public;
    private readonly bool _private;
    private readonly bool _loopback;
    private readonly bool _linkLocal;
    private readonly IPNetwork[] _networks;

    /// <summary>Creates the policy from its entries (null or empty: <see cref="DefaultAllowed"/>).</summary>
    /// <exception cref="InvalidOperationException">An entry is neither a known name nor an address or CIDR block.</exception>
    public WebhookAddressPolicy(IEnumerable<string>? allowed)
    {
        var entries = allowed?.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e.Trim()).ToList() is { Count: > 0 } list ? list : [.. DefaultAllowed];
        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            switch (entry.ToLowerInvariant())
            {
                case "public": _public = true; break;
                case "private": _private = true; break;
                case "loopback": _loopback = true; break;
                case "link-local": _linkLocal = true; break;
                default:
                    if (IPNetwork.TryParse(entry, out var network)) networks.Add(network);
                    else if (IPAddress.TryParse(entry, out var address)) networks.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
                    else throw new InvalidOperationException($"Ncco:Webhooks:AllowedNetworks: '{entry}' is not public, private, loopback, link-local, an IP address or a CIDR block.");
                    break;
            }
        }
        _networks = [.. networks];
        Allowed = entries;
    }

    /// <summary>The entries in force.</summary>
    public IReadOnlyList<string> Allowed { get; }

    /// <summary>True when the host may connect to <paramref name="address"/>.</summary>
    public bool IsAllowed(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var n in _networks)
        {
            if (n.Contains(address)) return true;
        }
        if (In(Special, address) || address.Equals(IPAddress.Broadcast)) return false;
        if (In(LinkLocal, address)) return _linkLocal;
        if (In(Loopback, address)) return _loopback;
        if (In(Private, address)) return _private;
        return _public;
    }

    /// <summary>
    /// Resolves <paramref name="endPoint"/>, keeps the addresses the policy allows and connects to the first that
    /// answers. Throws <see cref="HttpRequestException"/> naming the address and the setting when none is allowed.
    /// </summary>
    public async Task<Socket> ConnectAsync(DnsEndPoint endPoint, Uri? requestUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        if (requestUri is { UserInfo.Length: > 0 })
        {
            throw new HttpRequestException($"Webhook URL {requestUri.GetLeftPart(UriPartial.Scheme)}{requestUri.Host} carries credentials (user:password@), which the host does not send.");
        }
        var addresses = IPAddress.TryParse(endPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(IsAllowed).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(addresses.Length == 0
                ? $"{endPoint.Host} does not resolve."
                : $"{endPoint.Host} resolves to {addresses[0]}, which Ncco:Webhooks:AllowedNetworks ({string.Join(", ", Allowed)}) does not allow.");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endPoint.Port, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A handler whose every connection goes through the policy (for HTTP clients other than the webhook one).</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
            new NetworkStream(await ConnectAsync(context.DnsEndPoint, context.InitialRequestMessage.RequestUri, cancellationToken).ConfigureAwait(false), ownsSocket: true),
        AllowAutoRedirect = false,
        UseCookies = false,
    };

    private static bool In(IPNetwork[] networks, IPAddress address)
    {
        foreach (var n in networks)
        {
            if (n.BaseAddress.AddressFamily == address.AddressFamily && n.Contains(address)) return true;
        }
        return false;
    }
}
