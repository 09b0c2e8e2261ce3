namespace Ncco.Media.Mixing;

/// <summary>Who a conference participant speaks to and hears (NCCO <c>conversation</c> options).</summary>
/// <param name="CanSpeak">Ids of participants that hear this one; null = everybody, empty = nobody.</param>
/// <param name="CanHear">Ids of participants this one hears; null = everybody, empty = nobody.</param>
/// <param name="Mute">Audio from this participant is neither mixed nor recorded.</param>
/// <param name="Earmuff">This participant hears nothing.</param>
public sealed record ConferenceParticipantOptions(
    IReadOnlyCollection<string>? CanSpeak = null,
    IReadOnlyCollection<string>? CanHear = null,
    bool Mute = false,
    bool Earmuff = false)
{
    /// <summary>Defaults: speaks to all, hears all.</summary>
    public static ConferenceParticipantOptions Default { get; } = new();
}
