using System.Security.Cryptography;
using System.Text;

namespace Ncco.Sip.Auth;

/// <summary>The digest computation of RFC 2617 §3.2.2 with the hash chosen by name (MD5, SHA-256; RFC 7616/8760).</summary>
public static class DigestHash
{
    /// <summary>True when the algorithm is one we implement (the -sess variants are not).</summary>
    public static bool IsSupported(string algorithm) =>
        algorithm.Equals("MD5", StringComparison.OrdinalIgnoreCase) || algorithm.Equals("SHA-256", StringComparison.OrdinalIgnoreCase);

    /// <summary>Lower-case hex hash of UTF-8 text.</summary>
    public static string Hash(string algorithm, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var digest = algorithm.Equals("SHA-256", StringComparison.OrdinalIgnoreCase) ? SHA256.HashData(bytes) : MD5.HashData(bytes);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>The <c>response</c> value. With qop=auth: H(HA1:nonce:nc:cnonce:qop:HA2); without qop: H(HA1:nonce:HA2).</summary>
    public static string Response(string algorithm, string username, string realm, string password, string method, string uri,
        string nonce, string? qop, string? nc, string? cnonce)
    {
        var ha1 = Hash(algorithm, $"{username}:{realm}:{password}");
        var ha2 = Hash(algorithm, $"{method}:{uri}");
        return qop is null
            ? Hash(algorithm, $"{ha1}:{nonce}:{ha2}")
            : Hash(algorithm, $"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}");
    }
}
