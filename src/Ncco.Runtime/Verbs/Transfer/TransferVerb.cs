using Ncco.Handlers;
using Ncco.Model.Actions;

namespace Ncco.Verbs;

/// <summary>The <c>transfer</c> verb's entry in <see cref="NccoVerbs"/>.</summary>
internal static class TransferVerb
{
    public static NccoVerb Entry { get; } = NccoVerb.Of<TransferAction>(ActionNames.Transfer, TransferJson.Read, TransferJson.Write, () => new TransferHandler());
}
