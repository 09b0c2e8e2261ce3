using Ncco.Calls;
using Ncco.Events;
using Ncco.Model;
using Ncco.Webhooks;

namespace Ncco.Handlers;

/// <summary>A finished recording (virtual audio: only its timing and metadata).</summary>
public sealed record RecordingInfo
{
    /// <summary>Recording uuid.</summary>
    public required string RecordingUuid { get; init; }
    /// <summary>Download URL.</summary>
    public required string RecordingUrl { get; init; }
    /// <summary>Leg recorded (null for conversation recordings).</summary>
    public string? LegId { get; init; }
    /// <summary>Conversation uuid.</summary>
    public required string ConversationUuid { get; init; }
    /// <summary>Start.</summary>
    public required DateTimeOffset Start { get; init; }
    /// <summary>End.</summary>
    public required DateTimeOffset End { get; init; }
    /// <summary>File format.</summary>
    public required RecordingFormat Format { get; init; }
    /// <summary>Channels.</summary>
    public int Channels { get; init; } = 1;
    /// <summary>Size in bytes (from duration and format: mp3 32 kbps, wav 16 kHz 16-bit per channel).</summary>
    public required long Size { get; init; }
    /// <summary>Why it stopped: <c>silence</c>, <c>key</c>, <c>timeout</c>, <c>call ended</c>, <c>conversation ended</c>.</summary>
    public required string EndReason { get; init; }
    /// <summary>Length of the audio.</summary>
    public TimeSpan Duration => End - Start;
}
