namespace Ncco.Host.Recordings;

/// <summary>Whose a new file is: the application whose call made it, and where in that call.</summary>
/// <param name="ApplicationId">The application (the only one that may download the file).</param>
/// <param name="ConversationUuid">The conversation.</param>
/// <param name="LegUuid">The leg; null for a conversation recording.</param>
public sealed record RecordingOwner(string ApplicationId, string ConversationUuid, string? LegUuid);
