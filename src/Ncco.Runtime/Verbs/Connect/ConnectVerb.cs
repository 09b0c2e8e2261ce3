using Ncco.Handlers;
using Ncco.Model.Actions;

namespace Ncco.Verbs;

/// <summary>The <c>connect</c> verb's entry in <see cref="NccoVerbs"/>.</summary>
internal static class ConnectVerb
{
    public static NccoVerb Entry { get; } = NccoVerb.Of<ConnectAction>(ActionNames.Connect, ConnectJson.Read, ConnectJson.Write, () => new ConnectHandler(), c => $"connect {c.Endpoint.Type}");
}
