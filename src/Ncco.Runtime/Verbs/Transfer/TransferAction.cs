namespace Ncco.Model.Actions;

/// <summary>
/// Moves every leg of the current conversation into another, existing conversation. Terminal: the target
/// conversation's own NCCO governs afterwards.
/// </summary>
/// <param name="ConversationId">The target conversation (<c>CON-…</c>).</param>
public sealed record TransferAction(string ConversationId) : NccoAction
{
    /// <inheritdoc />
    public override string Name => ActionNames.Transfer;

    /// <summary>Legs that can hear the moved legs; null means all.</summary>
    public EquatableList<string>? CanSpeak { get; init; }

    /// <summary>Legs the moved legs hear; null means all.</summary>
    public EquatableList<string>? CanHear { get; init; }

    /// <summary>Mute the moved legs. Not allowed with <see cref="CanSpeak"/>.</summary>
    public bool Mute { get; init; }
}
