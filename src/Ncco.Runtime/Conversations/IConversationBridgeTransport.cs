using Ncco.Legs;

namespace Ncco.Conversations;

/// <summary>
/// The transport of a conversation bridge (<see cref="ConversationPlace.OpenBridge"/>) that tells, once it has
/// reported a hang-up, whether the host closed it or it was lost. A lost bridge makes the leg ask again where its
/// conversation lives and re-join it there, for up to <see cref="IConversationPlacement.RejoinWindow"/>; a bridge the
/// host closed ends the leg's part of the conversation as the conversation's end would.
/// </summary>
public interface IConversationBridgeTransport : ILegTransport
{
    /// <summary>True once the bridge connected to the host (the host accepted it).</summary>
    bool WasOpened { get; }

    /// <summary>
    /// True when the bridge ended without the host closing it and without this end hanging it up: it could not be
    /// opened, or its connection dropped (the host died, or no longer hosts the conversation).
    /// </summary>
    bool IsLost { get; }
}
