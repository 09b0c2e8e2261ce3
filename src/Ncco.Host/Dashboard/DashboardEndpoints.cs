using System.Text.Json;
using Ncco.Control;
using Ncco.Diagnostics;
using Ncco.Host.Applications;
using Ncco.Host.Auth;
using Ncco.Host.Browser;
using Ncco.Host.Calls;
using Ncco.Host.Demo;
using Ncco.Host.Http;
using Ncco.Host.MediaPlane;
using Ncco.Host.Operations;
using Ncco.Host.Recordings;
using Ncco.Host.Rest;
using Ncco.Model;
using Ncco.Model.Endpoints;
using Ncco.Validation;

namespace Ncco.Host.Dashboard;

/// <summary>
/// The dashboard's pages and JSON API, and the browser phone page. Pages are static (<see cref="EmbeddedAssets"/>);
/// every <c>/dashboard/api</c> route needs <c>Authorization: Basic</c> with the account's API key and secret (the
/// page's login keeps them in the tab's session storage). Applications are managed through <c>/v2/applications</c>
/// itself. Everything here answers on loopback only unless <see cref="DashboardOptions.AllowRemote"/>.
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>Longest NCCO the editor validates or calls with (the same bound as a REST body is generous).</summary>
    public const int MaxNccoBytes = 256 * 1024;

    /// <summary>Lifetime of the user JWTs the dashboard mints for the demo application's browser phone.</summary>
    public static readonly TimeSpan UserTokenLifetime = TimeSpan.FromHours(1);

    /// <summary>Maps the pages and the API.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        var pages = routes.MapGroup("").ExcludeFromDescription().AddSingletonEndpointFilter<DashboardAccess>();
        pages.MapGet("/", () => Results.Redirect("/dashboard"));
        pages.MapGet("/dashboard", (EmbeddedAssets assets) => assets.Serve("dashboard.html"));
        pages.MapGet("/phone", (EmbeddedAssets assets) => assets.Serve("phone.html"));
        pages.MapGet("/ui/{**path}", (string path, EmbeddedAssets assets) => assets.Serve(path) ?? Results.NotFound());

        var api = routes.MapGroup("/dashboard/api").ExcludeFromDescription()
            .AddSingletonEndpointFilter<DashboardAccess>()
            .AddSingletonEndpointFilter<BasicAuthenticationFilter>();
        api.MapGet("/session", Session);
        api.MapGet("/calls", ListCallsAsync);
        api.MapGet("/calls/{uuid}", TimelineAsync);
        api.MapGet("/metrics", Metrics);
        api.MapPost("/ncco/validate", ValidateAsync);
        api.MapPost("/call-me", CallMeAsync);
        api.MapPost("/user-token", UserTokenAsync);
        api.MapGet("/recordings", ListRecordingsAsync);
        api.MapGet("/recordings/{fileId}", DownloadRecordingAsync);
        return routes;
    }

    private static IResult Session(AccountCredentials account, IServiceProvider services, BrowserPhone phone) => Utf8JsonResult.Create(w =>
    {
        w.WriteStartObject();
        w.WriteString("api_key", account.ApiKey);
        if (services.GetService<DemoProvisioner>()?.Application is { } demo) w.WriteString("demo_application_id", demo.ApplicationId);
        else w.WriteNull("demo_application_id");
        WritePhones(w, phone);
        w.WriteEndObject();
    });

    private static void WritePhones(Utf8JsonWriter w, BrowserPhone phone)
    {
        w.WriteStartArray("phones");
        foreach (var user in phone.SignedIn)
        {
            w.WriteStartObject();
            w.WriteString("user", user.Name);
            w.WriteString("application_id", user.ApplicationId);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static async Task<IResult> ListCallsAsync(DashboardCallLogs logs, CallJournal journal, ICallRepository repository, CancellationToken cancellationToken)
    {
        var calls = new List<CallRecord>();
        foreach (var uuid in logs.Recent.Take(50))
        {
            if (journal.Live(uuid) is { } live) calls.Add(live);
            else if (await repository.FindAsync(uuid, cancellationToken) is { } stored) calls.Add(stored);
        }
        return Utf8JsonResult.Create(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("calls");
            foreach (var call in calls.OrderByDescending(c => c.CreatedAt)) WriteCall(w, call);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> TimelineAsync(HttpContext http, string uuid, DashboardCallLogs logs, CallJournal journal, ICallRepository repository, CancellationToken cancellationToken)
    {
        var call = journal.Latest(uuid) ?? await repository.FindAsync(uuid, cancellationToken);
        if (call is null) return Errors.ErrorResults.NotFound(http, $"No call with uuid {uuid} on this host.");
        // The legs of the same conversation (the caller and whoever its NCCO connected) form one timeline.
        await journal.FlushAsync(cancellationToken);
        var (legs, _) = await repository.ListAsync(call.ApplicationId, new CallQuery { ConversationUuid = call.ConversationUuid, PageSize = 100 }, cancellationToken);
        var byUuid = legs.ToDictionary(l => l.Uuid, StringComparer.OrdinalIgnoreCase);
        byUuid[call.Uuid] = call;
        var log = logs.Merge(byUuid.Keys, leg => byUuid.TryGetValue(leg, out var r) ? Label(r) : "leg-" + leg[^4..]);
        var events = await repository.EventsAsync(uuid, cancellationToken);
        return Utf8JsonResult.Create(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("call");
            WriteCall(w, call);
            w.WriteStartArray("legs");
            foreach (var leg in byUuid.Values.OrderBy(l => l.CreatedAt)) WriteCall(w, leg);
            w.WriteEndArray();
            // Legs whose log went over Ncco:Dashboard:MaxLogEntriesPerLeg / MaxLogBytesPerLeg: the entries say where, this says how much.
            w.WriteStartArray("log_truncated");
            foreach (var leg in byUuid.Values.OrderBy(l => l.CreatedAt))
            {
                var (droppedEntries, droppedBytes) = logs.Dropped(leg.Uuid);
                if (droppedEntries == 0) continue;
                w.WriteStartObject();
                w.WriteString("uuid", leg.Uuid);
                w.WriteString("leg", Label(leg));
                w.WriteNumber("entries_dropped", droppedEntries);
                w.WriteNumber("bytes_dropped", droppedBytes);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("entries");
            foreach (var e in log.Entries)
            {
                w.WriteStartObject();
                w.WriteString("at", log.Relative(e.At));
                w.WriteString("leg", log.LabelOf(e.LegId));
                w.WriteString("kind", e.IsWebhook ? "webhook" : e.Activity.ToString().ToLowerInvariant());
                w.WriteString("text", e.Text);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("text", log.RenderText());
            w.WriteString("mermaid", log.RenderMermaid());
            // The same diagram as data, which the page draws as SVG (it loads no Mermaid renderer).
            WriteSequence(w, log.RenderSequence());
            w.WriteStartArray("events");
            foreach (var e in events)
            {
                w.WriteStartObject();
                w.WriteString("at", CallJson.Time(e.At));
                w.WriteString("kind", e.Kind);
                if (e.Payload is null) w.WriteNull("payload");
                else w.WriteString("payload", e.Payload);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void WriteSequence(Utf8JsonWriter w, SequenceDiagram diagram)
    {
        w.WriteStartObject("sequence");
        w.WriteStartArray("participants");
        foreach (var p in diagram.Participants)
        {
            w.WriteStartObject();
            w.WriteString("id", p.Id);
            w.WriteString("label", p.Label);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("steps");
        foreach (var step in diagram.Steps)
        {
            w.WriteStartObject();
            w.WriteString("kind", step.Kind.ToString().ToLowerInvariant());
            w.WriteString("from", step.From);
            w.WriteString("to", step.To);
            if (step.Time is null) w.WriteNull("at");
            else w.WriteString("at", step.Time);
            w.WriteString("text", step.Text);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string Label(CallRecord call)
    {
        var party = call.Direction == "inbound" ? call.From : call.To;
        return party is null ? call.Direction : $"{party.Type} {party.Value}";
    }

    private static IResult Metrics(VmDirectory vms, MediaServices media, BrowserPhone phone, DashboardCallLogs logs) => Utf8JsonResult.Create(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("active_calls", vms.ActiveLegCount);
        w.WriteBoolean("draining", vms.IsDraining);
        w.WriteNumber("media_legs_active", media.LegsActive);
        w.WriteNumber("media_frames_late", media.FramesLate);
        w.WriteNumber("recent_calls", logs.Recent.Count);
        w.WriteNumber("call_logs_bytes", logs.Bytes);
        w.WriteStartArray("missing_engines");
        foreach (var m in media.MissingEngines) w.WriteStringValue(m);
        w.WriteEndArray();
        WritePhones(w, phone);
        w.WriteEndObject();
    });

    private static async Task<IResult> ValidateAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var text = await ReadBodyAsync(http, cancellationToken);
        if (text is null) return TooLarge(http);
        var errors = NccoValidator.Validate(text);
        return Utf8JsonResult.Create(w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("valid", errors.Count == 0);
            WriteErrors(w, errors);
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> CallMeAsync(HttpContext http, BrowserPhone phone, IApplicationRepository applications, VmDirectory vms, CancellationToken cancellationToken)
    {
        JsonDocument body;
        try
        {
            body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            return Errors.ErrorResults.InvalidJson(http, "The body is not JSON: " + e.Message);
        }
        using (body)
        {
            var root = body.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("user", out var u) || u.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(u.GetString()))
            {
                return Problem(http, 400, "user: required; the browser phone user to ring");
            }
            if (!root.TryGetProperty("ncco", out var nccoElement)) return Problem(http, 400, "ncco: required; the NCCO to run when the phone answers");
            var user = u.GetString()!;
            var errors = NccoValidator.Validate(nccoElement);
            if (errors.Count > 0)
            {
                return Utf8JsonResult.Create(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("title", "The NCCO is not valid.");
                    WriteErrors(w, errors);
                    w.WriteEndObject();
                }, StatusCodes.Status422UnprocessableEntity);
            }
            var target = phone.SignedIn.FirstOrDefault(p => p.Name == user);
            if (target is null) return Problem(http, 409, $"user: {user} has no browser phone signed in; open /phone and sign in first");
            var application = await applications.FindAsync(target.ApplicationId, cancellationToken);
            if (application is null) return Problem(http, 409, $"user: {user}'s application {target.ApplicationId} no longer exists");
            if (vms.IsDraining) return Problem(http, 503, "the host is shutting down and takes no new calls");
            var call = await vms.CreateCallAsync(application, new CreateCallRequest(new AppEndpoint(user))
            {
                Ncco = NccoDocument.Parse(nccoElement.GetRawText()),
                From = "dashboard",
            });
            return Utf8JsonResult.Create(w =>
            {
                w.WriteStartObject();
                w.WriteString("uuid", call.Id);
                w.WriteString("conversation_uuid", call.Conversation.Id);
                w.WriteEndObject();
            }, StatusCodes.Status201Created);
        }
    }

    private static async Task<IResult> UserTokenAsync(HttpContext http, IServiceProvider services, TimeProvider time, CancellationToken cancellationToken)
    {
        if (services.GetService<DemoProvisioner>()?.Application is not { } demo)
        {
            return Problem(http, 409, "the demo application is not provisioned (Ncco:Demo:Enabled); mint user JWTs with your application's private key instead");
        }
        string? user = null;
        try
        {
            using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: cancellationToken);
            if (body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("user", out var u) && u.ValueKind == JsonValueKind.String) user = u.GetString();
        }
        catch (JsonException e)
        {
            return Errors.ErrorResults.InvalidJson(http, "The body is not JSON: " + e.Message);
        }
        if (string.IsNullOrWhiteSpace(user) || user.Length > UserJwtAuthenticator.MaxUserNameLength || user.Any(char.IsControl))
        {
            return Problem(http, 400, $"user: required, 1 to {UserJwtAuthenticator.MaxUserNameLength} characters without control characters");
        }
        var pem = await File.ReadAllTextAsync(demo.PrivateKeyPath, cancellationToken);
        var token = ApplicationJwtIssuer.Create(pem, demo.ApplicationId, time.GetUtcNow(), UserTokenLifetime, subject: user);
        return Utf8JsonResult.Create(w =>
        {
            w.WriteStartObject();
            w.WriteString("token", token);
            w.WriteString("user", user);
            w.WriteString("application_id", demo.ApplicationId);
            w.WriteEndObject();
        });
    }

    /// <summary>Recordings listed at most, newest first.</summary>
    internal const int RecordingsListed = 200;

    private static async Task<IResult> ListRecordingsAsync(RecordingStore recordings, CancellationToken cancellationToken)
    {
        var list = await recordings.ListAsync(applicationId: null, RecordingsListed, cancellationToken);
        return Utf8JsonResult.Create(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("recordings");
            foreach (var r in list)
            {
                w.WriteStartObject();
                w.WriteString("file_id", r.FileId);
                w.WriteString("content_type", r.ContentType);
                w.WriteNumber("length", r.SizeBytes);
                w.WriteString("created_at", CallJson.Time(r.CreatedAt));
                w.WriteString("kind", r.Kind switch { RecordingKind.SpeechAudio => "speech", RecordingKind.Transcription => "transcription", _ => "recording" });
                w.WriteString("application_id", r.ApplicationId);
                w.WriteString("conversation_uuid", r.ConversationUuid);
                if (r.LegUuid is { } leg) w.WriteString("call_uuid", leg);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> DownloadRecordingAsync(HttpContext http, string fileId, RecordingStore recordings, CancellationToken cancellationToken)
    {
        var file = await recordings.FindAsync(fileId, cancellationToken);
        if (file is null) return Errors.ErrorResults.NotFound(http, $"No recording with file id {fileId}.");
        return Results.File(file.Path, file.ContentType, Path.GetFileName(file.Path), enableRangeProcessing: true);
    }

    private static void WriteCall(Utf8JsonWriter w, CallRecord call)
    {
        // The REST API's shape (CallJson) plus what the dashboard needs beside it.
        using var buffer = new MemoryStream();
        using (var inner = new Utf8JsonWriter(buffer)) CallJson.Write(inner, call);
        using var doc = JsonDocument.Parse(buffer.ToArray());
        w.WriteStartObject();
        foreach (var p in doc.RootElement.EnumerateObject()) p.WriteTo(w);
        w.WriteString("application_id", call.ApplicationId);
        w.WriteString("created_at", CallJson.Time(call.CreatedAt));
        w.WriteBoolean("live", !call.IsEnded);
        w.WriteEndObject();
    }

    private static void WriteErrors(Utf8JsonWriter w, IReadOnlyList<NccoError> errors)
    {
        w.WriteStartArray("errors");
        foreach (var e in errors)
        {
            w.WriteStartObject();
            w.WriteString("pointer", e.Pointer);
            w.WriteString("code", e.Code);
            w.WriteString("message", e.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static IResult Problem(HttpContext http, int status, string detail) => Utf8JsonResult.Create(w =>
    {
        w.WriteStartObject();
        w.WriteString("title", detail);
        w.WriteString("detail", detail);
        w.WriteString("instance", Errors.ErrorResults.TraceId(http));
        w.WriteEndObject();
    }, status);

    private static IResult TooLarge(HttpContext http) => Problem(http, 413, $"the NCCO is longer than {MaxNccoBytes} bytes");

    private static async Task<string?> ReadBodyAsync(HttpContext http, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(http.Request.Body);
        var buffer = new char[MaxNccoBytes + 1];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await reader.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0) break;
            read += n;
        }
        return read > MaxNccoBytes ? null : new string(buffer, 0, read);
    }
}
