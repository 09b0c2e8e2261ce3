using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Ncco.Host.Observability;

namespace Ncco.Host.Demo;

/// <summary>
/// The demo application's webhooks and bot: <c>/demo/answer</c> (the menu NCCO), <c>/demo/input</c> (the menu's
/// result), <c>/demo/events</c> (logged) and the <c>/demo/bot</c> WebSocket echo bot. They are the application side
/// of a call, served by the host itself so a newcomer needs nothing else running; they are not part of the Voice API
/// and are left out of its OpenAPI document.
/// </summary>
public static class DemoEndpoints
{
    private const string LoggerCategory = "Ncco.Host.Demo";

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapDemoEndpoints(this IEndpointRouteBuilder routes)
    {
        var demo = routes.MapGroup("/demo").ExcludeFromDescription();
        demo.MapMethods("/answer", [HttpMethods.Get, HttpMethods.Post], Answer);
        demo.MapMethods("/input", [HttpMethods.Get, HttpMethods.Post], InputAsync);
        demo.MapMethods("/events", [HttpMethods.Get, HttpMethods.Post], EventAsync);
        demo.Map("/bot", BotAsync);
        return routes;
    }

    private static IResult Answer(HttpContext http, IOptions<DemoOptions> options, ILoggerFactory loggers)
    {
        var query = http.Request.Query;
        loggers.CreateLogger(LoggerCategory).LogInformation("Demo: answering call {CallUuid} from {From} to {To}", query["uuid"].ToString(), query["from"].ToString(), query["to"].ToString());
        return Ncco(DemoNccos.Answer(BaseUrl(http, options.Value)));
    }

    private static async Task<IResult> InputAsync(HttpContext http, IOptions<DemoOptions> options, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        using var body = await ReadJsonAsync(http, cancellationToken);
        var payload = body?.RootElement ?? default;
        var digits = payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("dtmf", out var dtmf) && dtmf.ValueKind == JsonValueKind.Object
            && dtmf.TryGetProperty("digits", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        string? speech = null;
        if (payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("speech", out var s) && s.ValueKind == JsonValueKind.Object
            && s.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array && results.GetArrayLength() > 0
            && results[0].ValueKind == JsonValueKind.Object && results[0].TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
        {
            speech = text.GetString();
        }
        var attempt = int.TryParse(http.Request.Query["attempt"], NumberStyles.None, CultureInfo.InvariantCulture, out var a) && a > 0 ? a : 1;
        var choice = DemoNccos.Choose(digits, speech);

        var logger = loggers.CreateLogger(LoggerCategory);
        using (logger.BeginCallScope(StringOf(payload, "uuid") ?? "unknown", StringOf(payload, "conversation_uuid")))
        {
            logger.LogInformation("Demo: input digits {Digits}, speech {Speech} → {Choice}", digits ?? "(none)", speech ?? "(none)", choice);
        }
        return Ncco(DemoNccos.Reply(BaseUrl(http, options.Value), choice, attempt, time.GetUtcNow()));
    }

    private static async Task<IResult> EventAsync(HttpContext http, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        using var body = await ReadJsonAsync(http, cancellationToken);
        var payload = body?.RootElement ?? default;
        string? Field(string name) => StringOf(payload, name) ?? (http.Request.Query.TryGetValue(name, out var v) ? v.ToString() : null);

        var logger = loggers.CreateLogger(LoggerCategory);
        using (logger.BeginCallScope(Field("uuid") ?? Field("call_uuid") ?? "unknown", Field("conversation_uuid")))
        {
            logger.LogInformation("Demo: event {Status} {Event}", Field("status") ?? "(no status)", Bounded(body is null ? http.Request.QueryString.ToString() : payload.GetRawText()));
        }
        // An empty 2xx: the call carries on with its NCCO.
        return Results.Ok();
    }

    private static async Task BotAsync(HttpContext http, EchoBot bot)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("The echo bot speaks WebSocket: connect to this URL with ws:// (or wss://).", http.RequestAborted);
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        await bot.RunAsync(socket, http.RequestAborted);
    }

    // The configured public URL when there is one (a proxy in front), else the URL this request reached.
    private static Uri BaseUrl(HttpContext http, DemoOptions options) =>
        DemoNccos.BaseUrl(string.IsNullOrWhiteSpace(options.PublicUrl) ? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/" : options.PublicUrl);

    /// <summary>Most of a logged body: an unauthenticated endpoint must not turn a 1 MB POST into a 1 MB log line.</summary>
    internal const int MaxLoggedChars = 2048;

    private static string Bounded(string text) =>
        text.Length <= MaxLoggedChars ? text : string.Concat(text.AsSpan(0, MaxLoggedChars), $"… ({text.Length} characters in all)");

    private static IResult Ncco(JsonArray ncco) => Results.Text(ncco.ToJsonString(), "application/json");

    private static string? StringOf(JsonElement payload, string name) =>
        payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static async Task<JsonDocument?> ReadJsonAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (!HttpMethods.IsPost(http.Request.Method) || http.Request.ContentLength == 0) return null;
        try
        {
            return await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
