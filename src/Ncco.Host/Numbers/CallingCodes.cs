namespace Ncco.Host.Numbers;

/// <summary>
/// The country of a number seeded from configuration (which names no country): found from its calling code for the
/// common codes, else <c>ZZ</c> (ISO 3166's code for an unknown country). Numbers added through the API keep the
/// country given there.
/// </summary>
internal static class CallingCodes
{
    private static readonly (string Code, string Country)[] Known =
    [
        ("1", "US"), ("7", "RU"), ("20", "EG"), ("27", "ZA"), ("30", "GR"), ("31", "NL"), ("32", "BE"), ("33", "FR"), ("34", "ES"),
        ("36", "HU"), ("39", "IT"), ("40", "RO"), ("41", "CH"), ("43", "AT"), ("44", "GB"), ("45", "DK"), ("46", "SE"), ("47", "NO"),
        ("48", "PL"), ("49", "DE"), ("52", "MX"), ("54", "AR"), ("55", "BR"), ("61", "AU"), ("64", "NZ"), ("65", "SG"), ("81", "JP"),
        ("82", "KR"), ("86", "CN"), ("90", "TR"), ("91", "IN"), ("351", "PT"), ("352", "LU"), ("353", "IE"), ("358", "FI"),
        ("420", "CZ"), ("852", "HK"), ("971", "AE"), ("972", "IL"),
    ];

    /// <summary>The ISO 3166-1 alpha-2 country of <paramref name="msisdn"/> (E.164 digits), or <c>ZZ</c>.</summary>
    public static string CountryOf(string msisdn)
    {
        // Longest code first: 353 (IE) before 3x.
        foreach (var (code, country) in Known.OrderByDescending(k => k.Code.Length))
        {
            if (msisdn.StartsWith(code, StringComparison.Ordinal)) return country;
        }
        return "ZZ";
    }
}
