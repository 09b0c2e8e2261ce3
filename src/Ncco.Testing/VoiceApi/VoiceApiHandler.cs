using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Ncco.Calls;
using Ncco.Control;
using Ncco.Events;
using Ncco.Host.Errors;
using Ncco.Host.Rest;

namespace Ncco.Testing.VoiceApi;

/// <summary>
/// Serves <c>/v1/calls</c> (reference §3) for the attached simulator. Request bodies are read by the host's own
/// readers (<c>src/Ncco.Host/Rest</c>, compiled into this assembly), so the simulator accepts exactly what the host
/// accepts and names bad fields the same way. Every request is applied at the current virtual instant on the VM's
/// thread, and holds virtual time until it is (<see cref="VoiceSimulator.OnVoiceApiAsync{T}"/>).
/// </summary>
internal static class VoiceApiHandler
{
    /// <summary>Largest request body read (an inline NCCO included).</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    private const string DocsBase = "https://developer.vonage.com/api-errors";

    public static async Task HandleAsync(HttpContext http, VoiceApiServer? server)
    {
        var result = await RouteAsync(http, server).ConfigureAwait(false);
        var sim = server?.Simulator;
        if (sim is not null && result.Status >= 400)
        {
            // The app's refused requests are the first thing to look at when a scenario fails: they go in the call log.
            sim.Log.OnActivity(sim.Now, result.LegId, Ncco.Calls.VmActivity.Warning,
                $"Voice API {http.Request.Method} {http.Request.Path}{http.Request.QueryString} answered {result.Status}: {result.Summary}");
        }
        await WriteAsync(http, result).ConfigureAwait(false);
    }

