using Ncco.Model;

namespace Ncco.Legs;

/// <summary>What the VM asks the media plane to record.</summary>
/// <param name="LegId">The leg recorded by a <c>record</c> action, or null for a conversation recording.</param>
/// <param name="ConversationId">The conversation (the one recorded when <paramref name="LegId"/> is null).</param>
/// <param name="Format">File format.</param>
/// <param name="Channels">1 = mono; 2 or more with <paramref name="Split"/>: channel 0 is what the leg sent, channel 1 what it heard.</param>
/// <param name="Split">True for <c>split:"conversation"</c>.</param>
public sealed record MediaRecordingRequest(string? LegId, string ConversationId, RecordingFormat Format, int Channels, bool Split)
{
    /// <summary>
    /// Where the record event goes (the action's <c>eventUrl</c>, else the leg's or application's event URL). A plane
    /// that outlives a crash needs it to report a recording it adopts after a restart.
    /// </summary>
    public Webhooks.WebhookTarget? EventTarget { get; init; }
}

/// <summary>A finished recording file.</summary>
/// <param name="FileId">The id served at <c>FilesBaseUrl + FileId</c> (the last segment of <c>recording_url</c>).</param>
/// <param name="SizeBytes">File size in bytes (the record event's <c>size</c>).</param>
public sealed record MediaRecordingResult(string FileId, long SizeBytes);
