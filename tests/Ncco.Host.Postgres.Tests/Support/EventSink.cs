using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ncco.Host.Postgres.Tests.Support;

/// <summary>
/// An application's webhooks on a real loopback socket (port 0): keeps every event it is sent (<c>POST /events</c>,
/// <c>POST /recordings</c>) and answers <c>GET /answer?uuid=…</c> with the NCCO <see cref="Answer"/> builds for the leg.
/// </summary>
public sealed class EventSink : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EventSink(WebApplication app) => _app = app;

    public ConcurrentQueue<JsonElement> Events { get; } = new();

    /// <summary>Builds the NCCO of <c>GET /answer</c> for a leg's uuid; none answers 404.</summary>
    public Func<string, object>? Answer { get; set; }

    /// <summary>Record events (<c>POST /recordings</c>).</summary>
    public ConcurrentQueue<JsonElement> Recordings { get; } = new();

    /// <summary>The event URL; <see cref="Base"/> + <c>/answer</c> and <c>/recordings</c> are the others.</summary>
    public string Url { get; private set; } = "";

    public string Base => Url[..^"/events".Length];

    public static async Task<EventSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var sink = new EventSink(app);
        app.MapPost("/events", async (HttpContext context) =>
        {
            sink.Events.Enqueue(await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body));
            return Results.Ok();
        });
        app.MapPost("/recordings", async (HttpContext context) =>
        {
            sink.Recordings.Enqueue(await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body));
            return Results.Ok();
        });
        app.MapGet("/answer", (HttpContext context) =>
            sink.Answer is { } answer ? Results.Json(answer(context.Request.Query["uuid"].ToString())) : Results.NotFound());
        await app.StartAsync();
        sink.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/events";
        return sink;
    }

    /// <summary>The status events of leg <paramref name="uuid"/> whose status is <paramref name="status"/>.</summary>
    public IReadOnlyList<JsonElement> StatusEvents(string uuid, string status) =>
        Events.Where(e => e.TryGetProperty("uuid", out var u) && u.GetString() == uuid && e.TryGetProperty("status", out var s) && s.GetString() == status).ToList();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
