namespace Ncco.Host.Recordings;

/// <summary>
/// The stored facts about one file served at <c>/v1/files/{FileId}</c>: whose it is (only its application may download
/// it) and what it holds.
/// </summary>
/// <param name="FileId">The id (last segment of <c>recording_url</c> / <c>transcription_url</c>).</param>
/// <param name="ApplicationId">The application whose call made it.</param>
/// <param name="ConversationUuid">The conversation it belongs to.</param>
/// <param name="LegUuid">The leg it was made on; null for a conversation recording.</param>
/// <param name="Kind">Recording, saved speech or transcript.</param>
/// <param name="ContentType">The media type served.</param>
/// <param name="SizeBytes">Size of the finished file.</param>
/// <param name="CreatedAt">When the file was finished.</param>
public sealed record RecordingInfo(
    string FileId,
    string ApplicationId,
    string ConversationUuid,
    string? LegUuid,
    RecordingKind Kind,
    string ContentType,
    long SizeBytes,
    DateTimeOffset CreatedAt);
