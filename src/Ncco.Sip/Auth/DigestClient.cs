using System.Security.Cryptography;
using Ncco.Sip.Messages;

namespace Ncco.Sip.Auth;

/// <summary>
/// Answers a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) by adding Authorization or Proxy-Authorization to a retry of
/// the request. Picks SHA-256 over MD5 when the server offers both (RFC 8760 §2.4) and qop=auth when offered.
/// </summary>
public static class DigestClient
{
    /// <summary>
    /// Returns a copy of <paramref name="request"/> carrying credentials for the challenge in <paramref name="challenge"/>,
    /// or null when no challenge there is one we can answer with <paramref name="credentials"/>.
    /// </summary>
    public static SipRequest? Authorize(SipRequest request, SipResponse challenge, DigestCredentials credentials, int nonceCount = 1)
    {
        var proxy = challenge.StatusCode == 407;
        var challengeHeader = proxy ? HeaderNames.ProxyAuthenticate : HeaderNames.WwwAuthenticate;
        var answerHeader = proxy ? HeaderNames.ProxyAuthorization : HeaderNames.Authorization;
        var candidates = new List<DigestChallenge>();
        foreach (var value in challenge.HeaderValues(challengeHeader))
        {
            try
            {
                candidates.Add(DigestChallenge.Parse(value, challengeHeader));
            }
            catch (Parsing.SipParseException)
            {
                // A scheme we do not speak (e.g. Bearer) next to a Digest one: skip it.
            }
        }
        var chosen = candidates
            .Where(c => DigestHash.IsSupported(c.Algorithm) && (credentials.Realm is null || c.Realm == credentials.Realm))
            .OrderByDescending(c => c.Algorithm.Equals("SHA-256", StringComparison.OrdinalIgnoreCase))
            .FirstOrDefault();
        if (chosen is null)
        {
            return null;
        }
        var uri = request.Uri.ToString();
        var qop = chosen.Qop.Contains("auth") ? "auth" : null;
        var nc = nonceCount.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        var cnonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var response = DigestHash.Response(chosen.Algorithm, credentials.Username, chosen.Realm, credentials.Password, request.Method, uri, chosen.Nonce, qop, nc, cnonce);
        var value2 = $"Digest username=\"{credentials.Username}\", realm=\"{chosen.Realm}\", nonce=\"{chosen.Nonce}\", uri=\"{uri}\", response=\"{response}\", algorithm={chosen.Algorithm}";
        if (qop is not null)
        {
            value2 += $", qop={qop}, nc={nc}, cnonce=\"{cnonce}\"";
        }
        if (chosen.Opaque is not null)
        {
            value2 += $", opaque=\"{chosen.Opaque}\"";
        }
        return request.WithoutHeader(answerHeader).AddHeader(answerHeader, value2);
    }
}
