namespace Ncco.Rules;

/// <summary>The deprecated <c>voiceName</c> values and the language and style each stands for (reference §5.2).</summary>
internal static class LegacyVoiceNames
{
    private static readonly string[][] Table =
    [
        ["Aditi", "hi-IN", "0"], ["Alva", "sv-SE", "2"], ["Amy", "en-GB", "0"], ["Astrid", "sv-SE", "0"], ["Bianca", "it-IT", "0"],
        ["Brian", "en-GB", "4"], ["Camila", "pt-BR", "5"], ["Carla", "it-IT", "1"], ["Carmen", "ro-RO", "0"], ["Carmit", "he-IL", "0"],
        ["Catarina", "pt-PT", "3"], ["Celine", "fr-FR", "0"], ["Cem", "tr-TR", "7"], ["Chantal", "fr-CA", "0"], ["Conchita", "es-ES", "0"],
        ["Cristiano", "pt-PT", "5"], ["Damayanti", "id-ID", "1"], ["Dora", "is-IS", "0"], ["Emma", "en-GB", "1"], ["Empar", "es-ES", "3"],
        ["Enrique", "es-ES", "4"], ["Ewa", "pl-PL", "0"], ["Felipe", "pt-BR", "4"], ["Filiz", "tr-TR", "0"], ["Liv", "nb-NO", "0"],
        ["Lucia", "es-ES", "1"], ["Lupe", "es-US", "2"], ["Maged", "ar", "5"], ["Mariska", "hu-HU", "1"], ["Mathieu", "fr-FR", "5"],
        ["Maxim", "ru-RU", "4"], ["Melina", "el-GR", "1"], ["Geraint", "en-GB-WLS", "0"], ["Giorgio", "it-IT", "4"], ["Gwyneth", "cy-GB", "0"],
        ["Hans", "de-DE", "3"], ["Henrik", "nb-NO", "7"], ["Ines", "pt-PT", "0"], ["Ioana", "ro-RO", "1"], ["Iveta", "cs-CZ", "1"],
        ["Ivy", "en-US", "1"], ["Jacek", "pl-PL", "5"], ["Jan", "pl-PL", "6"], ["Joana", "pt-PT", "4"], ["Joanna", "en-US", "2"],
        ["Joey", "en-US", "7"], ["Jordi", "ca-ES", "1"], ["Justin", "en-US", "8"], ["Kanya", "th-TH", "0"], ["Karl", "is-IS", "1"],
        ["Kendra", "en-US", "3"], ["Kimberly", "en-US", "0"], ["Laila", "ar", "2"], ["Laura", "sk-SK", "1"], ["Lea", "fr-FR", "1"],
        ["Lekha", "hi-IN", "2"], ["Lotte", "nl-NL", "0"], ["Luciana", "pt-BR", "2"], ["Mads", "da-DK", "2"], ["Maja", "pl-PL", "1"],
        ["Marlene", "de-DE", "0"], ["Matthew", "en-US", "9"], ["Mei-Jia", "cmn-TW", "0"], ["Mia", "es-MX", "0"], ["Miguel", "es-US", "1"],
        ["Miren", "eu-ES", "0"], ["Mizuki", "ja-JP", "0"], ["Montserrat", "ca-ES", "0"], ["Naja", "da-DK", "0"], ["Nicole", "en-AU", "0"],
        ["Nikos", "el-GR", "2"], ["Nora", "nb-NO", "6"], ["Oskar", "sv-SE", "3"], ["Penelope", "es-US", "0"], ["Raveena", "en-IN", "1"],
        ["Ricardo", "pt-BR", "3"], ["Ruben", "nl-NL", "4"], ["Russell", "en-AU", "3"], ["Salli", "en-US", "4"], ["Satu", "fi-FI", "1"],
        ["Seoyeon", "ko-KR", "0"], ["Sin-Ji", "yue-CN", "0"], ["Sora", "ko-KR", "3"], ["Takumi", "ja-JP", "3"], ["Tarik", "ar", "6"],
        ["Tatyana", "ru-RU", "0"], ["Tessa", "en-ZA", "0"], ["Tian-Tian", "cmn-CN", "3"], ["Vicki", "de-DE", "1"], ["Vitoria", "pt-BR", "0"],
        ["Yelda", "tr-TR", "4"], ["Zeina", "ar", "0"], ["Zhiyu", "cmn-CN", "0"], ["Zuzana", "cs-CZ", "2"],
        // In the OAS voice_name enum without a documented mapping: accepted, mapped to the default voice.
        ["Agnieszka", "pl-PL", "0"], ["Chipmunk", "en-US", "0"], ["Eric", "en-US", "0"], ["Jennifer", "en-US", "0"],
    ];

    /// <summary>Every accepted voice name.</summary>
    public static IReadOnlyList<string> Names { get; } = BuildNames();

    /// <summary>
    /// The language and style a voice name stands for (case-insensitive), or false when unknown. Henrik and Nora map
    /// to <c>nb-NO</c>; the <c>no-NO</c> variants of the table are the legacy code of the same voices.
    /// </summary>
    public static bool TryMap(string voiceName, out string language, out int style)
    {
        foreach (var row in Table)
        {
            if (string.Equals(row[0], voiceName, StringComparison.OrdinalIgnoreCase))
            {
                language = row[1];
                style = int.Parse(row[2], System.Globalization.CultureInfo.InvariantCulture);
                return true;
            }
        }
        language = string.Empty;
        style = 0;
        return false;
    }

    private static string[] BuildNames()
    {
        var names = new string[Table.Length];
        for (var i = 0; i < names.Length; i++) names[i] = Table[i][0];
        return names;
    }
}
