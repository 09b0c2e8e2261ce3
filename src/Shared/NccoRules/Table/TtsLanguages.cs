namespace Ncco.Rules;

/// <summary>
/// Text-to-speech languages and their styles (reference §5.1). A style is valid when it is a standard style
/// of the language, or a premium style and <c>premium</c> is true.
/// </summary>
internal static class TtsLanguages
{
    // code, standard styles, premium styles ("-" = none). Ranges are inclusive.
    private static readonly string[][] Table =
    [
        ["af-ZA", "0", "-"], ["ar", "0-7", "1,3,4,7"], ["bg-BG", "0", "-"], ["bn-IN", "0-1", "0-1"],
        ["ca-ES", "0-2", "3"], ["cmn-CN", "0-5", "0-2,4,5"], ["cmn-TW", "0-3", "1-3"], ["cs-CZ", "0-2", "0"],
        ["cy-GB", "0", "-"], ["da-DK", "0-6", "1,3,4,5"], ["de-AT", "-", "0"], ["de-DE", "0-8", "1,2,4-8,11"],
        ["el-GR", "0-2", "0"], ["en-AU", "0-7", "1,2,4,5"], ["en-GB", "0-7", "0-8,12"], ["en-GB-SCT", "0", "-"],
        ["en-GB-WLS", "0", "-"], ["en-IE", "0", "-"], ["en-IN", "0-6", "2-5,7"], ["en-NZ", "-", "0"],
        ["en-US", "0-14,20-22", "0-14,20-22,24"], ["en-ZA", "0", "1"], ["es-CO", "0-1", "-"], ["es-ES", "0-8", "1,5,6,8"],
        ["es-MX", "0-3", "0"], ["es-US", "0-5", "2-6"], ["eu-ES", "0", "-"], ["fi-FI", "0-1", "0"],
        ["fil-PH", "0-3", "0-3"], ["fr-CA", "0-7", "1-4,8,9"], ["fr-FR", "0-7", "1-4,6,7"], ["gl-ES", "0", "-"],
        ["gu-IN", "0-1", "0-1"], ["he-IL", "0", "-"], ["hi-IN", "0-5", "1,3-6"], ["hu-HU", "0-1", "0"],
        ["id-ID", "0-4", "0,2-4"], ["is-IS", "0-2", "-"], ["it-IT", "0-6", "0,2,3,5,6"], ["ja-JP", "0-5", "1-5"],
        ["kn-IN", "0-1", "-"], ["ko-KR", "0-5", "0-2,4,5"], ["lv-LV", "0", "-"], ["ml-IN", "0-1", "0-1"],
        ["ms-MY", "0-3", "0-3"], ["nb-NO", "0-7", "1-5"], ["nl-BE", "0-2", "0,2"], ["nl-NL", "0-6", "1-3,5,6"],
        ["no-NO", "0-1", "-"], ["pa-IN", "0-3", "0-3"], ["pl-PL", "0-9", "2-4,7,8"], ["pt-BR", "0-5", "0,1,5"],
        ["pt-PT", "0-7", "0-2,6,7"], ["ro-RO", "0-2", "2"], ["ru-RU", "0-9", "1-3,5,6"], ["sk-SK", "0-1", "0"],
        ["sr-RS", "0", "-"], ["sv-SE", "0-3", "1"], ["ta-IN", "0-1", "0-1"], ["te-IN", "0-1", "-"],
        ["th-TH", "0-1", "-"], ["tr-TR", "0-7", "1-3,5,6"], ["uk-UA", "0", "0"], ["vi-VN", "0-3", "0-3"],
        ["yue-CN", "0", "1"],
        // Seen in SDK enums only ([JAVA]); accepted with style 0 so we never reject what an official SDK emits.
        ["lt-LT", "0", "-"], ["mr-IN", "0", "-"],
    ];

    // Parsed once: [row] -> (standard, premium). Validation runs per talk action and must not re-parse the table.
    private static readonly int[][][] Parsed = ParseTable();

    // Case-insensitive code -> row, so a lookup is a hash, not a scan of the table.
    private static readonly Dictionary<string, int> Rows = BuildRows(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every language code, as documented (case as in the reference).</summary>
    public static IReadOnlyList<string> Codes { get; } = BuildCodes();

    /// <summary>The documented spelling of a code matched case-insensitively, or null when unknown.</summary>
    public static string? Canonical(string code)
    {
        var row = Row(code);
        return row >= 0 ? Table[row][0] : null;
    }

    /// <summary>The standard styles of a language (empty when unknown).</summary>
    public static int[] StandardStyles(string code) => Styles(code, 1);

    /// <summary>The premium styles of a language (empty when unknown).</summary>
    public static int[] PremiumStyles(string code) => Styles(code, 2);

    /// <summary>Whether <paramref name="style"/> exists for the language, given <paramref name="premium"/>.</summary>
    public static bool IsValidStyle(string code, int style, bool premium) =>
        Array.IndexOf(StandardStyles(code), style) >= 0 || (premium && Array.IndexOf(PremiumStyles(code), style) >= 0);

    /// <summary>A readable list of the valid styles, for error messages.</summary>
    public static string DescribeStyles(string code, bool premium)
    {
        var standard = StandardStyles(code);
        var premiumStyles = PremiumStyles(code);
        var text = standard.Length == 0 ? "no standard styles" : "standard styles " + string.Join(", ", standard);
        if (premiumStyles.Length > 0) text += "; premium styles " + string.Join(", ", premiumStyles) + (premium ? string.Empty : " (with premium: true)");
        return text;
    }

    private static int[] Styles(string code, int column)
    {
        var row = Row(code);
        return row >= 0 ? Parsed[row][column - 1] : [];
    }

    // The documented spelling (nearly every NCCO's) through an ordinal hash first: ignoring case costs more per lookup.
    private static int Row(string code) => ExactRows.TryGetValue(code, out var row) || Rows.TryGetValue(code, out row) ? row : -1;

    // Exact code -> row.
    private static readonly Dictionary<string, int> ExactRows = BuildRows(StringComparer.Ordinal);

    private static Dictionary<string, int> BuildRows(StringComparer comparer)
    {
        var rows = new Dictionary<string, int>(comparer);
        for (var i = 0; i < Table.Length; i++) rows[Table[i][0]] = i;
        return rows;
    }

    private static int[][][] ParseTable()
    {
        var parsed = new int[Table.Length][][];
        for (var i = 0; i < Table.Length; i++) parsed[i] = [ParseSet(Table[i][1]), ParseSet(Table[i][2])];
        return parsed;
    }

    private static int[] ParseSet(string set)
    {
        if (set == "-") return [];
        var result = new List<int>();
        foreach (var part in set.Split(','))
        {
            var dash = part.IndexOf('-');
            if (dash < 0)
            {
                result.Add(int.Parse(part, System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }
            var from = int.Parse(part.Substring(0, dash), System.Globalization.CultureInfo.InvariantCulture);
            var to = int.Parse(part.Substring(dash + 1), System.Globalization.CultureInfo.InvariantCulture);
            for (var i = from; i <= to; i++) result.Add(i);
        }
        return result.ToArray();
    }

    private static string[] BuildCodes()
    {
        var codes = new string[Table.Length];
        for (var i = 0; i < codes.Length; i++) codes[i] = Table[i][0];
        return codes;
    }
}
