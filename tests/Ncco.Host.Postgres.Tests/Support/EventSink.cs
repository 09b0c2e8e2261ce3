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

/// <summary>An application's event webhook on a real loopback socket (port 0): keeps every event it is sent.</summary>
public sealed class EventSink : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EventSink(WebApplication app) => _app = app;

    public ConcurrentQueue<JsonElement> Events { get; } = new();

    public string Url { get; private set; } = "";

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
        await app.StartAsync();
        sink.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/events";
        return sink;
    }

    /// <summary>The status events of leg <paramref name="uuid"/> whose status is <paramref name="status"/>.</summary>
    public IReadOnlyList<JsonElement> StatusEvents(string uuid, string status) =>
        Events.Where(e => e.TryGetProperty("uuid", out var u) && u.GetString() == uuid && e.TryGetProperty("status", out var s) && s.GetString() == status).ToList();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
