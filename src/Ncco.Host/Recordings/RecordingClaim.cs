using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ncco.Host.Recordings;

/// <summary>
/// What the host must know to finish a recording a crash interrupted: whose it is, where its record event goes and
/// when it started. Written next to the partial WAV (<c>&lt;name&gt;.partial.json</c>) when the recording starts,
/// deleted when it is finished or reported failed; <see cref="Operations.CrashRecovery"/> reads the ones it finds at start.
/// </summary>
public sealed record RecordingClaim
{
    /// <summary>The owning application.</summary>
    [JsonPropertyName("application_id")] public required string ApplicationId { get; init; }

    /// <summary>The recorded conversation.</summary>
    [JsonPropertyName("conversation_uuid")] public required string ConversationUuid { get; init; }

    /// <summary>The recorded leg; null for a conversation recording.</summary>
    [JsonPropertyName("leg_uuid")] public string? LegUuid { get; init; }

    /// <summary>Where the record event goes; null means the application's event URL.</summary>
    [JsonPropertyName("event_url")] public string? EventUrl { get; init; }

    /// <summary><c>POST</c> or <c>GET</c>.</summary>
    [JsonPropertyName("event_method")] public string? EventMethod { get; init; }

    /// <summary>
    /// The cluster node writing the recording (null on a single node): on a folder several nodes share, crash recovery
    /// adopts only the partial recordings of its own node id, never those other live nodes are writing.
    /// </summary>
    [JsonPropertyName("node")] public string? Node { get; init; }

    /// <summary>When the recording started.</summary>
    [JsonPropertyName("started_at")] public required DateTimeOffset StartedAt { get; init; }

    /// <summary>The owner as the store records it.</summary>
    [JsonIgnore] public RecordingOwner Owner => new(ApplicationId, ConversationUuid, LegUuid);

    /// <summary>Serialises the claim.</summary>
    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this);

    /// <summary>Reads a claim; null when the bytes are not one (a torn write).</summary>
    public static RecordingClaim? Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return JsonSerializer.Deserialize<RecordingClaim>(utf8);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
