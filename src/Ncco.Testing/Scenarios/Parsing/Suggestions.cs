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
            .Select(k => (Name: k, Distance: Ncco.Text.EditDistance.Between(Normalize(written), Normalize(k))))
            .Where(k => Ncco.Text.EditDistance.IsClose(k.Distance, k.Name))
            .OrderBy(k => k.Distance)
            .FirstOrDefault();
        return best.Name is null ? "" : $" (did you mean '{best.Name}'?)";
    }

    // hang-up, HangUp and hang up all mean hang_up.
    private static string Normalize(string s) => s.Replace('-', '_').Replace(' ', '_').ToLowerInvariant();
}