    private static async Task<ApiResult> RouteAsync(HttpContext http, VoiceApiServer? server)
    {
        var path = http.Request.Path.Value ?? "";
        if (!path.StartsWith("/v1/calls", StringComparison.Ordinal) || (path.Length > 9 && path[9] != '/'))
            return Problem(404, "not-found", "Not Found", $"No Voice API resource at {path}: the simulator serves /v1/calls.");
        if (VoiceApiAuth.Refusal(http.Request.Headers.Authorization) is { } refusal)
            return Problem(401, "unauthorized", "Invalid credentials supplied", refusal);
        var sim = server?.Simulator;
        if (sim is null) return Problem(503, "unavailable", "Service Unavailable", "No scenario is running: there is no call to control.");

        var segments = path["/v1/calls".Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var method = http.Request.Method;
        var uuid = segments.Length > 0 ? VoiceApiQuery.Uuid(segments[0]) : "";
        var rest = segments.Length > 1 ? string.Join('/', segments.Skip(1)) : "";
        try
        {
            return (segments.Length == 0, rest, method) switch
            {
                (true, _, "POST") => await WithBodyAsync(http, (body, errors) => CreateCallBody.Read(body, errors, new RestNccoCheck(sim.Options.Validation.Strict)),
                    request => CreateAsync(sim, request)).ConfigureAwait(false),
                (true, _, "GET") => await ListAsync(http, sim).ConfigureAwait(false),
                (false, "", "GET") => await sim.OnVoiceApiAsync(() => Task.FromResult(Get(sim, uuid)), http.RequestAborted).ConfigureAwait(false),
                (false, "", "PUT") => await WithBodyAsync(http, (body, errors) => ControlBodies.ReadModify(body, errors, new RestNccoCheck(sim.Options.Validation.Strict)),
                    modify => ControlAsync(sim, uuid, http, c => Modify(c, uuid, modify), 204, null)).ConfigureAwait(false),
                (false, "talk", "PUT") => await WithBodyAsync(http, ControlBodies.ReadTalk,
                    talk => ControlAsync(sim, uuid, http, c => c.TalkAsync(uuid, talk), 200, "Talk started")).ConfigureAwait(false),
                (false, "talk", "DELETE") => await ControlAsync(sim, uuid, http, c => c.StopTalkAsync(uuid), 200, "Talk stopped").ConfigureAwait(false),
                (false, "stream", "PUT") => await WithBodyAsync(http, ControlBodies.ReadStream,
                    stream => ControlAsync(sim, uuid, http, c => c.StreamAsync(uuid, stream), 200, "Stream started")).ConfigureAwait(false),
                (false, "stream", "DELETE") => await ControlAsync(sim, uuid, http, c => c.StopStreamAsync(uuid), 200, "Stream stopped").ConfigureAwait(false),
                (false, "dtmf", "PUT") => await WithBodyAsync(http, ControlBodies.ReadDtmf,
                    digits => ControlAsync(sim, uuid, http, c => c.SendDtmfAsync(uuid, digits), 200, "DTMF sent")).ConfigureAwait(false),
                (false, "input/dtmf", "PUT") => await WithBodyAsync(http, ControlBodies.ReadDtmfSubscription,
                    url => ControlAsync(sim, uuid, http, c => c.SubscribeDtmfAsync(uuid, url), 200, "DTMF listener registered")).ConfigureAwait(false),
                (false, "input/dtmf", "DELETE") => await ControlAsync(sim, uuid, http, c => c.UnsubscribeDtmfAsync(uuid), 200, "DTMF listener removed").ConfigureAwait(false),
                (_, "" or "talk" or "stream" or "dtmf" or "input/dtmf", _) => Problem(405, "wrong-verb", "Method Not Allowed", $"{method} is not allowed on {path}."),
                _ => Problem(404, "not-found", "Not Found", $"No Voice API resource at {path}."),
            };
        }
        catch (ObjectDisposedException)
        {
            return Problem(503, "unavailable", "Service Unavailable", "The scenario has ended: there is no call to control.");
        }
    }

    // ---- operations (run on the VM's thread) ---------------------------------------------------------------

    private static Task<ApiResult> CreateAsync(VoiceSimulator sim, CreateCallRequest request)
    {
        var errors = new List<InvalidParameter>();
        if (request.EventUrl is null && sim.Vm.Application.EventUrl is null) errors.Add(new("event_url", "is required because the application has no event webhook"));
        if (errors.Count > 0) return Task.FromResult(Invalid(errors));
        return sim.OnVoiceApiAsync(async () =>
        {
            try
            {
                var leg = await sim.Control.CreateCallAsync(request).ConfigureAwait(true);
                return new ApiResult(201, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("uuid", leg.Id);
                    w.WriteString("status", CallStatus.Started);
                    w.WriteString("direction", Direction.Outbound);
                    w.WriteString("conversation_uuid", leg.Conversation.Id);
                    w.WriteEndObject();
                }, "Created", leg.Id) { Location = "/v1/calls/" + leg.Id };
            }
            catch (CallStateException e)
            {
                return Problem(400, "bad-request", "Bad Request", e.Message);
            }
        }, CancellationToken.None);
    }

    private static ApiResult Get(VoiceSimulator sim, string uuid)
    {
        var leg = sim.Vm.FindLeg(uuid);
        if (leg is null) return Problem(404, "not-found", "Not Found", $"No call with uuid {uuid}.", uuid);
        var started = sim.LegStarted(leg.Id);
        return new ApiResult(200, w => WriteCall(w, leg, started), "OK", leg.Id);
    }

