namespace Ncco.Legs;

/// <summary>An immutable snapshot of one conversation's audio mix, given to <see cref="IMediaPlane.MixChanged"/>.</summary>
/// <param name="ConversationId">Conversation uuid (<c>CON-…</c>).</param>
/// <param name="Started">False while a moderated named conversation waits for a <c>startOnEnter</c> participant (nobody hears anybody).</param>
/// <param name="Participants">Legs in the mix, in join order; empty when the conversation ended or nobody is mixed.</param>
public sealed record MediaMix(string ConversationId, bool Started, IReadOnlyList<MediaParticipant> Participants);

/// <summary>One leg in a <see cref="MediaMix"/>, with the flags that shape what it hears and who hears it.</summary>
/// <param name="LegId">Leg uuid.</param>
/// <param name="Muted">Its audio reaches nobody.</param>
/// <param name="Earmuffed">It hears nothing from the conversation.</param>
/// <param name="CanHear">Legs it can hear (null = all).</param>
/// <param name="CanSpeak">Legs that can hear it (null = all).</param>
public sealed record MediaParticipant(string LegId, bool Muted, bool Earmuffed, IReadOnlyList<string>? CanHear, IReadOnlyList<string>? CanSpeak);
