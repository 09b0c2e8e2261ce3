using Ncco.Model.Actions;

namespace Ncco;

public sealed partial class NccoBuilder
{
    /// <summary>Moves every leg of this conversation into <paramref name="conversationId"/>. Terminal: that conversation governs from now on.</summary>
    /// <param name="conversationId">The target conversation (<c>CON-…</c>).</param>
    /// <param name="canHear">Legs the moved legs hear; absent means all.</param>
    /// <param name="canSpeak">Legs that hear the moved legs; absent means all.</param>
    /// <param name="mute">The moved legs are not heard (not with <paramref name="canSpeak"/>).</param>
    public NccoBuilder Transfer(string conversationId, IEnumerable<string>? canHear = null, IEnumerable<string>? canSpeak = null, bool mute = false) =>
        Add(new TransferAction(conversationId) { CanHear = ToListOrNull(canHear), CanSpeak = ToListOrNull(canSpeak), Mute = mute });
}
