using System.Diagnostics;
using System.Net.WebSockets;
using Ncco.Diagnostics;

namespace Ncco.Host.Legs.WebSockets;

/// <summary>
/// A WebSocket leg's media session in the call's trace (<see cref="NccoTracing.Source"/>), the twin of the SIP legs'
/// <c>media.rtp</c>: one <c>media.websocket</c> client span from the handshake to the socket's end, parented on the leg's
/// span in the call's trace, with the events that matter for what the application heard and said:
/// <list type="bullet">
/// <item><c>websocket.connected</c> — the handshake answered 101 (with <c>http.response.status_code</c>);</item>
/// <item><c>media.first_frame_sent</c> / <c>media.first_frame_received</c> — the first 20 ms of audio each way (a bot
/// that never speaks shows no <c>received</c>, and the span says so at the end with <c>media.no_inbound_audio</c>);</item>
/// <item><c>media.frames_late</c> — the shared media clock fell behind while this leg was live (ticks caught up in a
/// burst, so the application got frames late); the first <see cref="MaxLateEvents"/> episodes are events, every
/// episode is counted in <c>media.frames_late</c> at the end;</item>
/// <item><c>media.send_queue_full</c> / <c>media.receive_buffer_full</c> — the first time frames were dropped because the
/// application read slower than real time, or sent more than the playback buffer holds;</item>
/// <item><c>websocket.close</c> — who closed (<c>ncco.websocket.closed_by</c>: <c>application</c>, <c>platform</c> or
/// <c>connection_lost</c>) and the close frame's status and description.</item>
/// </list>
/// </summary>
/// <remarks>
/// Names and tags follow OpenTelemetry's semantic conventions where they exist: <c>url.full</c> (without the query, as the
/// webhook spans, and with user info redacted as the conventions ask), <c>server.address</c>, <c>server.port</c>, <c>network.protocol.name</c> <c>websocket</c>,
/// <c>http.response.status_code</c> for the handshake, <c>error.type</c> on failure. WebSocket sessions and media have no
/// conventions of their own, so the media tags share the SIP media span's names (<c>media.codec</c>,
/// <c>media.clock_rate</c>, <c>media.ptime_ms</c>, counters as <c>media.frames_*</c>). Audio content, notify payloads and
/// DTMF digits are never recorded; the count of keys sent is. Nothing is recorded unless something listens.
/// </remarks>
internal static class WebSocketTracing
{
    /// <summary>Late-clock episodes recorded as events per leg; later ones are only counted (a stalled machine must not grow a span without bound).</summary>
    public const int MaxLateEvents = 10;

    /// <summary>Starts the media span as the leg starts to connect.</summary>
    public static Activity? Start(ActivityContext leg, string legId, Uri uri, int sampleRate)
    {
        var span = NccoTracing.Source.StartActivity("media.websocket", ActivityKind.Client, leg);
        if (span is null) return null;
        span.DisplayName = "media WebSocket L16/" + sampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture);
        span.SetTag("ncco.call.uuid", legId);
        span.SetTag("url.full", Redacted(uri));
        span.SetTag("server.address", uri.Host);
        span.SetTag("server.port", uri.Port);
        span.SetTag("network.protocol.name", "websocket");
        span.SetTag("media.codec", "L16");
        span.SetTag("media.clock_rate", sampleRate);
        span.SetTag("media.ptime_ms", 20);
        return span;
    }

    /// <summary>The handshake succeeded.</summary>
    public static void Connected(Activity? span, int statusCode, TimeSpan took)
    {
        span?.AddEvent(new ActivityEvent("websocket.connected", tags: new ActivityTagsCollection
        {
            ["http.response.status_code"] = statusCode,
            ["ncco.connect_ms"] = Math.Round(took.TotalMilliseconds, 1),
        }));
    }

    /// <summary>The socket never opened: ends the span as an error (<c>error.type</c> <c>timeout</c>, the HTTP status, or the exception's type).</summary>
    public static void Failed(Activity? span, Exception error, int httpStatus, bool timedOut)
    {
        if (span is null) return;
        var type = timedOut ? "timeout" : httpStatus != 0 ? httpStatus.ToString(System.Globalization.CultureInfo.InvariantCulture) : error.GetType().FullName;
        span.SetTag("error.type", type);
        if (httpStatus != 0) span.SetTag("http.response.status_code", httpStatus);
        span.SetStatus(ActivityStatusCode.Error, timedOut ? "no WebSocket within the connect timeout" : error.Message);
        span.Dispose();
    }

    /// <summary>A first frame one way (<c>sent</c> or <c>received</c>).</summary>
    public static void FirstFrame(Activity? span, string direction) => span?.AddEvent(new ActivityEvent("media.first_frame_" + direction));

    /// <summary>The media clock fell behind by <paramref name="frames"/> ticks while the leg was live.</summary>
    public static void Late(Activity? span, long frames)
    {
        span?.AddEvent(new ActivityEvent("media.frames_late", tags: new ActivityTagsCollection { ["media.frames"] = frames }));
    }

    /// <summary>Frames were dropped for the first time (<c>media.send_queue_full</c> or <c>media.receive_buffer_full</c>).</summary>
    public static void Dropped(Activity? span, string name, int capacity)
    {
        span?.AddEvent(new ActivityEvent(name, tags: new ActivityTagsCollection { ["media.capacity_frames"] = capacity }));
    }

    /// <summary>Ends the span with how the socket closed and the leg's counters.</summary>
    public static void End(Activity? span, string closedBy, WebSocketCloseStatus? status, string? description, WebSocketLegCounters counters)
    {
        if (span is null) return;
        var close = new ActivityTagsCollection { ["ncco.websocket.closed_by"] = closedBy };
        if (status is { } s) close["websocket.close.code"] = (int)s;
        if (!string.IsNullOrEmpty(description)) close["websocket.close.reason"] = description.Length <= 123 ? description : description[..123];
        span.AddEvent(new ActivityEvent("websocket.close", tags: close));
        span.SetTag("media.frames_sent", counters.FramesSent);
        span.SetTag("media.frames_received", counters.FramesReceived);
        span.SetTag("media.frames_dropped", counters.FramesDropped);
        span.SetTag("media.frames_overflowed", counters.FramesOverflowed);
        span.SetTag("media.frames_late", counters.FramesLate);
        span.SetTag("media.dtmf_digits_sent", counters.DigitsSent);
        if (counters.FramesReceived == 0) span.AddEvent(new ActivityEvent("media.no_inbound_audio"));
        if (closedBy == "connection_lost") span.SetStatus(ActivityStatusCode.Error, "the connection dropped without a close frame");
        span.Dispose();
    }

    // As the webhook spans: no query (it often carries a token), and user info redacted as the conventions ask.
    private static string Redacted(Uri uri)
    {
        var builder = new UriBuilder(uri) { Query = "", Fragment = "" };
        if (!string.IsNullOrEmpty(uri.UserInfo)) (builder.UserName, builder.Password) = ("REDACTED", "REDACTED");
        return builder.Uri.ToString();
    }
}
