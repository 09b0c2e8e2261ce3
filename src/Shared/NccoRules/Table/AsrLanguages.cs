namespace Ncco.Rules;

/// <summary>Speech-recognition (and transcription) language codes (reference §5.3), matched case-insensitively.</summary>
internal static class AsrLanguages
{
    /// <summary>Every documented code, plus the aliases of Mandarin.</summary>
    public static IReadOnlyList<string> Codes { get; } =
    [
        "af-ZA", "sq-AL", "am-ET", "ar-DZ", "ar-BH", "ar-EG", "ar-IQ", "ar-IL", "ar-JO", "ar-KW", "ar-LB", "ar-MA", "ar-OM",
        "ar-QA", "ar-SA", "ar-PS", "ar-TN", "ar-AE", "hy-AM", "az-AZ", "eu-ES", "bn-BD", "bn-IN", "bg-BG", "ca-ES", "zh",
        "cmn-hans-cn", "zh-cmn-Hans-CN", "hr-HR", "cs-CZ", "da-DK", "nl-NL", "en-AU", "en-CA", "en-GH", "en-IN", "en-IE",
        "en-KE", "en-NZ", "en-NG", "en-PH", "en-ZA", "en-TZ", "en-GB", "en-US", "fi-FI", "fr-CA", "fr-FR", "gl-ES", "ka-GE",
        "de-DE", "el-GR", "gu-IN", "he-IL", "hi-IN", "hu-HU", "is-IS", "id-ID", "it-IT", "ja-JP", "jv-ID", "kn-IN", "km-KH",
        "ko-KR", "lo-LA", "lv-LV", "lt-LT", "ms-MY", "ml-IN", "mr-IN", "ne-NP", "nb-NO", "fa-IR", "pl-PL", "pt-BR", "pt-PT",
        "ro-RO", "ru-RU", "sr-RS", "si-LK", "sk-SK", "sl-SI", "es-AR", "es-BO", "es-CL", "es-CO", "es-CR", "es-DO", "es-EC",
        "es-SV", "es-GT", "es-HN", "es-MX", "es-NI", "es-PA", "es-PY", "es-PE", "es-PR", "es-ES", "es-US", "es-UY", "es-VE",
        "su-ID", "sw-KE", "sw-TZ", "sv-SE", "ta-IN", "ta-MY", "ta-SG", "ta-LK", "te-IN", "th-TH", "tr-TR", "uk-UA", "ur-IN",
        "ur-PK", "vi-VN", "zu-ZA",
    ];

    /// <summary>The documented spelling of a code matched case-insensitively, or null when unknown.</summary>
    public static string? Canonical(string code) =>
        ExactCode.TryGetValue(code, out var known) || ByCode.TryGetValue(code, out known) ? known : null;

    private static readonly Dictionary<string, string> ByCode = BuildIndex(StringComparer.OrdinalIgnoreCase);

    // The documented spelling (nearly every NCCO's) through an ordinal hash first: ignoring case costs more per lookup.
    private static readonly Dictionary<string, string> ExactCode = BuildIndex(StringComparer.Ordinal);

    private static Dictionary<string, string> BuildIndex(StringComparer comparer)
    {
        var index = new Dictionary<string, string>(comparer);
        foreach (var code in Codes) index[code] = code;
        return index;
    }
}
