using System.Collections.Frozen;

namespace Ncco.Media.Tts;

/// <summary>
/// Maps every TTS language code of the Vonage reference (§5.1, plus lt-LT and mr-IN) to an espeak-ng 1.51 voice, and
/// each style number to a distinct espeak-ng voice variant. The table is in src/Ncco.Media/README.md.
/// Codes not in the table fall back to their primary subtag (e.g. <c>xx-YY</c> → <c>xx</c>).
/// </summary>
public static class EspeakVoiceMap
{
    /// <summary>Variant per style: style <c>n</c> uses <c>Variants[n % Variants.Count]</c> (25 distinct variants: 0–24).</summary>
    public static IReadOnlyList<string> Variants { get; } =
    [
        "f1", "m1", "f2", "m2", "f3", "m3", "f4", "m4", "f5", "m5", "m6", "m7", "m8",
        "klatt", "klatt2", "klatt3", "klatt4", "klatt5", "klatt6", "linda", "annie", "belinda", "steph", "paul", "edward",
    ];

    /// <summary>Language code (case-insensitive) → (espeak-ng voice, is approximation).</summary>
    public static IReadOnlyDictionary<string, (string Voice, bool Approximation)> Languages { get; } =
        new Dictionary<string, (string, bool)>(StringComparer.OrdinalIgnoreCase)
        {
            ["af-ZA"] = ("af", false),
            ["ar"] = ("ar", false),
            ["bg-BG"] = ("bg", false),
            ["bn-IN"] = ("bn", false),
            ["ca-ES"] = ("ca", false),
            ["cmn-CN"] = ("cmn", false),
            ["cmn-TW"] = ("cmn", true),
            ["cs-CZ"] = ("cs", false),
            ["cy-GB"] = ("cy", false),
            ["da-DK"] = ("da", false),
            ["de-AT"] = ("de", true),
            ["de-DE"] = ("de", false),
            ["el-GR"] = ("el", false),
            ["en-AU"] = ("en", true),
            ["en-GB"] = ("en", false),
            ["en-GB-SCT"] = ("en-GB-scotland", false),
            ["en-GB-WLS"] = ("en-GB-x-gbcwmd", true),
            ["en-IE"] = ("en", true),
            ["en-IN"] = ("en", true),
            ["en-NZ"] = ("en", true),
            ["en-US"] = ("en-US", false),
            ["en-ZA"] = ("en", true),
            ["es-CO"] = ("es-419", true),
            ["es-ES"] = ("es", false),
            ["es-MX"] = ("es-419", true),
            ["es-US"] = ("es-419", true),
            ["eu-ES"] = ("eu", false),
            ["fi-FI"] = ("fi", false),
            ["fil-PH"] = ("id", true),
            ["fr-CA"] = ("fr", true),
            ["fr-FR"] = ("fr", false),
            ["gl-ES"] = ("pt", true),
            ["gu-IN"] = ("gu", false),
            ["he-IL"] = ("he", false),
            ["hi-IN"] = ("hi", false),
            ["hu-HU"] = ("hu", false),
            ["id-ID"] = ("id", false),
            ["is-IS"] = ("is", false),
            ["it-IT"] = ("it", false),
            ["ja-JP"] = ("ja", false),
            ["kn-IN"] = ("kn", false),
            ["ko-KR"] = ("ko", false),
            ["lt-LT"] = ("lt", false),
            ["lv-LV"] = ("lv", false),
            ["ml-IN"] = ("ml", false),
            ["mr-IN"] = ("mr", false),
            ["ms-MY"] = ("ms", false),
            ["nb-NO"] = ("nb", false),
            ["nl-BE"] = ("nl", true),
            ["nl-NL"] = ("nl", false),
            ["no-NO"] = ("nb", false),
            ["pa-IN"] = ("pa", false),
            ["pl-PL"] = ("pl", false),
            ["pt-BR"] = ("pt-BR", false),
            ["pt-PT"] = ("pt", false),
            ["ro-RO"] = ("ro", false),
            ["ru-RU"] = ("ru", false),
            ["sk-SK"] = ("sk", false),
            ["sr-RS"] = ("sr", false),
            ["sv-SE"] = ("sv", false),
            ["ta-IN"] = ("ta", false),
            ["te-IN"] = ("te", false),
            ["th-TH"] = ("th", false),
            ["tr-TR"] = ("tr", false),
            ["uk-UA"] = ("uk", false),
            ["vi-VN"] = ("vi", false),
            ["yue-CN"] = ("yue", false),
        }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Resolves a request (including a legacy <c>voiceName</c>) to an espeak-ng voice.</summary>
    /// <exception cref="ArgumentException">Unknown voiceName or malformed language.</exception>
    public static EspeakVoice Resolve(TtsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (language, style) = request.VoiceName is { Length: > 0 } name
            ? LegacyVoiceNames.Resolve(name)
            : (request.Language, request.Style);
        return Resolve(language, style);
    }

    /// <summary>Resolves a language and style.</summary>
    public static EspeakVoice Resolve(string language, int style)
    {
        if (string.IsNullOrWhiteSpace(language) || language.Length > 35)
        {
            throw new ArgumentException($"language '{language}' is not a BCP-47 code", nameof(language));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(style);
        var variant = Variants[style % Variants.Count];
        if (Languages.TryGetValue(language, out var v))
        {
            return new EspeakVoice(language, style, v.Voice, variant, v.Approximation);
        }
        var primary = language.Split('-')[0].ToLowerInvariant();
        return new EspeakVoice(language, style, primary, variant, true);
    }
}
