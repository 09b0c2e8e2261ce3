using Ncco.Legs;
using Ncco.Model.Actions;

namespace Ncco.Conversations;

/// <summary>
/// Where a named conversation lives when several runtimes share an application (a cluster): asked by the
/// <c>conversation</c> action before the leg joins. Without one (<see cref="Calls.NccoVmOptions.ConversationPlacement"/>
/// null, the default) every named conversation is held by this VM under a uuid of its own.
/// </summary>
/// <remarks>
/// When the conversation is held elsewhere the VM keeps the leg and bridges it there: the leg joins a conversation
/// part under the host's uuid with one bridge leg (no events, no call record) opened by
/// <see cref="ConversationPlace.OpenBridge"/>, paired with the leg only — the leg hears the bridge and speaks to it, so
/// mute and earmuff on the leg act on what crosses, while the action's canHear/canSpeak/startOnEnter/endOnExit/record
/// are applied by the host to the stand-in it runs for the leg (<see cref="Calls.NccoVm.RunStandInAsync"/>). The host
/// closing the bridge (it ended the conversation, or the stand-in's part of it) ends the leg's part as the
/// conversation's end would. A bridge lost instead (<see cref="IConversationBridgeTransport.IsLost"/>: the host died,
/// or moved the conversation) makes the leg ask again, every <see cref="RejoinRetry"/> for up to
/// <see cref="RejoinWindow"/>, and re-join the conversation where it lives now — a new bridge, or this VM when it now
/// holds it (its part becomes the named conversation) — with the action's member options and the leg's mute and
/// earmuff as they are.
/// </remarks>
public interface IConversationPlacement
{
    /// <summary>
    /// Finds (claiming it when nobody holds it) where conversation <paramref name="request"/>.Name lives.
    /// </summary>
    Task<ConversationPlace> PlaceAsync(ConversationPlaceRequest request, CancellationToken cancellationToken);

    /// <summary>A named conversation this VM held ended: its name is free again (called on the VM thread; must not block).</summary>
    void Ended(string name, string conversationId);

    /// <summary>
    /// How long a leg whose bridge was lost (or could not be opened) keeps asking where its conversation lives before
    /// its part of the conversation ends. Zero (the default): it does not ask again.
    /// </summary>
    TimeSpan RejoinWindow => TimeSpan.Zero;

    /// <summary>The pause between two attempts of a leg re-joining its conversation (default 250 ms).</summary>
    TimeSpan RejoinRetry => TimeSpan.FromMilliseconds(250);
}

/// <summary>A leg's <c>conversation</c> action asks where its conversation lives.</summary>
/// <param name="Name">The conversation's name.</param>
/// <param name="ProposedConversationId">The uuid to use when the conversation starts here.</param>
/// <param name="LegId">The joining leg (its stand-in on the host carries this uuid).</param>
/// <param name="Action">The action, with the member options the host applies.</param>
public sealed record ConversationPlaceRequest(string Name, string ProposedConversationId, string LegId, ConversationAction Action);

/// <summary>Where a named conversation lives.</summary>
/// <param name="ConversationId">Its uuid (<c>CON-…</c>), the one every leg of it reports wherever it runs.</param>
/// <param name="OpenBridge">Null when this VM holds it; else opens the bridge to the host for the bridge leg whose uuid
/// it is given (the transport's <see cref="ILegTransport.Dial"/> connects; its hang-up report means the bridge is gone).</param>
public sealed record ConversationPlace(string ConversationId, Func<string, ILegTransport>? OpenBridge = null);
