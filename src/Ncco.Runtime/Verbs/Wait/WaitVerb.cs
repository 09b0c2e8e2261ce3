using Ncco.Handlers;
using Ncco.Model.Actions;

namespace Ncco.Verbs;

/// <summary>The <c>wait</c> verb's entry in <see cref="NccoVerbs"/>.</summary>
internal static class WaitVerb
{
    public static NccoVerb Entry { get; } = NccoVerb.Of<WaitAction>(ActionNames.Wait, WaitJson.Read, WaitJson.Write, () => new WaitHandler(), w => $"wait {w.Timeout}s");
}
