using System.Data.Common;
using System.Net;
using Ncco.Host.Calls;
using Ncco.Host.Recordings;
using Ncco.Sip.Messages;
using Ncco.Sip.Registration;
using Ncco.Sip.Transport;

namespace Ncco.Host.Persistence;

/// <summary>
/// The rows every store provider shares: column lists and how a row becomes a record, over ADO.NET's
/// <see cref="DbDataReader"/>, so SQLite and PostgreSQL (and a provider of yours) read the same columns the same way.
/// Times are Unix milliseconds in every provider.
/// </summary>
public static class StoreRows
{
    /// <summary>The columns of a call, in the order <see cref="ReadCall"/> reads them.</summary>
    public const string CallColumns =
        "uuid, application_id, conversation_uuid, direction, status, to_type, to_key, to_value, from_type, from_key, from_value, created_at, start_time, end_time";

    /// <summary>The columns of a recording row, in the order <see cref="ReadRecording"/> reads them.</summary>
    public const string RecordingColumns = "file_id, application_id, conversation_uuid, leg_uuid, kind, content_type, size_bytes, created_at";

    /// <summary>A call from the current row (columns as <see cref="CallColumns"/>).</summary>
    public static CallRecord ReadCall(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
            new CallParty(r.GetString(5), r.GetString(6), r.GetString(7)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(11)))
        {
            From = r.IsDBNull(8) ? null : new CallParty(r.GetString(8), r.GetString(9), r.GetString(10)),
            StartTime = r.IsDBNull(12) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(12)),
            EndTime = r.IsDBNull(13) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(13)),
        };
    }

    /// <summary>How a recording's kind is stored.</summary>
    public static string RecordingKindName(RecordingKind kind) => kind switch
    {
        RecordingKind.SpeechAudio => "speech",
        RecordingKind.Transcription => "transcription",
        _ => "recording",
    };

    /// <summary>A recording row from the current row (columns as <see cref="RecordingColumns"/>).</summary>
    public static RecordingInfo ReadRecording(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
            r.GetString(4) switch
            {
                "speech" => RecordingKind.SpeechAudio,
                "transcription" => RecordingKind.Transcription,
                _ => RecordingKind.Recording,
            },
            r.GetString(5), r.GetInt64(6), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)));
    }

    /// <summary>A binding's <c>Path</c> as stored: a JSON array of its entries (name-addrs may hold commas), in order.</summary>
    public static string PathText(IReadOnlyList<NameAddress> path) =>
        System.Text.Json.JsonSerializer.Serialize(path.Select(p => p.ToString()).ToArray());

    /// <summary>
    /// A SIP binding from the current row (user, contact, expires_at, call_id, cseq, source_transport, source_address,
    /// source_port, path), or null for a row that no longer parses (hand-edited, or from a future format): such a row is
    /// skipped rather than failing the start.
    /// </summary>
    public static StoredSipBinding? ReadSipBinding(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (!Enum.TryParse<SipTransportKind>(r.GetString(5), out var transport) || !IPAddress.TryParse(r.GetString(6), out var address)) return null;
        SipUri contact;
        NameAddress[] path;
        try
        {
            contact = SipUri.Parse(r.GetString(1));
            path = [.. (System.Text.Json.JsonSerializer.Deserialize<string[]>(r.GetString(8)) ?? []).Select(p => NameAddress.Parse(p, HeaderNames.Path))];
        }
        catch (Exception e) when (e is Ncco.Sip.Parsing.SipParseException or System.Text.Json.JsonException or ArgumentNullException)
        {
            return null;
        }
        return new StoredSipBinding(r.GetString(0), new SipBinding(contact, DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
            r.GetString(3), r.GetInt64(4), new SipEndPoint(transport, new IPEndPoint(address, r.GetInt32(7)))) { Path = path });
    }
}
