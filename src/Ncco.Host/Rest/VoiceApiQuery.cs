using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Ncco.Events;
using Ncco.Host.Errors;

namespace Ncco.Host.Rest;

/// <summary>
/// How the Voice API reads a call's uuid from a path and the call list's query parameters. Compiled into Ncco.Testing
/// as well, so the simulator's Voice API accepts and refuses exactly what the host does.
/// </summary>
internal static class VoiceApiQuery
{
    /// <summary>The statuses <c>GET /v1/calls?status=</c> accepts.</summary>
    public static readonly string[] Statuses =
        [CallStatus.Started, CallStatus.Ringing, CallStatus.Answered, CallStatus.Machine, CallStatus.Completed, CallStatus.Busy,
         CallStatus.Cancelled, CallStatus.Failed, CallStatus.Rejected, CallStatus.Timeout, CallStatus.Unanswered, CallStatus.Disconnected];

    /// <summary>A time as the Voice API writes it: UTC, milliseconds, <c>Z</c>.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary><c>GET /v1/calls</c>'s filters and page from <paramref name="query"/>; each bad value a named error.</summary>
    public static CallListRequest ReadList(IQueryCollection query, List<InvalidParameter> errors)
    {
        var status = query["status"].ToString();
        if (status.Length > 0 && !Statuses.Contains(status)) errors.Add(new("status", "must be one of " + string.Join(", ", Statuses)));
        var dateStart = Date(query["date_start"].ToString(), "date_start", errors);
        var dateEnd = Date(query["date_end"].ToString(), "date_end", errors);
        var pageSize = Int(query["page_size"].ToString(), "page_size", 10, 1, 100, errors);
        var recordIndex = Int(query["record_index"].ToString(), "record_index", 0, 0, int.MaxValue, errors);
        var order = query["order"].ToString();
        if (order.Length > 0 && order is not ("asc" or "desc")) errors.Add(new("order", "must be asc or desc"));
        var conversation = query["conversation_uuid"].ToString();
        return new(status.Length > 0 ? status : null, dateStart, dateEnd, conversation.Length > 0 ? conversation : null, pageSize, recordIndex, order == "desc");
    }

    /// <summary>The list's link to the page at <paramref name="recordIndex"/>, keeping every filter of <paramref name="list"/>.</summary>
    public static string ListHref(CallListRequest list, int recordIndex)
    {
        var href = new StringBuilder("/v1/calls?page_size=").Append(list.PageSize);
        if (recordIndex > 0) href.Append("&record_index=").Append(recordIndex);
        if (list.Descending) href.Append("&order=desc");
        if (list.Status is { } s) href.Append("&status=").Append(Uri.EscapeDataString(s));
        if (list.ConversationUuid is { } c) href.Append("&conversation_uuid=").Append(Uri.EscapeDataString(c));
        if (list.DateStart is { } from) href.Append("&date_start=").Append(Uri.EscapeDataString(Time(from)));
        if (list.DateEnd is { } to) href.Append("&date_end=").Append(Uri.EscapeDataString(Time(to)));
        return href.ToString();
    }

    /// <summary>A call's uuid in its dashed form; the 32-hex form is accepted too (some clients strip the dashes).</summary>
    public static string Uuid(string uuid) =>
        uuid.Length == 32 && Guid.TryParseExact(uuid, "N", out var g) ? g.ToString("D") : uuid;

    /// <summary>An ISO-8601 date-time query value (<c>date_start</c>, <c>date_end</c>); empty is null, anything else a named error.</summary>
    public static DateTimeOffset? Date(string raw, string name, List<InvalidParameter> errors)
    {
        if (raw.Length == 0) return null;
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)) return at;
        errors.Add(new(name, "must be an ISO-8601 date-time such as 2026-11-21T12:00:00Z"));
        return null;
    }

    /// <summary>A whole-number query value from <paramref name="min"/> to <paramref name="max"/>; empty is <paramref name="fallback"/>.</summary>
    public static int Int(string raw, string name, int fallback, int min, int max, List<InvalidParameter> errors)
    {
        if (raw.Length == 0) return fallback;
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        errors.Add(new(name, max == int.MaxValue ? $"must be a whole number of at least {min}" : $"must be a whole number from {min} to {max}"));
        return fallback;
    }
}

/// <summary><c>GET /v1/calls</c>'s filters (null or false: not filtered) and page.</summary>
internal sealed record CallListRequest(string? Status, DateTimeOffset? DateStart, DateTimeOffset? DateEnd, string? ConversationUuid,
    int PageSize, int RecordIndex, bool Descending);
