using Ncco.Model.Actions;

namespace Ncco;

public sealed partial class NccoBuilder
{
    /// <summary>Speaks text with text-to-speech. See <see cref="TalkAction"/> for each option.</summary>
    /// <param name="text">Plain text or SSML in <c>&lt;speak&gt;</c>; at most 1500 characters outside SSML tags.</param>
    /// <param name="bargeIn">The NCCO moves on while it plays, and the next <c>input</c> stops it when the caller responds.</param>
    /// <param name="loop">How many times to play; 0 repeats until the call ends.</param>
    /// <param name="level">Volume from −1 to 1.</param>
    /// <param name="language">BCP-47 language of the voice.</param>
    /// <param name="style">Voice variant for the language.</param>
    /// <param name="premium">The premium variant of the style.</param>
    public NccoBuilder Talk(string text, bool bargeIn = false, int loop = TalkAction.DefaultLoop, double level = 0,
        string language = TalkAction.DefaultLanguage, int style = 0, bool premium = false) =>
        Add(new TalkAction(text) { BargeIn = bargeIn, Loop = loop, Level = level, Language = language, Style = style, Premium = premium });
}
