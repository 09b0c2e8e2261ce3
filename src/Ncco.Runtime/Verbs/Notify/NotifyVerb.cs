using Ncco.Handlers;
using Ncco.Model.Actions;

namespace Ncco.Verbs;

/// <summary>The <c>notify</c> verb's entry in <see cref="NccoVerbs"/>.</summary>
internal static class NotifyVerb
{
    public static NccoVerb Entry { get; } = NccoVerb.Of<NotifyAction>(ActionNames.Notify, NotifyJson.Read, NotifyJson.Write, () => new NotifyHandler());
}
