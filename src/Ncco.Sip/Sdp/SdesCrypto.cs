using System.Globalization;

namespace Ncco.Sip.Sdp;

/// <summary>
/// One SDES <c>a=crypto</c> line (RFC 4568 §9.1) of the one suite we speak, <c>AES_CM_128_HMAC_SHA1_80</c>:
/// <c>a=crypto:&lt;tag&gt; AES_CM_128_HMAC_SHA1_80 inline:&lt;base64 key||salt&gt;[|lifetime]</c>. The key stays base64 text
/// here (this assembly does no cryptography); <c>Ncco.Rtp</c>'s <c>SrtpMasterKey.TryParseInline</c> reads it.
/// </summary>
/// <param name="Tag">The line's tag, echoed in the answer.</param>
/// <param name="InlineKey">The 30-byte master key and salt in base64.</param>
public sealed record SdesCrypto(int Tag, string InlineKey)
{
    /// <summary>The crypto suite (RFC 4568 §6.2.1).</summary>
    public const string Suite = "AES_CM_128_HMAC_SHA1_80";

    /// <summary>The attribute value: <c>&lt;tag&gt; AES_CM_128_HMAC_SHA1_80 inline:&lt;key&gt;</c>.</summary>
    public string ToAttributeValue() => $"{Tag.ToString(CultureInfo.InvariantCulture)} {Suite} inline:{InlineKey}";

    /// <summary>
    /// The usable crypto lines of <paramref name="media"/>, in order: our suite, one key (a key with an MKI, several keys,
    /// or session parameters such as <c>UNENCRYPTED_SRTP</c> are skipped: we do not implement them), the key 40 base64
    /// characters (30 bytes).
    /// </summary>
    public static IReadOnlyList<SdesCrypto> Of(MediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(media);
        var found = new List<SdesCrypto>();
        foreach (var attribute in media.Attributes)
        {
            if (attribute.Name != "crypto" || attribute.Value is not { } value) continue;
            var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3 || !string.Equals(parts[1], Suite, StringComparison.Ordinal)) continue;
            if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var tag) || tag > 999_999_999) continue;
            if (!parts[2].StartsWith("inline:", StringComparison.Ordinal) || parts[2].Contains(';', StringComparison.Ordinal)) continue;
            var key = parts[2]["inline:".Length..].Split('|');
            // key|lifetime is fine (we never use a key for 2^31 packets); an MKI (key|lifetime|mki:len or key|mki:len) is not.
            if (key.Length > 2 || (key.Length == 2 && key[1].Contains(':', StringComparison.Ordinal)) || key[0].Length != 40) continue;
            found.Add(new SdesCrypto(tag, key[0]));
        }
        return found;
    }
}
