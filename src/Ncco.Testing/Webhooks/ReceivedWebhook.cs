using System.Globalization;
using System.Text;
using System.Text.Json;
using Ncco.Events;
using Ncco.Webhooks;

namespace Ncco.Testing;

/// <summary>
/// One webhook the simulated Vonage platform sent to the app under test, and the app's answer: what the webhook
/// assertions (<see cref="VoiceSimulator.WebhookAsync"/>, <see cref="VirtualCall.ReceivedEventAsync"/>, …) match and
/// return. Read fields by name (<see cref="Field"/>, dotted for nested objects) or through the typed shortcuts.
/// </summary>
public sealed class ReceivedWebhook
{
    private JsonElement? _json;

    internal ReceivedWebhook(DateTimeOffset at, string? legId, WebhookRequest request, WebhookResponse response, int index, string relativeTime)
    {
        At = at;
        LegId = legId;
        Request = request;
        Response = response;
        Index = index;
        RelativeTime = relativeTime;
    }

    /// <summary>Position among all webhooks of the simulator (0 = first), so a test can tell two equal ones apart.</summary>
    internal int Index { get; }

    /// <summary>When it was answered, as <c>+mm:ss.fff</c> from the simulator's start.</summary>
    public string RelativeTime { get; }

    /// <summary>Virtual time of the exchange (when the answer came back).</summary>
    public DateTimeOffset At { get; }

    /// <summary>The request as sent (URL with query for GET, method, body, headers).</summary>
    public WebhookRequest Request { get; }

    /// <summary>The app's answer (status code and body; <see cref="WebhookResponse.Failure"/> for timeouts and refused connections).</summary>
    public WebhookResponse Response { get; }

    /// <summary>URL path, e.g. <c>/webhooks/event</c>.</summary>
    public string Path => Request.Uri.AbsolutePath;

    /// <summary>The leg the webhook is about, if any.</summary>
    public string? LegId { get; }

    /// <summary>
    /// What it is: <c>answer</c>, <c>fallback</c>, <c>status</c> (a call status event), <c>input</c>, <c>record</c>,
    /// <c>notify</c>, <c>transfer</c>, <c>error</c> or <c>transcription</c>.
    /// </summary>
    public string Kind => Request.Kind switch
    {
        WebhookKind.Answer => "answer",
        WebhookKind.Fallback => "fallback",
        _ => Request.Payload switch
        {
            CallStatusEvent => "status",
            InputEvent => "input",
            RecordEvent => "record",
            NotifyEvent => "notify",
            TransferEvent => "transfer",
            ErrorEvent => "error",
            TranscriptionEvent => "transcription",
            _ => "event",
        },
    };

    /// <summary>The typed payload (<see cref="CallStatusEvent"/>, <see cref="InputEvent"/>, <see cref="RecordEvent"/>, …).</summary>
    public WebhookPayload Payload => Request.Payload;

    /// <summary>The payload as the app received it (POST body, or the GET query as an object).</summary>
    public JsonElement Json => _json ??= Parse(Request.PayloadJson);

    /// <summary>
    /// A payload field as text (strings as they are, numbers and booleans as JSON, objects as raw JSON), or null when
    /// absent. Dots reach into objects and, with a number, into arrays: <c>Field("dtmf.digits")</c>,
    /// <c>Field("speech.results.0.text")</c> — the paths scenario files' <c>fields:</c> use, and the keys of a GET
    /// webhook's query.
    /// </summary>
    public string? Field(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var current = Json;
        foreach (var part in name.Split('.'))
        {
            if (current.ValueKind == JsonValueKind.Array)
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= current.GetArrayLength()) return null;
                current = current[index];
            }
            else if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current)) return null;
        }
        return current.ValueKind switch
        {
            JsonValueKind.String => current.GetString(),
            JsonValueKind.Null => null,
            _ => current.GetRawText(),
        };
    }

    /// <summary>The call status of a status event (<c>started</c>, <c>ringing</c>, <c>answered</c>, <c>completed</c>, …), else null.</summary>
    public string? Status => (Payload as CallStatusEvent)?.Status ?? (Payload as TranscriptionEvent)?.Status;

    /// <summary>
    /// The digits of an input result (empty when none were pressed, although the wire then says <c>"digits": null</c>
    /// as Vonage does), else null — so <c>r.Digits == ""</c> matches an input that timed out or got speech only.
    /// </summary>
    public string? Digits => Payload is InputEvent input ? input.Dtmf.Digits ?? "" : null;

    /// <summary>The best speech hypothesis of an input result, else null.</summary>
    public string? SpeechText => (Payload as InputEvent)?.Speech.Results.FirstOrDefault()?.Text;

    /// <summary>The recording URL of a record event, else null.</summary>
    public string? RecordingUrl => (Payload as RecordEvent)?.RecordingUrl;

    /// <summary>The payload a <c>notify</c> action sent (its <c>payload</c> object), else null.</summary>
    public JsonElement? NotifyPayload => (Payload as NotifyEvent)?.Payload;

    /// <summary>HTTP status of the app's answer (0 when no answer came: timeout, refused connection).</summary>
    public int StatusCode => Response.StatusCode;

    /// <summary>One line for failure messages: time, method, path, kind, the fields that matter, the answer.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(RelativeTime).Append(' ').Append(Request.Method.ToString().ToUpperInvariant()).Append(' ').Append(Path).Append(' ').Append(Kind);
        foreach (var (name, value) in Summary()) sb.Append(' ').Append(name).Append('=').Append(value);
        sb.Append(" → ").Append(Response.Describe());
        return sb.ToString();
    }

    private IEnumerable<(string, string)> Summary()
    {
        switch (Payload)
        {
            case CallStatusEvent s:
                yield return ("status", s.Status);
                if (s.Detail is not null) yield return ("detail", s.Detail);
                break;
            case InputEvent i:
                yield return ("digits", Quote(i.Dtmf.Digits ?? ""));
                if (i.Speech.Results.Count > 0) yield return ("speech", Quote(i.Speech.Results[0].Text));
                if (i.Speech.TimeoutReason is not null) yield return ("timeout_reason", i.Speech.TimeoutReason);
                break;
            case RecordEvent r:
                yield return ("recording_url", r.RecordingUrl);
                break;
            case NotifyEvent n:
                yield return ("payload", Short(n.Payload.GetRawText()));
                break;
            case ErrorEvent e:
                yield return ("reason", Quote(Short(e.Reason)));
                break;
            case AnswerRequest a:
                yield return ("from", a.From ?? "");
                yield return ("to", a.To);
                break;
            default:
                if (Json.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in Json.EnumerateObject().Take(4)) yield return (p.Name, Short(p.Value.ToString()));
                }
                break;
        }
    }

    private static string Quote(string s) => "\"" + s + "\"";

    private static string Short(string s) => s.Length <= 60 ? s : string.Create(CultureInfo.InvariantCulture, $"{s[..60]}…");

    private static JsonElement Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json)) return JsonDocument.Parse("{}").RootElement.Clone();
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            // The simulator writes every payload itself, so this is a bug there; keep the text readable rather than throw.
            using var doc = JsonDocument.Parse(JsonSerializer.Serialize(new { raw = json }));
            return doc.RootElement.Clone();
        }
    }
}
