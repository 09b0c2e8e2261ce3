using Ncco.Handlers;
using Ncco.Model.Actions;

namespace Ncco.Verbs;

/// <summary>The <c>conversation</c> verb's entry in <see cref="NccoVerbs"/>.</summary>
internal static class ConversationVerb
{
    public static NccoVerb Entry { get; } = NccoVerb.Of<ConversationAction>(ActionNames.Conversation, ConversationJson.Read, ConversationJson.Write, () => new ConversationHandler(), c => $"conversation {c.ConversationName}");
}
