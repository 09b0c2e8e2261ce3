using Ncco.Model;

namespace Ncco.Legs;

/// <summary>What the VM asks the media plane to record.</summary>
/// <param name="LegId">The leg recorded by a <c>record</c> action, or null for a conversation recording.</param>
/// <param name="ConversationId">The conversation (the one recorded when <paramref name="LegId"/> is null).</param>
/// <param name="Format">File format.</param>
/// <param name="Channels">1 = mono; 2 or more with <paramref name="Split"/>: channel 0 is what the leg sent, channel 1 what it heard.</param>
/// <param name="Split">True for <c>split:"conversation"</c>.</param>
public sealed record MediaRecordingRequest(string? LegId, string ConversationId, RecordingFormat Format, int Channels, bool Split);

/// <summary>A finished recording file.</summary>
/// <param name="FileId">The id served at <c>FilesBaseUrl + FileId</c> (the last segment of <c>recording_url</c>).</param>
/// <param name="SizeBytes">File size in bytes (the record event's <c>size</c>).</param>
public sealed record MediaRecordingResult(string FileId, long SizeBytes);
