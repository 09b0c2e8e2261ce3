using Ncco.Handlers;
using Ncco.Model.Actions;

namespace Ncco.Verbs;

/// <summary>The <c>talk</c> verb's entry in <see cref="NccoVerbs"/>.</summary>
internal static class TalkVerb
{
    public static NccoVerb Entry { get; } = NccoVerb.Of<TalkAction>(ActionNames.Talk, TalkJson.Read, TalkJson.Write, () => new TalkHandler(), t => $"talk \"{t.Text}\"" + (t.BargeIn ? " bargeIn" : ""));
}
