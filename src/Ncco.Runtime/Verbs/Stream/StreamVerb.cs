using Ncco.Handlers;
using Ncco.Model.Actions;

namespace Ncco.Verbs;

/// <summary>The <c>stream</c> verb's entry in <see cref="NccoVerbs"/>.</summary>
internal static class StreamVerb
{
    public static NccoVerb Entry { get; } = NccoVerb.Of<StreamAction>(ActionNames.Stream, StreamJson.Read, StreamJson.Write, () => new StreamHandler(), s => $"stream {s.StreamUrl}" + (s.BargeIn ? " bargeIn" : ""));
}