    private static async Task<ApiResult> ListAsync(HttpContext http, VoiceSimulator sim)
    {
        var q = http.Request.Query;
        var errors = new List<InvalidParameter>();
        var list = VoiceApiQuery.ReadList(q, errors);
        var (status, conversation, pageSize, recordIndex) = (list.Status, list.ConversationUuid, list.PageSize, list.RecordIndex);
        if (errors.Count > 0) return Invalid(errors);
        var origin = http.Request.Scheme + "://" + http.Request.Host;
        return await sim.OnVoiceApiAsync(() =>
        {
            var matching = sim.Vm.Legs
                .Select(l => (Leg: l, Started: sim.LegStarted(l.Id)))
                .Where(c => status is null || c.Leg.Status == status)
                .Where(c => conversation is null || c.Leg.Conversation.Id == conversation)
                .Where(c => list.DateStart is null || c.Started >= list.DateStart)
                .Where(c => list.DateEnd is null || c.Started <= list.DateEnd)
                .OrderBy(c => c.Started).ThenBy(c => c.Leg.Id, StringComparer.Ordinal)
                .ToList();
            if (list.Descending) matching.Reverse();
            var total = matching.Count;
            var page = matching.Skip(recordIndex).Take(pageSize).ToList();
            string Href(int index) => origin + VoiceApiQuery.ListHref(list, index);
            return Task.FromResult(new ApiResult(200, w =>
            {
                w.WriteStartObject();
                w.WriteNumber("count", total);
                w.WriteNumber("page_size", pageSize);
                w.WriteNumber("record_index", recordIndex);
                w.WriteStartObject("_links");
                Link(w, "self", Href(recordIndex));
                Link(w, "first", Href(0));
                Link(w, "last", Href(total == 0 ? 0 : (total - 1) / pageSize * pageSize));
                if (recordIndex + pageSize < total) Link(w, "next", Href(recordIndex + pageSize));
                if (recordIndex > 0) Link(w, "prev", Href(Math.Max(0, recordIndex - pageSize)));
                w.WriteEndObject();
                w.WriteStartObject("_embedded");
                w.WriteStartArray("calls");
                foreach (var (leg, started) in page) WriteCall(w, leg, started);
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndObject();
            }, "OK"));
        }, http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task Modify(CallControl control, string id, ModifyCall modify)
    {
        switch (modify.Action)
        {
            case "hangup": await control.HangupAsync(id).ConfigureAwait(true); break;
            case "mute": await control.MuteAsync(id).ConfigureAwait(true); break;
            case "unmute": await control.UnmuteAsync(id).ConfigureAwait(true); break;
            case "earmuff": await control.EarmuffAsync(id).ConfigureAwait(true); break;
            case "unearmuff": await control.UnearmuffAsync(id).ConfigureAwait(true); break;
            default:
                if (modify.Ncco is { } ncco) await control.TransferAsync(id, ncco).ConfigureAwait(true);
                else await control.TransferAsync(id, modify.Url!).ConfigureAwait(true);
                break;
        }
    }

    private static Task<ApiResult> ControlAsync(VoiceSimulator sim, string uuid, HttpContext http, Func<CallControl, Task> operation, int status, string? message) =>
        sim.OnVoiceApiAsync(async () =>
        {
            try
            {
                // Resumes on the VM's thread (its synchronization context), where the virtual clock sees it.
                await operation(sim.Control).ConfigureAwait(true);
            }
            catch (CallNotFoundException)
            {
                return Problem(404, "not-found", "Not Found", $"No call in progress with uuid {uuid}.", uuid);
            }
            catch (CallStateException e)
            {
                return Problem(400, "bad-request", "Bad Request", e.Message, uuid);
            }
            if (message is null) return new ApiResult(status, null, "No Content", uuid);
            return new ApiResult(status, w =>
            {
                w.WriteStartObject();
                w.WriteString("message", message);
                w.WriteString("uuid", uuid);
                w.WriteEndObject();
            }, message, uuid);
        }, http.RequestAborted);

    // ---- bodies and answers --------------------------------------------------------------------------------

    private static async Task<ApiResult> WithBodyAsync<T>(HttpContext http, Func<JsonElement, List<InvalidParameter>, T?> read, Func<T, Task<ApiResult>> apply)
    {
        if (!(http.Request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return Problem(415, "content-type-header", "Unsupported Media Type", "Content-Type must be application/json");
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Request.Body, new JsonDocumentOptions { MaxDepth = 64 }, http.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return Problem(400, "invalid-json", "Invalid JSON", "The body is not valid JSON: " + e.Message);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            return Problem(e.StatusCode, "invalid-json", "Invalid request body", e.Message);
        }
        using (document)
        {
            var errors = new List<InvalidParameter>();
            var request = read(document.RootElement, errors);
            if (errors.Count > 0 || request is null) return Invalid(errors);
            return await apply(request).ConfigureAwait(false);
        }
    }

    private static ApiResult Invalid(List<InvalidParameter> errors) => new(400, w =>
    {
        w.WriteStartObject();
        w.WriteString("type", DocsBase + "#validation");
        w.WriteString("title", "Bad Request");
        w.WriteString("detail", "The request failed due to validation errors");
        w.WriteString("instance", TraceId());
        w.WriteStartArray("invalid_parameters");
        foreach (var e in errors)
        {
            w.WriteStartObject();
            w.WriteString("name", e.Name);
            w.WriteString("reason", e.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }, string.Join("; ", errors.Select(e => e.Name + " " + e.Reason)));

    private static ApiResult Problem(int status, string key, string title, string detail, string? legId = null) => new(status, w =>
    {
        w.WriteStartObject();
        w.WriteString("type", DocsBase + "#" + key);
        w.WriteString("title", title);
        w.WriteString("detail", detail);
        w.WriteString("instance", TraceId());
        w.WriteEndObject();
    }, detail, legId);

    private static string TraceId() => Guid.NewGuid().ToString("N");

    private static async Task WriteAsync(HttpContext http, ApiResult result)
    {
        http.Response.StatusCode = result.Status;
        if (result.Location is { } location) http.Response.Headers.Location = location;
        if (result.Body is null) return;
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer)) result.Body(w);
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = buffer.WrittenCount;
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The call object (reference §3.5): the billing fields once the leg is over, at a zero rate.</summary>
    private static void WriteCall(Utf8JsonWriter w, CallLeg leg, DateTimeOffset started)
    {
        w.WriteStartObject();
        w.WriteStartObject("_links");
        Link(w, "self", "/v1/calls/" + leg.Id);
        w.WriteEndObject();
        w.WriteString("uuid", leg.Id);
        w.WriteString("conversation_uuid", leg.Conversation.Id);
        Party(w, "to", leg.Direction == Direction.Outbound ? leg.EndpointType : "phone", leg.To);
        if (leg.From is { } from) Party(w, "from", leg.Direction == Direction.Inbound ? leg.EndpointType : "phone", from);
        w.WriteString("status", leg.Status);
        w.WriteString("direction", leg.Direction);
        w.WriteString("start_time", Time(started));
        if (leg.EndedAt is { } end)
        {
            w.WriteString("rate", "0.00000000");
            w.WriteString("price", "0.00000000");
            w.WriteString("duration", ((long)Math.Floor((end - (leg.AnsweredAt ?? end)).TotalSeconds)).ToString(CultureInfo.InvariantCulture));
            w.WriteString("end_time", Time(end));
            w.WriteString("network", "");
        }
        w.WriteEndObject();
    }

    private static void Party(Utf8JsonWriter w, string name, string type, string value)
    {
        w.WriteStartObject(name);
        w.WriteString("type", type);
        w.WriteString(type switch { "sip" or "websocket" => "uri", "app" => "user", "vbc" => "extension", _ => "number" }, value);
        w.WriteEndObject();
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void Link(Utf8JsonWriter w, string rel, string href)
    {
        w.WriteStartObject(rel);
        w.WriteString("href", href);
        w.WriteEndObject();
    }



    /// <summary>An answer: status, JSON body (none for 204), a one-line summary for the call log, the leg it is about.</summary>
    private sealed record ApiResult(int Status, Action<Utf8JsonWriter>? Body, string Summary, string? LegId = null)
    {
        public string? Location { get; init; }
    }
}
