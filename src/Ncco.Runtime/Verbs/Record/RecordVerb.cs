using Ncco.Handlers;
using Ncco.Model.Actions;

namespace Ncco.Verbs;

/// <summary>The <c>record</c> verb's entry in <see cref="NccoVerbs"/>.</summary>
internal static class RecordVerb
{
    public static NccoVerb Entry { get; } = NccoVerb.Of<RecordAction>(ActionNames.Record, RecordJson.Read, RecordJson.Write, () => new RecordHandler());
}
