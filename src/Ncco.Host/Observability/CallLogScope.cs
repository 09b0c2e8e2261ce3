using System.Collections;

namespace Ncco.Host.Observability;

/// <summary>
/// The state of a call's logging scope. It is a list of key/value pairs because that is what structured log
/// formatters (JSON console, OpenTelemetry) turn into named properties; <see cref="ToString"/> is the text the
/// simple console formatter shows.
/// </summary>
/// <param name="CallUuid">The leg's uuid.</param>
/// <param name="ConversationUuid">The conversation's uuid, when known.</param>
public sealed record CallLogScope(string CallUuid, string? ConversationUuid) : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <inheritdoc />
    public int Count => ConversationUuid is null ? 1 : 2;

    /// <inheritdoc />
    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("CallUuid", CallUuid),
        1 when ConversationUuid is not null => new("ConversationUuid", ConversationUuid),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => ConversationUuid is null ? $"Call {CallUuid}" : $"Call {CallUuid} in {ConversationUuid}";
}
