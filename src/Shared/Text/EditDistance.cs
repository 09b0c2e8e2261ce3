namespace Ncco.Text;

/// <summary>
/// Levenshtein distance for "did you mean …?" suggestions (configuration keys, scenario steps). Internal shared source,
/// compiled into each project that suggests names, so the suggestion rule is the same everywhere.
/// </summary>
internal static class EditDistance
{
    /// <summary>Names longer than this are never compared: a suggestion is for a typo, and the cost grows with the product of the lengths.</summary>
    public const int MaxLength = 64;

    /// <summary>The number of single-character insertions, deletions and substitutions turning <paramref name="a"/> into <paramref name="b"/>; <see cref="int.MaxValue"/> when either is longer than <see cref="MaxLength"/>.</summary>
    public static int Between(string a, string b)
    {
        if (a.Length > MaxLength || b.Length > MaxLength) return int.MaxValue;
        Span<int> previous = stackalloc int[b.Length + 1];
        Span<int> current = stackalloc int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            var swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.Length];
    }

    /// <summary>Whether a name <paramref name="distance"/> edits away from <paramref name="known"/> is close enough to suggest it: up to a third of its length, at least one edit.</summary>
    public static bool IsClose(int distance, string known) => distance <= Math.Max(1, known.Length / 3);
}
