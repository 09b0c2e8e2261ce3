using Ncco.Legs;
using Ncco.Model.Endpoints;
using Ncco.Sip.Messages;

namespace Ncco.Host.Legs.Sip;

/// <summary>
/// How a <c>phone</c> endpoint goes out over a trunk: the number normalised to E.164 digits, the first trunk in
/// <c>Ncco:Sip:Trunks</c> whose prefix matches, and the caller id for From.
/// </summary>
internal static class SipTrunkDialPlan
{
    /// <summary>
    /// The dial target for <paramref name="endpoint"/>. Caller id, first that applies: the trunk's
    /// <see cref="SipTrunk.ForceCallerId"/>; the call's <paramref name="from"/> when it is an E.164 number; one of the
    /// application's numbers (<paramref name="applicationNumbers"/>: see <see cref="NumbersOf"/>) picked at random, as
    /// Vonage does for <c>random_from_number</c> (the runtime passes no <c>from</c> then); the trunk's
    /// <see cref="SipTrunk.DefaultCallerId"/>; else the stack's own From. A trunk refuses (<see cref="SipDialTarget.RestrictedDetail"/>)
    /// an <paramref name="origin"/> that is not authenticated unless it allows them.
    /// </summary>
    public static SipDialTarget Target(SipSettings settings, PhoneEndpoint endpoint, string? from, IReadOnlyList<string> applicationNumbers,
        LegOrigin? origin, ILogger logger, Action<string>? refused = null)
    {
        if (E164.Normalize(endpoint.Number, out var error) is not { } digits)
        {
            logger.NumberNotE164(error);
            return new SipDialTarget(null);
        }
        var trunk = settings.Trunks.FirstOrDefault(t => t.Serves(digits));
        if (trunk is null)
        {
            logger.NoTrunkServes(digits);
            return new SipDialTarget(null);
        }
        if (origin is not { Authenticated: true } && !trunk.AllowUnauthenticatedOrigins)
        {
            // Toll fraud: an unauthenticated caller must not reach the carrier through an application that connects onwards.
            logger.TrunkOriginNotAuthenticated(digits, trunk.Name, origin?.Via ?? "unknown", origin?.ApplicationId ?? "unknown");
            refused?.Invoke("unauthenticated_origin");
            return new SipDialTarget(null, SipDialTarget.RestrictedDetail) { Trunk = trunk.Name };
        }
        var callerId = trunk.ForceCallerId
            ?? (from is not null ? E164.Normalize(from, out _) : null)
            ?? Pick(applicationNumbers)
            ?? trunk.DefaultCallerId;
        // Per trunk: the identity asserted (RFC 3325) and the privacy asked for (RFC 3323), as the carrier expects them.
        var headers = new List<SipHeader>(2);
        if (trunk.SendAssertedIdentity && callerId is not null) headers.Add(new SipHeader("P-Asserted-Identity", $"<sip:+{callerId}@{trunk.Host}>"));
        if (trunk.Privacy is { } privacy) headers.Add(new SipHeader("Privacy", privacy));
        return new SipDialTarget(trunk.UriFor(digits))
        {
            Headers = headers,
            Credentials = trunk.Credentials,
            // The caller id's domain is the trunk's, as carriers expect of calls their customers place through them.
            From = callerId is null ? null : new NameAddress { Uri = new SipUri { Scheme = "sip", User = callerId, Host = trunk.Host } },
            DtmfAnswer = endpoint.DtmfAnswer,
            Trunk = trunk.Name,
            Offer100Rel = trunk.Offer100Rel,
        };
    }

    /// <summary>
    /// The application's numbers, sorted and distinct: those linked to it in the host's numbers
    /// (<paramref name="stored"/>: the Numbers API's, seeded from <c>Ncco:Sip:Routes</c>) and, when the host keeps no
    /// numbers (<paramref name="stored"/> null), the keys of <c>Ncco:Sip:Routes</c> that point to it and are E.164 numbers,
    /// as those are the numbers whose calls it answers. User names among the routes are not numbers and never become caller ids.
    /// </summary>
    public static IReadOnlyList<string> NumbersOf(SipSettings settings, string applicationId, IEnumerable<string>? stored = null) =>
        stored is not null
            ? [.. stored.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]
            : [.. settings.Routes
                .Where(r => string.Equals(r.Value, applicationId, StringComparison.OrdinalIgnoreCase) && r.Key.Length is > 0 and <= E164.MaxDigits && r.Key.All(char.IsAsciiDigit))
                .Select(r => r.Key)
                .Order(StringComparer.Ordinal)];

    private static string? Pick(IReadOnlyList<string> numbers) => numbers.Count == 0 ? null : numbers[Random.Shared.Next(numbers.Count)];
}
