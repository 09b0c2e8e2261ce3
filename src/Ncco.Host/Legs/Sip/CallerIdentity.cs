using Ncco.Sip.Messages;

namespace Ncco.Host.Legs.Sip;

/// <summary>Who is calling, as the answer webhook's <c>from</c> reports it.</summary>
internal static class CallerIdentity
{
    /// <summary>
    /// What <c>from</c> says for a caller who withheld their number (Privacy: id or header, or an <c>anonymous</c> From):
    /// the caller's identity is not passed on, whatever an asserted identity says.
    /// </summary>
    public const string Anonymous = "Unknown";

    /// <summary>
    /// The caller of <paramref name="invite"/>: from a <paramref name="trusted"/> peer (a trunk) its
    /// P-Asserted-Identity, else its Remote-Party-ID, else From; from anyone else From only (a P-Asserted-Identity from an
    /// untrusted peer is a claim anyone can make, RFC 3325 §5). A number comes out as E.164 digits; a user name as it is;
    /// a withheld identity as <see cref="Anonymous"/>.
    /// </summary>
    public static string Of(SipRequest invite, bool trusted, string? defaultCountryCode)
    {
        ArgumentNullException.ThrowIfNull(invite);
        return Of(invite, invite.From.Uri, trusted, defaultCountryCode);
    }

    /// <summary>As <see cref="Of(SipRequest, bool, string?)"/>, with the From URI the caller already parsed (parsing a
    /// header is a few hundred bytes each time, and the gateway reads From several times per INVITE).</summary>
    public static string Of(SipRequest invite, SipUri from, bool trusted, string? defaultCountryCode)
    {
        ArgumentNullException.ThrowIfNull(invite);
        ArgumentNullException.ThrowIfNull(from);
        if (IsWithheld(invite, from)) return Anonymous;
        if (trusted)
        {
            if (PhoneNumbers.FromHeader(invite, "P-Asserted-Identity", defaultCountryCode) is { } asserted) return asserted;
            if (PhoneNumbers.FromHeader(invite, "Remote-Party-ID", defaultCountryCode) is { } party && !RemotePartyIdHidden(invite)) return party;
        }
        return PhoneNumbers.FromUri(from, defaultCountryCode) ?? from.User ?? from.ToString();
    }

    /// <summary>RFC 3323 Privacy naming the identity, or a From of <c>anonymous</c> (RFC 3261 §8.1.1.3's convention).</summary>
    private static bool IsWithheld(SipRequest invite, SipUri from)
    {
        foreach (var value in invite.HeaderValues("Privacy"))
        {
            foreach (var token in value.Split(';', ','))
            {
                if (token.Trim() is var t && (t.Equals("id", StringComparison.OrdinalIgnoreCase) || t.Equals("header", StringComparison.OrdinalIgnoreCase)))
                    return true;
            }
        }
        return string.Equals(from.User, "anonymous", StringComparison.OrdinalIgnoreCase)
            || string.Equals(from.HostWithoutBrackets, "anonymous.invalid", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Remote-Party-ID's own privacy parameter (<c>privacy=full</c> or <c>name</c>… ; only <c>off</c> shows it).</summary>
    private static bool RemotePartyIdHidden(SipRequest invite)
    {
        var value = invite.Header("Remote-Party-ID");
        if (value is null) return false;
        var index = value.IndexOf("privacy=", StringComparison.OrdinalIgnoreCase);
        if (index < 0) return false;
        var rest = value[(index + 8)..];
        var end = rest.IndexOfAny([';', ',', ' ']);
        var privacy = (end < 0 ? rest : rest[..end]).Trim('"');
        return !privacy.Equals("off", StringComparison.OrdinalIgnoreCase) && !privacy.Equals("name", StringComparison.OrdinalIgnoreCase);
    }
}
