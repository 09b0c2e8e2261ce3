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

    /// <summary>
    /// "Did you mean …?" for a step name: a near spelling, else the step for a word people bring from other test tools
    /// and telephony APIs (<c>wait</c> is <c>stay_silent</c>: virtual time passes while the party does nothing).
    /// </summary>
    public static string DidYouMeanStep(string written, IEnumerable<string> known)
    {
        var near = DidYouMean(written, known);
        if (near.Length > 0) return near;
        return StepWords.TryGetValue(Normalize(written), out var step) ? $" (to {step.Why}, use '{step.Name}')" : "";
    }

    private static readonly Dictionary<string, (string Name, string Why)> StepWords = new(StringComparer.Ordinal)
    {
        ["wait"] = ("stay_silent", "let time pass"),
        ["sleep"] = ("stay_silent", "let time pass"),
        ["pause"] = ("stay_silent", "let time pass"),
        ["advance"] = ("stay_silent", "let time pass"),
        ["silence"] = ("stay_silent", "let time pass"),
        ["dtmf"] = ("press", "press keys"),
        ["digits"] = ("press", "press keys"),
        ["send_dtmf"] = ("press", "press keys"),
        ["speak"] = ("say", "say something to a speech input"),
        ["speech"] = ("say", "say something to a speech input"),
        ["call"] = ("dial", "place the call"),
        ["hangup"] = ("hang_up", "end the call"),
        ["end"] = ("hang_up", "end the call (expect_end waits for the app to end it)"),
        ["expect_hangup"] = ("expect_end", "wait for the call to end"),
        ["expect_talk"] = ("hear", "wait for a prompt"),
        ["expect_prompt"] = ("hear", "wait for a prompt"),
        ["listen"] = ("hear", "wait for a prompt"),
    };

    // hang-up, HangUp and hang up all mean hang_up.
    private static string Normalize(string s) => s.Replace('-', '_').Replace(' ', '_').ToLowerInvariant();
}
