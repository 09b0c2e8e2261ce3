namespace Ncco.Testing.Reporting;

/// <summary>A run of items: <see cref="Length"/> items from <see cref="Start"/>, repeated <see cref="Times"/> times back to back.</summary>
internal readonly record struct Run(int Start, int Length, int Times)
{
    public int Count => Length * Times;
}

/// <summary>
/// Finds repeated cycles in a sequence (a prompt, or a prompt cycle, played over and over), so failure messages can
/// say "×40" instead of printing forty copies, and an expectation can tell an app that loops with nothing else to do.
/// </summary>
internal static class Repeats
{
    /// <summary>Longest cycle looked for (prompts of one menu round).</summary>
    public const int MaxCycle = 8;

    /// <summary>Splits <paramref name="keys"/> into runs, greedily taking at each point the cycle that covers the most items.</summary>
    public static List<Run> Collapse(IReadOnlyList<string> keys)
    {
        var runs = new List<Run>();
        var i = 0;
        while (i < keys.Count)
        {
            var best = new Run(i, 1, 1);
            for (var length = 1; length <= MaxCycle && i + 2 * length <= keys.Count; length++)
            {
                var times = 1;
                while (i + (times + 1) * length <= keys.Count && Same(keys, i, i + times * length, length)) times++;
                if (times > 1 && length * times > best.Count) best = new Run(i, length, times);
            }
            runs.Add(best);
            i += best.Count;
        }
        return runs;
    }

    /// <summary>
    /// The cycle the sequence ends with if it repeats at least <paramref name="minTimes"/> times back to back at the end
    /// (the shortest such cycle), else null.
    /// </summary>
    public static Run? TrailingCycle(IReadOnlyList<string> keys, int from, int minTimes)
    {
        var n = keys.Count - from;
        for (var length = 1; length <= MaxCycle && length * minTimes <= n; length++)
        {
            var end = keys.Count;
            var times = 1;
            while (end - (times + 1) * length >= from && Same(keys, end - (times + 1) * length, end - times * length, length)) times++;
            if (times >= minTimes) return new Run(end - times * length, length, times);
        }
        return null;
    }

    private static bool Same(IReadOnlyList<string> keys, int a, int b, int length)
    {
        for (var k = 0; k < length; k++)
        {
            if (!string.Equals(keys[a + k], keys[b + k], StringComparison.Ordinal)) return false;
        }
        return true;
    }
}
