namespace Ncco.Model.Endpoints;

/// <summary>A SIP destination: a URI, or a user at a configured trunk (<c>user</c> + <c>domain</c>).</summary>
public sealed record SipEndpoint : CallEndpoint
{
    /// <inheritdoc />
    public override string Type => EndpointTypes.Sip;

    /// <summary>A <c>sip:</c> or <c>sips:</c> URI. Exactly one of this and <see cref="User"/>+<see cref="Domain"/>.</summary>
    public string? Uri { get; init; }

    /// <summary>The user part, combined with <see cref="Domain"/>.</summary>
    public string? User { get; init; }

    /// <summary>The configured SIP trunk id.</summary>
    public string? Domain { get; init; }

    /// <summary>Headers sent as <c>X-name: value</c> on the INVITE.</summary>
    public EquatableList<KeyValuePair<string, string>>? Headers { get; init; }

    /// <summary>The RFC 7433 <c>User-to-User</c> header (the only standard header allowed).</summary>
    public string? UserToUser { get; init; }
}
