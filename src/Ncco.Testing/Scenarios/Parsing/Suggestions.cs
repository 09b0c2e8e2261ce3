namespace Ncco.Testing.Scenarios.Parsing;

/// <summary>"Did you mean …?" for a misspelt step or property name.</summary>
internal static class Suggestions
{
    public static string DidYouMean(string written, IEnumerable<string> known)
    {
        var names = known.ToList();
        // 'answer' for 'answer_url', 'expect' for 'expect_call': a known name the written one begins.
        var longer = names.Where(k => written.Length >= 3 && Normalize(k).StartsWith(Normalize(written), StringComparison.Ordinal)).ToList();
        if (longer.Count is > 0 and <= 3) return $" (did you mean {string.Join(" or ", longer.Select(l => $"'{l}'"))}?)";
        var best = names
            .Select(k => (Name: k, Distance: Distance(Normalize(written), Normalize(k))))
            .Where(k => k.Distance <= Math.Max(1, k.Name.Length / 3))
            .OrderBy(k => k.Distance)
            .FirstOrDefault();
        return best.Name is null ? "" : $" (did you mean '{best.Name}'?)";
    }

    // hang-up, HangUp and hang up all mean hang_up.
    private static string Normalize(string s) => s.Replace('-', '_').Replace(' ', '_').ToLowerInvariant();

    private static int Distance(string a, string b)
    {
        if (a.Length > 64 || b.Length > 64) return int.MaxValue;
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
